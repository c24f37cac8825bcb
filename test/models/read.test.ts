/**
 * Reading after the tidy scope (lib/models/read.ts) in the exact analyses of the VAE and the
 * quantised net (vae-exact.ts, encoder-gram.ts, quantised-exact.ts): the same numbers as when
 * they read inside tf.tidy, and nothing left allocated.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { weightVjp } from '../../lib/models/encoder-gram';
import { quantisedAutodiffGradient, quantisedStates } from '../../lib/models/quantised-exact';
import { QuantisedMlp } from '../../lib/models/quantised-mlp';
import { readAfterTidy } from '../../lib/models/read';
import { autodiffGradient, vaeStates } from '../../lib/models/vae-exact';
import { Vae } from '../../lib/models/vae';
import { Random } from '../../lib/random';
import { useBackend } from '../helpers';

/** sha256 (first 16 hex) of a value's JSON, typed arrays as arrays. */
const hash = (o: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(o, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)))
    .digest('hex')
    .slice(0, 16);

/** Printed by the same calls with the code at commit b3d99ea (dataSync inside tf.tidy), wasm backend. */
const BEFORE = {
  vaeStates: '9b58be806c2512c2',
  autodiff: 'cfdc687c0dad8563',
  weightVjp: 'f466809363cf0393',
  quantisedStates: '3d85aabdb3491b4c',
  quantisedAutodiff: '183703c00f664aeb',
};

describe('reading after tidy', () => {
  before(() => useBackend('wasm'));

  it('readAfterTidy returns the values of the tensor built in the scope and frees it and its intermediates', () => {
    const before = tf.memory().numTensors;
    const values = readAfterTidy(() => tf.range(0, 5).square().add(1));
    assert.deepEqual(Array.from(values), [1, 2, 5, 10, 17]);
    assert.equal(tf.memory().numTensors, before);
  });

  it(
    'the exact analyses of a VAE and a quantised net give the numbers of the code that read ' +
      'inside tidy (hashes), leaving no tensors',
    () => {
      const rng = Random.fromSeed(5);
      const vae = Vae.create({ C: 3, numLatents: 3, hidden: [32, 16], inputSize: 20 }, rng.split());
      const x = tf.tensor2d(Float32Array.from(rng.uniform(4 * 20)), [4, 20]);
      const net = QuantisedMlp.create({ hidden: [3], levels: 'ternary' }, rng.split());
      const xq = tf.tensor2d(Float32Array.from(rng.uniform(3 * 784)), [3, 784]);
      const tensorsBefore = tf.memory().numTensors;
      const s = vaeStates(vae, x, { weights: true });
      const q = quantisedStates(net, xq, [1, 2, 3]);
      const got = {
        vaeStates: hash({
          o: s.objective,
          r: s.reconstructionGradient,
          k: s.klGradient,
          w: s.weightImages!.map((w) => [w.gram, w.sums.gradient]),
        }),
        autodiff: hash(autodiffGradient(vae, x)),
        weightVjp: hash(
          weightVjp(
            vae,
            x,
            Array.from({ length: 4 * 9 }, (_, i) => i / 7),
          ),
        ),
        quantisedStates: hash({ o: q.objective, g: q.gradient, p: q.preActivationGradient, a: q.preActivations }),
        quantisedAutodiff: hash(quantisedAutodiffGradient(net, xq, [1, 2, 3])),
      };
      assert.deepEqual(got, BEFORE);
      assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors left allocated');
      tf.dispose([x, xq]);
      vae.dispose();
      net.dispose();
    },
  );
});

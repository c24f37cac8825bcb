/**
 * The E3/E4 model (lib/models/vae.ts) and the plug-in of estimators by name (lib/estimators/spec.ts).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ALL_ESTIMATORS, CATEGORICAL_ESTIMATORS } from '../../lib/estimators/registry';
import {
  estimatorId,
  estimatorLabel,
  estimatorStyle,
  resolveEstimator,
  type EstimatorSpec,
} from '../../lib/estimators/spec';
import { Adam } from '../../lib/models/adam';
import {
  klToUniform,
  negElboLoss,
  packVariables,
  reconstructionLoss,
  unpackVariables,
  Vae,
} from '../../lib/models/vae';
import { Random } from '../../lib/random';
import { assertClose, useBackend } from '../helpers';

const SHAPE = { C: 3, numLatents: 2, hidden: [6, 5], inputSize: 7 };
const X = Array.from({ length: 4 * 7 }, (_, i) => (Math.sin(i) + 1) / 2); // targets in [0, 1]

/**
 * Options for every registry estimator, pathwise and score-function (defaults, plus a K small enough
 * to be quick, M = 3).
 */
const QUICK: Record<string, EstimatorSpec['options']> = { grMck: { K: 3, tau: 0.5 }, rloo: { M: 3 } };
const SPECS: EstimatorSpec[] = CATEGORICAL_ESTIMATORS.map((e) => ({ name: e.name, options: QUICK[e.name] ?? {} }));

/** Loss and gradients w.r.t. every weight after one step's loss, from a fresh model and stream. */
function lossAndGrads(spec: EstimatorSpec, seed: number): { loss: number; grads: number[][] } {
  return tf.tidy(() => {
    const vae = Vae.create(SHAPE, Random.fromSeed(seed));
    const rng = Random.fromSeed(seed + 1);
    const x = tf.tensor2d(X, [4, 7]);
    const { value, grads } = tf.variableGrads(() => negElboLoss(vae, x, spec, rng), vae.variables());
    const out = { loss: value.dataSync()[0], grads: vae.variables().map((v) => Array.from(grads[v.name].dataSync())) };
    vae.dispose();
    return out;
  });
}

describe('VAE: every estimator plugs in by name with its options', () => {
  before(() => useBackend('wasm'));

  it(
    'names: every registry row, pathwise and score-function, is one the model takes; an ' + 'unknown name lists them',
    () => {
      assert.ok(['rloo', 'reinforce', 'reinmaxCv', 'gst'].every((n) => ALL_ESTIMATORS.some((e) => e.name === n)));
      assert.throws(
        () => resolveEstimator({ name: 'zrg' }),
        new RegExp(`unknown estimator "zrg" \\(known: ${ALL_ESTIMATORS.map((e) => e.name).join(', ')}\\)`),
      );
    },
  );

  for (const spec of SPECS) {
    it(`${spec.name}: finite loss, non-zero gradients for encoder and decoder, bit-identical for a seed`, () => {
      const a = lossAndGrads(spec, 11);
      const b = lossAndGrads(spec, 11);
      assert.ok(Number.isFinite(a.loss), `loss ${a.loss}`);
      assert.deepEqual(a, b);
      const norms = a.grads.map((g) => Math.hypot(...g));
      assert.ok(norms[0] > 0, `${spec.name}: encoder's first weight has a zero gradient`);
      assert.ok(norms.at(-2)! > 0, `${spec.name}: decoder's last weight has a zero gradient`);
    });
  }

  it('options are checked by name and by kind, with messages that say which', () => {
    assert.throws(() => resolveEstimator({ name: 'gumbel' }), /unknown estimator.*known: st, darn, zgr/);
    assert.throws(
      () => resolveEstimator({ name: 'stGs', options: { temperature: 1 } }),
      /unknown option "temperature" \(options: tau\)/,
    );
    assert.throws(() => resolveEstimator({ name: 'grMck', options: { K: 0 } }), /option K must be an integer ≥ 1/);
    assert.throws(
      () => resolveEstimator({ name: 'stZgr', options: { a: 2 } }),
      /option a must be a number in \[0, 1\]/,
    );
    assert.throws(() => resolveEstimator({ name: 'rloo', options: { M: 1 } }), /option M must be an integer ≥ 2/);
    assert.throws(
      () => resolveEstimator({ name: 'zgr', options: { tau: 1 } }),
      /unknown option "tau" \(options: none\)/,
    );
    assert.throws(
      () => resolveEstimator({ name: 'reinmaxCv', options: { eta: NaN } }),
      /estimator "reinmaxCv": option eta must be a finite number, got NaN/,
    );
  });

  it(
    'resolving fills the defaults and says the kind: pathwise rows run through sampleOp, ' +
      'score rows through their surrogate',
    () => {
      const r = resolveEstimator({ name: 'reinmaxCv', options: { eta: -0.5 } });
      assert.equal(r.kind, 'pathwise');
      assert.deepEqual(r.options, { tau: 0.7, K: 32, eta: -0.5 });
      const s = resolveEstimator({ name: 'rloo' });
      assert.equal(s.kind, 'score');
      assert.deepEqual(s.options, { M: 2 });
      assert.equal(resolveEstimator({ name: 'reinforce' }).kind, 'score');
    },
  );

  it('labels and ids carry the options', () => {
    assert.equal(estimatorLabel({ name: 'grMck', options: { K: 100, tau: 0.5 } }), 'GR-MC100(τ=0.5)');
    assert.equal(estimatorLabel({ name: 'rloo', options: { M: 4 } }), 'RLOO(M=4)');
    assert.equal(estimatorId({ name: 'grMck', options: { tau: 0.5, K: 100 } }), 'grMck-K100-tau0.5');
    assert.equal(estimatorId({ name: 'zgr' }), 'zgr');
    assert.equal(estimatorId({ name: 'rloo' }), 'rloo-M2');
  });

  it('one style per spec: label, colour and family from the row (ST-GS and GR-MCK are one family)', () => {
    assert.deepEqual(estimatorStyle({ name: 'grMck', options: { K: 100, tau: 0.5 } }), {
      label: 'GR-MC100(τ=0.5)',
      colour: '#e377c2',
      family: 'GR-MCK(τ)',
    });
    assert.equal(estimatorStyle({ name: 'stGs' }).family, 'GR-MCK(τ)');
    assert.deepEqual(estimatorStyle({ name: 'rloo', options: { M: 4 } }), {
      label: 'RLOO(M=4)',
      colour: '#bcbd22',
      family: 'RLOO(M)',
    });
    assert.equal(estimatorStyle({ name: 'reinmaxCv' }).label, 'ReinMax-CV32(τ=0.7, η=1.5)');
    const colours = CATEGORICAL_ESTIMATORS.map((e) => estimatorStyle({ name: e.name }).colour);
    assert.equal(new Set(colours).size, colours.length, `every categorical row its own colour: ${colours.join(' ')}`);
    // a binary row is drawn like its categorical twin (claim C5)
    assert.deepEqual(estimatorStyle({ name: 'zgrBinary' }), {
      label: 'ZGR (binary)',
      colour: estimatorStyle({ name: 'zgr' }).colour,
      family: 'ST-ZGR(a)',
    });
    assert.deepEqual(estimatorStyle({ name: 'stBinary' }), {
      label: 'ST (binary)',
      colour: estimatorStyle({ name: 'st' }).colour,
      family: 'ST(t)',
    });
  });
});

describe('VAE: loss terms', () => {
  before(() => useBackend('wasm'));

  it('reconstruction = Σ BCE(t, σ(y)) and KL(q ‖ uniform) = Σ p log(C p)', () => {
    const y = [2, -1, 0.5, -3];
    const t = [1, 0, 0.3, 0.9];
    const rec = tf.tidy(() => reconstructionLoss(tf.tensor2d(y, [1, 4]), tf.tensor2d(t, [1, 4])).dataSync()[0]);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const expected = y.reduce((s, v, i) => s - t[i] * Math.log(sig(v)) - (1 - t[i]) * Math.log(1 - sig(v)), 0);
    assertClose([rec], [expected], { rtol: 1e-5, context: 'BCE' });
    const logits = [0.3, -1, 2, 0, 0, 0];
    const kl = tf.tidy(() => klToUniform(tf.tensor3d(logits, [1, 2, 3])).dataSync()[0]);
    let expectedKl = 0;
    for (const row of [logits.slice(0, 3), logits.slice(3)]) {
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      for (const v of row) expectedKl += (Math.exp(v) / z) * Math.log((3 * Math.exp(v)) / z);
    }
    assertClose([kl], [expectedKl], { atol: 1e-6, context: 'KL' });
  });

  it('weights and Adam state round-trip through packVariables / unpackVariables exactly', async () => {
    const vae = Vae.create(SHAPE, Random.fromSeed(1));
    const adam = new Adam(vae.variables(), { lr: 0.01 });
    const x = tf.tensor2d(X, [4, 7]);
    const rng = Random.fromSeed(2);
    const { grads } = tf.variableGrads(() => negElboLoss(vae, x, { name: 'zgr' }, rng), vae.variables());
    adam.apply(vae.variables().map((v) => grads[v.name]));
    const state = [...vae.variables(), ...adam.stateTensors()];
    const saved = await packVariables(state);
    const other = Vae.create(SHAPE, Random.fromSeed(9));
    const adam2 = new Adam(other.variables(), { lr: 0.01 });
    unpackVariables([...other.variables(), ...adam2.stateTensors()], saved);
    assert.deepEqual(await packVariables([...other.variables(), ...adam2.stateTensors()]), saved);
    assert.throws(
      () => unpackVariables(other.variables(), saved.subarray(1)),
      /holds \d+ numbers, the model needs \d+/,
    );
    tf.dispose([x, ...Object.values(grads)]);
    [vae, other].forEach((m) => m.dispose());
    [adam, adam2].forEach((a) => a.dispose());
  });
});

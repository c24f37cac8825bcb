/**
 * E5's quantised classifiers (lib/models/quantised-mlp.ts, quantised-conv.ts) and their training
 * step (lib/training/quantised-task.ts): shapes, finite losses for every kind of estimator,
 * learning on a tiny subset, and bit-identical runs for a seed.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { classificationBatch, loadDataset, type DatasetName } from '../../lib/data/classification';
import { loadMnist } from '../../lib/data/mnist';
import { resolveEstimator } from '../../lib/estimators/spec';
import { evaluateClassifier, trainStep } from '../../lib/training/quantised-task';
import { Adam } from '../../lib/models/adam';
import {
  classifierLoss,
  meanFieldLogits,
  sampledLogits,
  type QuantisedClassifier,
} from '../../lib/models/quantised-classifier';
import { conv2dSame, QuantisedConvNet } from '../../lib/models/quantised-conv';
import { QuantisedMlp } from '../../lib/models/quantised-mlp';
import { packVariables } from '../../lib/models/vae';
import { Random } from '../../lib/random';
import { assertClose, assertFinite, useBackend } from '../helpers';

const train = () => loadMnist('train', { limit: 64 });
const inputs = (B: number) => {
  const batch = classificationBatch(
    train(),
    Array.from({ length: B }, (_, i) => i),
  );
  return { x: tf.tensor2d(batch.images, [B, 784]), y: tf.tensor1d(batch.labels, 'int32'), batch };
};

/** `steps` training steps on the first 64 MNIST images; the losses and the final weights. */
async function run(
  make: (rng: Random) => QuantisedClassifier,
  name: string,
  steps: number,
  seed: number,
  lr = 3e-3,
): Promise<{ losses: number[]; weights: Float32Array; model: QuantisedClassifier }> {
  const root = Random.fromSeed(seed);
  const model = make(root.split());
  const rng = root.split();
  const adam = new Adam(model.variables(), { lr });
  const { batch } = inputs(64);
  const estimator = resolveEstimator({ name });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = trainStep(model, adam, batch, estimator, rng);
    losses.push((await loss.data())[0]);
    loss.dispose();
  }
  adam.dispose();
  return { losses, weights: await packVariables(model.variables()), model };
}

const mlp =
  (hidden: number[], levels: 'ternary' | 'binary' = 'ternary') =>
  (rng: Random) =>
    QuantisedMlp.create({ hidden, levels }, rng);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('E5: quantised classifiers', () => {
  before(() => useBackend('wasm'));

  it(
    'shapes: MLP 784–H–H–10 and conv nets give [B, 10] sampled and mean-field logits; the ' +
      'mean-field net is deterministic',
    () => {
      const { x, y } = inputs(6);
      const zgr = resolveEstimator({ name: 'zgr' });
      for (const model of [
        QuantisedMlp.create({ hidden: [16, 8] }, Random.fromSeed(1)),
        QuantisedConvNet.create({ channels: [2, 3] }, Random.fromSeed(1)),
      ]) {
        tf.tidy(() => {
          assert.deepEqual(sampledLogits(model, x, zgr, Random.fromSeed(2)).shape, [6, 10]);
          const m = meanFieldLogits(model, x);
          assert.deepEqual(m.shape, [6, 10]);
          assert.deepEqual(meanFieldLogits(model, x).dataSync(), m.dataSync());
          assertFinite(classifierLoss(model, x, y, zgr, Random.fromSeed(3)).dataSync(), 'loss');
        });
        model.dispose();
      }
      const sizes = QuantisedMlp.create({}, Random.fromSeed(1));
      assert.deepEqual(
        sizes.variables().map((v) => v.shape),
        [[784, 512], [512], [512, 512], [512], [512, 10], [10]],
      );
      sizes.dispose();
      const conv = QuantisedConvNet.create({}, Random.fromSeed(1));
      assert.deepEqual(
        conv.variables().map((v) => v.shape),
        [[25, 16], [16], [400, 32], [32], [1568, 10], [10]],
      );
      conv.dispose();
      x.dispose();
      y.dispose();
      assert.equal(loadDataset('mnist', 'test', { limit: 5 }).count, 5);
      assert.throws(
        () => loadDataset('cifar10' as DatasetName, 'train'),
        /unknown data set "cifar10" \(known: mnist, fashion-mnist\)/,
      );
    },
  );

  it(
    'conv2dSame (tf.conv2d with its own filter gradient) equals im2col + matMul, value and ' +
      'gradients w.r.t. input, kernel and bias',
    () => {
      const rng = Random.fromSeed(8);
      for (const [k, cIn, cOut] of [
        [3, 2, 4],
        [5, 3, 2],
      ]) {
        const x = tf.tensor4d(
          Float32Array.from(rng.uniform(2 * 6 * 6 * cIn), (u) => 2 * u - 1),
          [2, 6, 6, cIn],
        );
        const layer = {
          W: tf.variable(
            tf.tensor2d(
              Float32Array.from(rng.uniform(k * k * cIn * cOut), (u) => u - 0.5),
              [k * k * cIn, cOut],
            ),
          ),
          b: tf.variable(tf.tensor1d([0.1, -0.2, 0.3, 0].slice(0, cOut))),
        };
        const u = tf.tensor4d(Float32Array.from(rng.uniform(2 * 6 * 6 * cOut)), [2, 6, 6, cOut]);
        // patches[b, y, x, (dy·k + dx)·C_in + c] = x_pad[b, y + dy, x + dx, c]
        const im2col = (xs: tf.Tensor4D, W: tf.Tensor, b: tf.Tensor) => {
          const r = (k - 1) / 2;
          const p = tf.pad(xs, [
            [0, 0],
            [r, r],
            [r, r],
            [0, 0],
          ]);
          const shifts: tf.Tensor[] = [];
          for (let dy = 0; dy < k; dy++)
            for (let dx = 0; dx < k; dx++) shifts.push(p.slice([0, dy, dx, 0], [2, 6, 6, cIn]));
          return tf.concat(shifts, -1).reshape([72, -1]).matMul(W).add(b).reshape([2, 6, 6, cOut]);
        };
        const [mine, ref] = [
          (xs: tf.Tensor, W: tf.Tensor, b: tf.Tensor) =>
            conv2dSame(xs as tf.Tensor4D, { W: W as tf.Variable, b: b as tf.Variable }, k)
              .mul(u)
              .sum(),
          (xs: tf.Tensor, W: tf.Tensor, b: tf.Tensor) =>
            im2col(xs as tf.Tensor4D, W, b)
              .mul(u)
              .sum(),
        ].map((f) =>
          tf.tidy(() => {
            const g = tf.grads(f)([x, layer.W, layer.b]);
            return [f(x, layer.W, layer.b), ...g].map((t) => Array.from(t.dataSync()));
          }),
        );
        ['value', 'd/dx', 'd/dW', 'd/db'].forEach((what, i) =>
          assertClose(mine[i], ref[i], { atol: 1e-4, rtol: 1e-4, context: `k=${k}: ${what}` }),
        );
        [x, u, layer.W, layer.b].forEach((t) => t.dispose());
      }
    },
  );

  it(
    'every kind of estimator gives a finite loss and finite weight gradients (pathwise, ' +
      'relaxed, conditional noise, binary, score on one and two layers)',
    () => {
      const { x, y } = inputs(5);
      const cases: [QuantisedClassifier, string, Record<string, number>][] = [];
      const two = QuantisedMlp.create({ hidden: [12, 7] }, Random.fromSeed(4));
      const one = QuantisedMlp.create({ hidden: [9] }, Random.fromSeed(4));
      const binary = QuantisedMlp.create({ hidden: [12, 7], levels: 'binary' }, Random.fromSeed(4));
      const conv = QuantisedConvNet.create({ channels: [2, 3] }, Random.fromSeed(4));
      for (const [name, options] of [
        ['st', {}],
        ['zgr', {}],
        ['stZgr', { a: 0.5 }],
        ['reinmax', {}],
        ['gs', { tau: 0.5 }],
        ['stGs', { tau: 0.5 }],
        ['grMck', { tau: 0.5, K: 3 }],
      ] as const)
        cases.push([two, name, options]);
      cases.push(
        [binary, 'zgrBinary', {}],
        [binary, 'stBinary', {}],
        [one, 'rloo', { M: 3 }],
        [two, 'rloo', { M: 3 }],
        [two, 'reinforce', {}],
        [conv, 'zgr', {}],
        [conv, 'rloo', { M: 2 }],
      );
      for (const [model, name, options] of cases) {
        const r = resolveEstimator({ name, options });
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(
            () => classifierLoss(model, x, y, r, Random.fromSeed(5)),
            model.variables(),
          );
          assertFinite(value.dataSync(), `${name}: loss`);
          for (const v of model.variables()) assertFinite(grads[v.name].dataSync(), `${name}: gradient of ${v.name}`);
          assert.ok(
            grads[model.variables()[0].name].abs().sum().dataSync()[0] > 0,
            `${name}: the first layer gets a gradient`,
          );
        });
      }
      [two, one, binary, conv].forEach((m) => m.dispose());
      x.dispose();
      y.dispose();
    },
  );

  for (const name of ['zgr', 'st']) {
    it(
      `${name}: the training loss falls over 40 steps on 64 MNIST images (fixed seed), and the ` +
        `mean-field net learns them`,
      async () => {
        const { losses, model } = await run(mlp([64, 64]), name, 40, 10);
        assertFinite(losses, 'losses');
        const [first, last] = [mean(losses.slice(0, 5)), mean(losses.slice(-5))];
        assert.ok(
          last < 0.6 * first,
          `${name}: mean loss of the last 5 steps ${last} is not below 0.6 × that of the first 5, ` +
            `${first} (losses ${losses.map((l) => l.toFixed(3))})`,
        );
        const { accuracy } = await evaluateClassifier(model, train());
        assert.ok(accuracy > 0.6, `${name}: mean-field training accuracy ${accuracy}`);
        model.dispose();
      },
    );
  }

  it('a training run is bit-identical for a seed (MLP and conv), and another seed differs', async () => {
    const conv = (rng: Random) => QuantisedConvNet.create({ channels: [4, 8] }, rng);
    for (const [make, name] of [
      [mlp([16, 16]), 'zgr'],
      [mlp([16, 16], 'binary'), 'zgrBinary'],
      [conv, 'st'],
    ] as const) {
      const [a, b, c] = [await run(make, name, 3, 21), await run(make, name, 3, 21), await run(make, name, 3, 22)];
      assert.deepEqual(a.losses, b.losses, `${name}: losses`);
      assert.deepEqual(a.weights, b.weights, `${name}: weights`);
      assert.notDeepEqual(a.weights, c.weights, `${name}: another seed`);
      [a, b, c].forEach((r) => r.model.dispose());
    }
  });
});

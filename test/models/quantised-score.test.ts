/**
 * Score-function estimators (REINFORCE, RLOO(M)) on quantised nets with any number of stochastic
 * layers (lib/models/quantised-classifier.ts, classifierLoss): unbiased for the gradient of the
 * expected loss of a two-layer net (exact by enumerating the joint states), bit-identical for a
 * seed, the one-layer value the single-layer surrogate's, and bad input rejected by name.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { classifierLoss, crossEntropy, type QuantisedClassifier } from '../../lib/models/quantised-classifier';
import { resolveEstimator, type ResolvedEstimator } from '../../lib/estimators/spec';
import { levelLogits, levelValue, quantisedSurrogate } from '../../lib/models/quantised-layer';
import { QuantisedMlp } from '../../lib/models/quantised-mlp';
import { Random } from '../../lib/random';
import { assertClose, assertFinite, useBackend } from '../helpers';

const B = 2;
const X = [
  [0.8, -0.5, 1.2],
  [-1, 0.3, 0.6],
];
const Y = [0, 2];

/**
 * 3 → 2 ternary → 2 ternary → 3 classes, with weights large enough for every layer's gradient to stand
 * out of the noise.
 */
function tinyNet(hidden = [2, 2]): QuantisedMlp {
  const net = QuantisedMlp.create({ hidden, inputSize: 3, classes: 3 }, Random.fromSeed(1));
  const weights = [
    [
      [1.5, -1],
      [0.5, 2],
      [-1, 0.8],
    ],
    [0.2, -0.3],
    [
      [1.2, -0.7],
      [0.9, 1.4],
    ],
    [0.1, -0.2],
    [
      [2, -1, 0.5],
      [-1.5, 1, 2],
    ],
    [0.1, 0, -0.1],
  ];
  if (hidden.length === 2) net.variables().forEach((v, i) => v.assign(tf.tensor(weights[i] as number[], v.shape)));
  return net;
}

/** One-hots of the 9 joint states of 2 ternary units: [9, 2, 3], state s = 3 z_0 + z_1. */
const jointStates = () =>
  tf
    .oneHot(tf.tensor1d(Array.from({ length: 9 }, (_, s) => [Math.floor(s / 3), s % 3]).flat(), 'int32'), 3)
    .reshape([9, 2, 3]);

/**
 * J = (1/B) Σ_b Σ_{z1, z2} q(z1 | a1_b) q(z2 | a2(z1)) CE(logits(z2), y_b), built in tensors over
 * the 9 × 9 joint states (a2 and the logits depend on the states only, not on b).
 */
function exactObjective(net: QuantisedClassifier, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  const q = net.quantiser;
  const O = jointStates();
  const H = levelValue(O, q); //                                                         [9, 2]
  const logq = (a: tf.Tensor) =>
    tf
      .logSoftmax(levelLogits(a, q))
      .reshape([-1, 6])
      .matMul(O.reshape([9, 6]), false, true);
  const q1 = logq(net.stages[0](x)).exp(); //                                             [B, 9]
  const q2 = logq(net.stages[1](H)).exp(); //                                             [9 (z1), 9 (z2)]
  const ce = tf.logSoftmax(net.stages[2](H)).matMul(tf.oneHot(y, 3).toFloat(), false, true).neg(); // [9 (z2), B]
  return q1.matMul(q2).mul(ce.transpose()).sum().div(B) as tf.Scalar;
}

const flatGrads = (grads: tf.NamedTensorMap, vars: tf.Variable[]) =>
  vars.flatMap((v) => Array.from(grads[v.name].dataSync()));

/** Loss and flat gradient w.r.t. every weight of one call of classifierLoss. */
function lossAndGradient(
  net: QuantisedClassifier,
  x: tf.Tensor,
  y: tf.Tensor,
  r: ResolvedEstimator,
  rng: Random,
): { loss: number; grad: number[] } {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => classifierLoss(net, x, y, r, rng), net.variables());
    return { loss: value.dataSync()[0], grad: flatGrads(grads, net.variables()) };
  });
}

describe('score-function estimators on quantised nets with several stochastic layers', () => {
  before(() => useBackend('wasm'));

  for (const [name, options] of [
    ['rloo', { M: 2 }],
    ['reinforce', {}],
  ] as const) {
    it(
      `${name}: unbiased on a net with two ternary layers — the mean of 4000 gradients is ` +
        `within 5 SE of the exact gradient (9×9 joint states), which the pathwise-only gradient ` +
        `is not`,
      () => {
        const net = tinyNet();
        const [x, y] = [tf.tensor2d(X), tf.tensor1d(Y, 'int32')];
        const exact = tf.tidy(() =>
          flatGrads(tf.variableGrads(() => exactObjective(net, x, y), net.variables()).grads, net.variables()),
        );
        const r = resolveEstimator({ name, options });
        const rng = Random.fromSeed(11);
        const N = 4000;
        const [sum, sumSq] = [new Float64Array(exact.length), new Float64Array(exact.length)];
        for (let n = 0; n < N; n++) {
          lossAndGradient(net, x, y, r, rng).grad.forEach((g, i) => ((sum[i] += g), (sumSq[i] += g * g)));
        }
        const mean = Array.from(sum, (s) => s / N);
        // SE per coordinate from the samples themselves; 5 SE (two-sided p ≈ 6e-7 per coordinate, 23
        // coordinates) and the fixed seed keep it from flaking; 1e-5 absorbs float32 rounding
        const tol = mean.map((m, i) => 5 * Math.sqrt(Math.max(sumSq[i] / N - m * m, 0) / (N - 1)) + 1e-5);
        exact.forEach((e, i) =>
          assert.ok(
            Math.abs(mean[i] - e) <= tol[i],
            `${name}: coordinate ${i}: mean ${mean[i]}, exact ${e}, tolerance ${tol[i]}\n  mean  ` +
              `[${mean}]\n  exact [${exact}]`,
          ),
        );
        // without the score term (samples held fixed) the first two layers (W_1, b_1, W_2, b_2: 14
        // coordinates) get a zero gradient: the test must reject it for each layer's kernel
        const sizes = net.variables().map((v) => v.size);
        for (const [layer, offset] of [
          [1, 0],
          [2, sizes[0] + sizes[1]],
        ]) {
          const rejected = exact
            .slice(offset, offset + sizes[2 * (layer - 1)])
            .some((e, i) => Math.abs(e) > tol[offset + i]);
          assert.ok(
            rejected,
            `${name}: a zero gradient of layer ${layer}'s kernel would pass (exact ` +
              `[${exact.slice(offset, offset + sizes[2 * (layer - 1)])}])`,
          );
        }
        [x, y].forEach((t) => t.dispose());
        net.dispose();
      },
    );
  }

  it('the same seed gives bit-identical losses and gradients (RLOO(M = 3), REINFORCE); another seed differs', () => {
    const net = tinyNet();
    const [x, y] = [tf.tensor2d(X), tf.tensor1d(Y, 'int32')];
    for (const [name, options] of [
      ['rloo', { M: 3 }],
      ['reinforce', {}],
    ] as const) {
      const r = resolveEstimator({ name, options });
      const [a, b, c] = [12, 12, 13].map((seed) => lossAndGradient(net, x, y, r, Random.fromSeed(seed)));
      assertFinite([a.loss, ...a.grad], `${name}: loss and gradient`);
      assert.deepEqual(a, b, `${name}: same seed`);
      assert.notDeepEqual(a.grad, c.grad, `${name}: another seed`);
    }
    [x, y].forEach((t) => t.dispose());
    net.dispose();
  });

  it(
    'one quantised layer: the value is bit-identical to the single-layer surrogate ' +
      '(quantisedSurrogate) on the same samples, the gradients agree',
    () => {
      const net = tinyNet([4]);
      const [x, y] = [tf.tensor2d(X), tf.tensor1d(Y, 'int32')];
      const r = resolveEstimator({ name: 'rloo', options: { M: 3 } }) as Extract<ResolvedEstimator, { kind: 'score' }>;
      const [first, last] = net.stages;
      // the per-sample losses of the former one-layer path: values [M, B, H] → cross-entropy [M, B]
      const loss = (h: tf.Tensor) =>
        crossEntropy(last(h.reshape([-1, 4])), tf.tile(y, [h.shape[0]])).reshape([h.shape[0], B]);
      const single = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => quantisedSurrogate(first(x), net.quantiser, r, loss, Random.fromSeed(4)).div(B) as tf.Scalar,
          net.variables(),
        );
        return { loss: value.dataSync()[0], grad: flatGrads(grads, net.variables()) };
      });
      const joint = lossAndGradient(net, x, y, r, Random.fromSeed(4));
      assert.equal(joint.loss, single.loss);
      assertClose(joint.grad, single.grad, {
        atol: 1e-6,
        rtol: 1e-5,
        context: 'one layer: joint vs single-layer surrogate gradient',
      });
      [x, y].forEach((t) => t.dispose());
      net.dispose();
    },
  );

  it('bad input is rejected by name: a non-finite loss, a net without a quantised layer, RLOO with M < 2', () => {
    const net = tinyNet();
    const y = tf.tensor1d(Y, 'int32');
    const x = tf.tensor2d(X);
    const rloo = resolveEstimator({ name: 'rloo' });
    // class logits that overflow: the score term needs finite losses
    const overflow: QuantisedClassifier = {
      quantiser: net.quantiser,
      stages: [net.stages[0], (h) => h.matMul(tf.fill([2, 3], 1e38)).mul(1e38)],
      variables: () => [],
      dispose: () => {},
    };
    assert.throws(
      () => classifierLoss(overflow, x, y, rloo, Random.fromSeed(1)),
      /classifierLoss \(rloo\): loss values must be finite; entry 0, got NaN/,
    );
    const linear: QuantisedClassifier = {
      quantiser: net.quantiser,
      stages: [(h) => h],
      variables: () => [],
      dispose: () => {},
    };
    assert.throws(
      () => classifierLoss(linear, x, y, rloo, Random.fromSeed(1)),
      /rloo \(score function\) needs a net with ≥ 1 quantised layer; this one has 0/,
    );
    assert.throws(
      () => resolveEstimator({ name: 'rloo', options: { M: 1 } }),
      /option M must be an integer ≥ 2, got 1/,
    );
    [x, y].forEach((t) => t.dispose());
    net.dispose();
  });
});

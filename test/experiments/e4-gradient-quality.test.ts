/**
 * E4 (lib/experiments/e4-gradient-quality.ts): the exact gradient by enumeration against a
 * brute-force tf.grad of the enumerated objective, and the sampled statistics against it.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { e4Estimators, E4_PROFILES, estimatorQuality, exactGradient, familyOf, GradientStats, grDominance, sampleEstimators, stateOneHots } from '../../lib/experiments/e4-gradient-quality';
import { klToUniform, reconstructionLoss, Vae } from '../../lib/models/vae';
import { Random } from '../../lib/random';
import { assertClose, useBackend } from '../helpers';

const SHAPE = { C: 3, numLatents: 2, hidden: [6, 5], inputSize: 7 };
const B = 3;
const X = Array.from({ length: B * 7 }, (_, i) => (Math.cos(1.3 * i) + 1) / 2);

/**
 * Brute force: J(η) = (1/B) Σ_b [Σ_z q_b(z) f_b(z) + KL_b] written directly on tensors, with
 * log q_b(z) = ⟨onehot(z), log softmax(η_b)⟩, differentiated by tf.grad.
 */
function bruteForce(vae: Vae, x: tf.Tensor): { objective: number; gradient: number[] } {
  return tf.tidy(() => {
    const { C, numLatents: L } = vae;
    const { S, onehots } = stateOneHots(C, L);
    const states = tf.tensor2d(onehots, [S, L * C]);
    const f = tf.stack(Array.from({ length: B }, (_, b) => reconstructionLoss(vae.decode(states), tf.tile(x.slice([b, 0], [1, -1]), [S, 1])))); // [B, S]
    const J = (eta: tf.Tensor) => {
      const logq = tf.logSoftmax(eta).reshape([B, L * C]).matMul(states.transpose()); // [B, S]
      return tf.exp(logq).mul(f).sum(1).add(klToUniform(eta)).mean();
    };
    const eta = vae.encode(x);
    return { objective: J(eta).dataSync()[0], gradient: Array.from(tf.grad(J)(eta).dataSync()) };
  });
}

describe('E4: exact gradient of the batch −ELBO w.r.t. the encoder logits', () => {
  before(() => useBackend('wasm'));

  it('by enumeration (score identity, float64) equals tf.grad of the enumerated objective, C = 3, L = 2', () => {
    const vae = Vae.create(SHAPE, Random.fromSeed(5));
    const x = tf.tensor2d(X, [B, 7]);
    const exact = exactGradient(vae, x);
    const brute = bruteForce(vae, x);
    assertClose([exact.objective], [brute.objective], { rtol: 1e-5, context: 'objective J' });
    assertClose(exact.gradient, brute.gradient, { atol: 2e-5, rtol: 1e-3, context: 'gradient' });
    x.dispose();
    vae.dispose();
  });

  it('states are enumerated with every one-hot combination once', () => {
    const { S, digits } = stateOneHots(3, 2);
    assert.equal(S, 9);
    assert.deepEqual(Array.from(digits.slice(0, 6)), [0, 0, 0, 1, 0, 2]);
    assert.throws(() => stateOneHots(64, 8), /is more than 65536 to enumerate/);
  });
});

describe('E4: sampled estimator statistics against the exact gradient', () => {
  before(() => useBackend('wasm'));

  it('RLOO is unbiased: its mean is within 5 standard errors of the exact gradient in every coordinate', () => {
    const vae = Vae.create(SHAPE, Random.fromSeed(6));
    const x = tf.tensor2d(X, [B, 7]);
    const exact = exactGradient(vae, x);
    const specs = [{ name: 'rloo', options: { M: 4 } }, { name: 'st' }];
    const [rloo, st] = sampleEstimators(vae, x, specs, exact, Random.fromSeed(7), { samples: 4000, chunk: 400 });
    const { meanError, standardError } = rloo.coordinates();
    meanError.forEach((e, i) => assert.ok(Math.abs(e) <= 5 * standardError[i] + 1e-9, `coordinate ${i}: mean error ${e}, standard error ${standardError[i]}`));
    // ST is biased here (f is not linear in z): some coordinate is off by more than 5 standard errors
    const s = st.coordinates();
    assert.ok(s.meanError.some((e, i) => Math.abs(e) > 5 * s.standardError[i]), 'ST looks unbiased, so the check above could not fail');
    const [q] = estimatorQuality(specs, [rloo, st]);
    assert.equal(q.evaluations, 4);
    assert.equal(q.samples, 1000);
    assert.ok(Math.abs(q.mse - (q.biasRaw ** 2 + (q.std ** 2 * (q.samples - 1)) / q.samples)) < 1e-9 * q.mse, 'MSE = bias² + variance (1/N form)');
    x.dispose();
    vae.dispose();
  });

  it('GradientStats: bias, std, MSE and cosine of known samples', () => {
    const s = new GradientStats(Float64Array.from([1, 0]));
    for (const g of [[2, 1], [2, -1], [0, 1], [0, -1]]) s.add(g);
    const q = s.summary();
    // mean = [1, 0] = exact: raw bias 0; variances 4/3 and 4/3 → std √(8/3); MSE = mean ‖ĝ − g‖² = 2;
    // cosines 2/√5, 2/√5, 0, 0 → mean 1/√5
    assert.equal(q.biasRaw, 0);
    assertClose([q.std, q.mse, q.cosine], [Math.sqrt(8 / 3), 2, 1 / Math.sqrt(5)], { atol: 1e-12, context: 'stats' });
  });

  it('families index the curves of the bias–variance figure', () => {
    assert.deepEqual(familyOf({ name: 'grMck', options: { K: 100, tau: 0.3 } }), { family: 'GR-MC100(τ)', param: 0.3 });
    assert.deepEqual(familyOf({ name: 'st', options: { t: 2 } }), { family: 'ST(t)', param: 2 });
    assert.deepEqual(familyOf({ name: 'zgr' }), { family: 'ZGR', param: null });
    const names = new Set(e4Estimators(E4_PROFILES.quick).map((s) => s.name));
    assert.deepEqual([...names].sort(), ['darn', 'grMck', 'reinmax', 'rloo', 'st', 'stGs', 'stZgr', 'zgr']);
  });

  it('grDominance compares every GR member with the best ST-ZGR member', () => {
    const q = (name: string, options: Record<string, number>, mse: number) =>
      ({ estimator: { name, options }, label: name, ...familyOf({ name, options }), mse }) as never;
    const d = grDominance([q('stZgr', { a: 0.5 }, 1), q('stGs', { tau: 1 }, 2), q('grMck', { tau: 1, K: 10 }, 0.5)]);
    assert.equal(d.dominated, 0.5);
  });
});

/**
 * E5's stochastic quantised layer (lib/models/quantised-layer.ts): level probabilities from
 * logistic noise before a midpoint quantiser, stable logits, and the estimators' gradient w.r.t.
 * the pre-activations through the categorical's logits.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { estimator } from '../../lib/estimators/registry';
import { resolveEstimator, type ResolvedEstimator } from '../../lib/estimators/spec';
import {
  expectedLevel,
  levelLogitSlopes64,
  levelLogits,
  levelLogits64,
  levelValue,
  quantise,
  quantisedSurrogate,
  quantiser,
  LEVEL_PRESETS,
  type LevelPreset,
  type Quantiser,
} from '../../lib/models/quantised-layer';
import { Random } from '../../lib/random';
import { assertClose, assertFinite, useBackend } from '../helpers';

const PRESETS = Object.keys(LEVEL_PRESETS) as LevelPreset[];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** dη_k/da by a central difference of the float64 logits (independent of any closed form). */
const logitSlopes = (a: number, q: Quantiser, h = 1e-5) => {
  const [up, down] = [levelLogits64(a + h, q), levelLogits64(a - h, q)];
  return up.map((u, k) => (u - down[k]) / (2 * h));
};

/** The level index of each value of a layer's output. */
const levelIndex = (values: ArrayLike<number>, q: Quantiser) =>
  Array.from(values, (h) => q.levels.findIndex((l) => Math.abs(l - h) < 1e-6));

describe('E5: the quantised layer', () => {
  before(() => useBackend('wasm'));

  it(
    'level probabilities sum to 1 and equal σ((t_{k+1} − a)/s) − σ((t_k − a)/s) computed ' +
      'directly where that is accurate',
    () => {
      for (const preset of PRESETS) {
        for (const s of [0.3, 1, 2]) {
          const q = quantiser(preset, s);
          for (const a of [-4, -1.1, -0.5, 0, 0.2, 0.5, 1.3, 4]) {
            const p = levelLogits64(a, q).map(Math.exp);
            const t = [-Infinity, ...q.thresholds, Infinity];
            const direct = p.map((_, k) => sigmoid((t[k + 1] - a) / s) - sigmoid((t[k] - a) / s));
            assertClose([p.reduce((x, y) => x + y, 0)], [1], { atol: 1e-14, context: `${preset} s=${s} a=${a}: Σ P` });
            assertClose(p, direct, { atol: 1e-14, rtol: 1e-12, context: `${preset} s=${s} a=${a}` });
          }
        }
      }
    },
  );

  it(
    'the probabilities match a Monte Carlo of the noisy quantiser (a + sε, midpoint ' +
      'thresholds) within 5 binomial SE',
    () => {
      const rng = Random.fromSeed(11);
      const N = 20_000;
      for (const [preset, s, a] of [
        ['ternary', 1, 0.3],
        ['twoBit', 0.5, -0.8],
        ['binary', 1, 0.7],
        ['binary01', 2, 1.9],
      ] as const) {
        const q = quantiser(preset, s);
        const counts = new Array<number>(q.levels.length).fill(0);
        for (const e of rng.logistic(N)) counts[q.thresholds.filter((t) => a + s * e >= t).length]++;
        levelLogits64(a, q)
          .map(Math.exp)
          .forEach((p, k) => {
            const se = Math.sqrt((p * (1 - p)) / N);
            assert.ok(
              Math.abs(counts[k] / N - p) <= 5 * se,
              `${preset} s=${s} a=${a}: level ${k} frequency ${counts[k] / N} vs P ${p} (5 SE = ${5 * se})`,
            );
          });
      }
    },
  );

  it(
    'logits are finite and accurate at extreme a (|a| up to 1e3; float64 against the ' +
      'asymptotic forms, float32 tensors against float64)',
    () => {
      const q = quantiser('ternary', 1); // thresholds ±0.5, gap log(1 − e^{−1})
      const gap = Math.log1p(-Math.exp(-1));
      for (const a of [1e3, 300, 60]) {
        // a → +∞: η_0 = log σ(−0.5 − a) ≈ −(a + 0.5), η_1 ≈ log σ(0.5 − a) + gap ≈ −(a − 0.5) + gap, η_2 = log
        // σ(a − 0.5) ≈ −e^{−(a−0.5)}
        const expected = [
          -(a + 0.5) - Math.exp(-(a + 0.5)),
          -(a - 0.5) - Math.exp(-(a - 0.5)) + gap,
          -Math.exp(-(a - 0.5)),
        ];
        assertClose(levelLogits64(a, q), expected, { rtol: 1e-14, atol: 1e-300, context: `float64 a=${a}` });
        assertClose(levelLogits64(-a, q), [...expected].reverse(), {
          rtol: 1e-14,
          atol: 1e-300,
          context: `float64 a=${-a}`,
        });
      }
      for (const preset of PRESETS) {
        const qp = quantiser(preset, 0.7);
        const as = [-1e3, -123.4, -30, -1, 0, 0.25, 1, 30, 123.4, 1e3];
        const eta = tf.tidy(() => levelLogits(tf.tensor1d(as), qp).dataSync());
        assertFinite(eta, `${preset}: float32 logits`);
        assertClose(
          eta,
          as.flatMap((a) => levelLogits64(a, qp)),
          { rtol: 2e-6, atol: 1e-6, context: `${preset}: float32 vs float64` },
        );
        const grad = tf.tidy(() =>
          tf
            .grad((a: tf.Tensor) => levelLogits(a, qp).sum())(tf.tensor1d(as))
            .dataSync(),
        );
        assertFinite(grad, `${preset}: dη/da at extreme a`);
      }
    },
  );

  it(
    'dη/da in closed form (levelLogitSlopes64) equals a central difference of η and tf.grad ' +
      'of the tensor logits; Σ_k P_k dη_k/da = 0',
    () => {
      for (const preset of PRESETS) {
        const q = quantiser(preset, 0.6);
        const as = [-3, -0.7, 0, 0.4, 2.5];
        const slopes = as.flatMap((a) => levelLogitSlopes64(a, q));
        assertClose(
          slopes,
          as.flatMap((a) => logitSlopes(a, q)),
          { atol: 1e-8, context: `${preset}: vs central difference` },
        );
        const L = q.levels.length;
        const auto = Array.from({ length: L }, (_, k) =>
          tf.tidy(() =>
            tf
              .grad((a: tf.Tensor) => levelLogits(a, q).slice([0, k], [-1, 1]).sum())(tf.tensor1d(as))
              .dataSync(),
          ),
        );
        assertClose(
          as.flatMap((_, i) => auto.map((g) => g[i])),
          slopes,
          { atol: 1e-5, rtol: 1e-5, context: `${preset}: vs tf.grad` },
        );
        as.forEach((a, i) =>
          assertClose([levelLogits64(a, q).reduce((s, e, k) => s + Math.exp(e) * slopes[i * L + k], 0)], [0], {
            atol: 1e-14,
            context: `${preset}: Σ P dη/da at a=${a}`,
          }),
        );
      }
    },
  );

  it('the mean-field value is E[level] = Σ ℓ_k P(k)', () => {
    const q = quantiser('twoBit', 0.8);
    const as = [-2, -0.3, 0.1, 1.7];
    const m = tf.tidy(() => expectedLevel(tf.tensor1d(as), q).dataSync());
    assertClose(
      m,
      as.map((a) => levelLogits64(a, q).reduce((s, e, k) => s + Math.exp(e) * q.levels[k], 0)),
      { atol: 1e-6, context: 'E[level]' },
    );
  });

  for (const [name, options] of [
    ['zgr', {}],
    ['st', {}],
    ['reinmax', { tau: 1.3 }],
  ] as const) {
    it(
      `the layer's gradient w.r.t. a for ${name} is the registry's float64 form per unit, ` + `chained through dη/da`,
      () => {
        const q = quantiser('ternary', 0.8);
        const rng = Random.fromSeed(3);
        const [B, n] = [4, 5];
        const a = Array.from(rng.uniform(B * n), (u) => 4 * u - 2);
        const c = Array.from(rng.uniform(n), (u) => 2 * u - 1);
        const d = Array.from(rng.uniform(n), (u) => 2 * u - 1);
        // f = Σ_i c_i h_i + ½ d_i h_i²: v_ik = ∂f/∂onehot_ik = ℓ_k (c_i + d_i h_i)
        const r = resolveEstimator({ name, options });
        const { values, grad } = tf.tidy(() => {
          const f = (x: tf.Tensor) => {
            const h = quantise(x, q, r, rng.clone());
            return h.mul(c).add(h.square().mul(d).mul(0.5)).sum();
          };
          return {
            values: quantise(tf.tensor2d(a, [B, n]), q, r, rng.clone()).dataSync(),
            grad: tf
              .grad(f)(tf.tensor2d(a, [B, n]))
              .dataSync(),
          };
        });
        const xs = levelIndex(values, q);
        const e = estimator(name);
        const expected = a.map((ai, idx) => {
          const i = idx % n;
          const h = q.levels[xs[idx]];
          const v = q.levels.map((l) => l * (c[i] + d[i] * h));
          const g = e.gradient(levelLogits64(ai, q), v, r.options, { x: xs[idx], gumbel: [] });
          return logitSlopes(ai, q).reduce((s, jk, k) => s + jk * g[k], 0);
        });
        assertClose(grad, expected, { atol: 1e-5, rtol: 1e-4, context: `${name}: ∂f/∂a` });
      },
    );
  }

  it(
    'binary ZGR (and ST) on a two-level layer equal the categorical ZGR (and ST) with L = 2 ' +
      'on the same sample; both sample P(upper) = σ((a − t_1)/s)',
    () => {
      // η_1 − η_0 = (a − t_1)/s exactly, so the categorical sample has the binary law; the gradients
      // agree given the sample (C5), the noise that draws it differs (logistic vs Gumbel-max)
      const q = quantiser('binary', 0.6);
      for (const a of [-2, 0.3, 1.5]) {
        const p = levelLogits64(a, q).map(Math.exp);
        assertClose([p[1]], [sigmoid((a - q.thresholds[0]) / 0.6)], { rtol: 1e-14, context: `P(upper) at a=${a}` });
      }
      const rng = Random.fromSeed(4);
      const a = Array.from(rng.uniform(12), (u) => 3 * u - 1.5);
      const w = Array.from(rng.uniform(12), (u) => 2 * u - 1);
      const f = (h: tf.Tensor) => h.mul(w).add(h.square().mul(w).mul(0.3)).sum();
      for (const [bin, cat] of [
        ['zgrBinary', 'zgr'],
        ['stBinary', 'st'],
      ] as const) {
        const r = resolveEstimator({ name: bin });
        const noise = rng.split();
        const { values, gBin } = tf.tidy(() => ({
          values: quantise(tf.tensor1d(a), q, r, noise.clone()).dataSync(),
          gBin: tf
            .grad((x: tf.Tensor) => f(quantise(x, q, r, noise.clone())))(tf.tensor1d(a))
            .dataSync(),
        }));
        const x = tf.tensor1d(levelIndex(values, q), 'int32');
        const gCat = tf.tidy(() =>
          tf
            .grad((t: tf.Tensor) =>
              f(levelValue(estimator(cat).op(levelLogits(t, q), {}, { x, gumbel: tf.zeros([12, 2]) }), q)),
            )(tf.tensor1d(a))
            .dataSync(),
        );
        x.dispose();
        assertClose(gBin, gCat, { atol: 1e-6, rtol: 1e-5, context: `${bin} vs categorical ${cat}` });
      }
    },
  );

  it(
    'a score-function estimator runs through its surrogate: RLOO(M = 4) on a ternary layer ' +
      'has a finite value and gradient',
    () => {
      const q = quantiser('ternary');
      const r = resolveEstimator({ name: 'rloo', options: { M: 4 } }) as Extract<ResolvedEstimator, { kind: 'score' }>;
      const { value, grad } = tf.tidy(() => {
        const loss = (h: tf.Tensor) => h.sub(0.3).square().sum(-1); // [M, B, n] → [M, B]
        const s = (x: tf.Tensor) => quantisedSurrogate(x, q, r, loss, Random.fromSeed(2)) as tf.Scalar;
        const a = tf.tensor2d([0.1, -0.4, 2, 0.7, -1, 0], [2, 3]);
        return { value: s(a).dataSync(), grad: tf.grad(s)(a).dataSync() };
      });
      assertFinite([...value, ...grad], 'rloo surrogate');
    },
  );

  it('bad quantisers and estimators are rejected by name', () => {
    assert.throws(() => quantiser([0, 0, 1]), /increasing order/);
    assert.throws(() => quantiser('ternary', 0), /noiseScale/);
    assert.throws(() => quantiser('fourBit' as LevelPreset), /unknown level preset "fourBit"/);
    assert.throws(
      () => resolveEstimator({ name: 'zgrBinary', options: { a: 1 } }),
      /estimator "zgrBinary": unknown option "a" \(options: none\)/,
    );
    assert.throws(() => resolveEstimator({ name: 'zgrr' }), /unknown estimator "zgrr"/);
    const a = tf.tensor1d([0.5]);
    assert.throws(
      () => quantise(a, quantiser('ternary'), resolveEstimator({ name: 'zgrBinary' }), Random.fromSeed(1)),
      /needs 2 levels/,
    );
    assert.throws(
      () => quantise(a, quantiser('ternary'), resolveEstimator({ name: 'rloo' }), Random.fromSeed(1)),
      /quantisedSurrogate/,
    );
    a.dispose();
  });
});

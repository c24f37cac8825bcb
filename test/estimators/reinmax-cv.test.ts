/**
 * ReinMax-CV (reinmax-cv.ts; Wang & Bui 2026): ReinMax(τ = 1) plus η (GR − ST-GS) at
 * θ_D = log((p + e_x)/2), the GR term from K conditional perturbations, the ST-GS term at the
 * sample's own Gumbel noise G.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  conditionalGumbel,
  estimator,
  float64,
  quadraticLoss,
  Random,
  reinmaxGradient,
  sampleOp,
  softmax,
  withDefaults,
  zgrGradient,
  type Problem,
} from '../../lib';
import { registryStats } from '../../lib/exact/registry-stats';
import { reinmaxCv, reinmaxCvGradient } from '../../lib/estimators/reinmax-cv';
import { assertClose, randomCase, useBackend } from '../helpers';

const row = estimator('reinmaxCv');

/** An independent float64 computation straight from the formulas, with explicit C × C matrices. */
function byHand(
  logits: number[],
  x: number,
  v: number[],
  tau: number,
  eta: number,
  G: number[],
  E: number[][],
): number[] {
  const C = logits.length;
  const Z = logits.reduce((s, l) => s + Math.exp(l), 0);
  const p = logits.map((l) => Math.exp(l) / Z);
  const onehot = p.map((_, j) => (j === x ? 1 : 0));
  const J = (q: number[]) => q.map((qi, i) => q.map((qj, j) => (i === j ? qi : 0) - qi * qj)); // diag(q) − q qᵀ
  const times = (M: number[][], u: number[]) => M.map((r) => r.reduce((s, mij, j) => s + mij * u[j], 0));
  const soft = (s: number[]) => {
    const e = s.map((sj) => Math.exp(sj / tau));
    const t = e.reduce((a, b) => a + b, 0);
    return e.map((ej) => ej / t);
  };
  const Jtau = (s: number[]) => times(J(soft(s)), v).map((g) => g / tau);
  // ReinMax at temperature 1: 2 J(π)ᵀ v − J(p)ᵀ v / 2, π = (p + e_x)/2
  const pi = p.map((pj, j) => (pj + onehot[j]) / 2);
  const reinmax1 = times(J(pi), v).map((a, j) => 2 * a - times(J(p), v)[j] / 2);
  // θ_D = log π; its Z is 1. Conditional perturbation s_x = −log E_x, s_j = −log(E_j / π_j + E_x)
  const theta = pi.map(Math.log);
  const gr = new Array<number>(C).fill(0);
  for (const Ek of E) {
    const s = theta.map((_, j) => (j === x ? -Math.log(Ek[x]) : -Math.log(Ek[j] / pi[j] + Ek[x])));
    Jtau(s).forEach((g, j) => (gr[j] += g / E.length));
  }
  const stGs = Jtau(theta.map((t, j) => t + G[j]));
  return reinmax1.map((r, j) => r + eta * (gr[j] - stGs[j]));
}

describe('ReinMax-CV', () => {
  it('hand-derived: logits [0, 0], x = 0, v = [1, 0], τ = 1, η = 1, G = [1, 0], K = 1, E = [1, 1]', () => {
    // ReinMax(1) = ZGR = [¼, −¼]. θ_D = log([¾, ¼]); the conditional draw gives q = [5/6, 1/6]
    // (reinmax-rao.test.ts), J(q)ᵀ v = ±5/36. θ_D + G = [log ¾ + 1, log ¼]: q' = [3e, 1]/(3e + 1),
    // J(q')ᵀ v = ±3e/(3e + 1)². g_0 = ¼ + 5/36 − 3e/(3e + 1)² = −g_1
    const g0 = 1 / 4 + 5 / 36 - (3 * Math.E) / (3 * Math.E + 1) ** 2;
    assertClose(reinmaxCvGradient([0, 0], 0, [1, 0], { tau: 1, K: 1, eta: 1 }, [1, 0], [[1, 1]]), [g0, -g0], {
      atol: 1e-15,
      context: 'hand case',
    });
  });

  it('equals an independent computation with explicit matrices, C = 3 and 4, given noise', () => {
    const cases = [
      {
        logits: [0.4, -1.1, 0.9],
        x: 2,
        v: [1.5, -0.3, 0.7],
        tau: 0.6,
        eta: 0.8,
        G: [0.1, -0.5, 1.2],
        E: [
          [0.7, 1.9, 0.2],
          [2.4, 0.3, 1.1],
        ],
      },
      {
        logits: [-0.2, 0.5, 0.1, -1.3],
        x: 1,
        v: [-1, 0.4, 2, 0.3],
        tau: 1.4,
        eta: -1.5,
        G: [-0.3, 0.9, 0.2, 0.4],
        E: [[0.5, 1.2, 0.8, 3.1]],
      },
    ];
    for (const c of cases) {
      assert.equal(
        c.x,
        c.logits.map((l, j) => l + c.G[j]).reduce((b, s, j, a) => (s > a[b] ? j : b), 0),
        'x = argmax(logits + G)',
      );
      const got = reinmaxCvGradient(c.logits, c.x, c.v, { tau: c.tau, K: c.E.length, eta: c.eta }, c.G, c.E);
      assertClose(got, byHand(c.logits, c.x, c.v, c.tau, c.eta, c.G, c.E), {
        atol: 1e-14,
        rtol: 1e-12,
        context: `C = ${c.logits.length}`,
      });
    }
  });

  it('with η = 0 it is ReinMax(τ = 1), hence ZGR, sample by sample, whatever τ, K and noise (200 cases)', () => {
    const rng = Random.fromSeed(29);
    for (let k = 0; k < 200; k++) {
      const { C, logits, v, x } = randomCase(rng);
      // the noise of x
      const G = conditionalGumbel(logits, x, Array.from(rng.exponential(C))).map((s, j) => s - logits[j]);
      const K = rng.integer(1, 4);
      const E = Array.from({ length: K }, () => Array.from(rng.exponential(C)));
      const g = reinmaxCvGradient(logits, x, v, { tau: 0.2 + 2 * rng.uniform(1)[0], K, eta: 0 }, G, E);
      assertClose(g, reinmaxGradient(logits, x, v, { tau: 1 }), { atol: 1e-15, context: `case ${k}: ReinMax(1)` });
      assertClose(g, zgrGradient(logits, x, v), { atol: 1e-14, rtol: 1e-12, context: `case ${k}: ZGR` });
    }
  });

  it('η ≠ 0 moves it off ReinMax(τ = 1) (so the check above can fail)', () => {
    const [logits, x, v, G, E] = [[0.3, -0.2, 1], 2, [1, -1, 0.5], [0.2, 0.1, 0.4], [[1, 0.5, 2]]];
    const gap = Math.max(
      ...reinmaxCvGradient(logits, x, v, { tau: 0.7, K: 1, eta: 1.5 }, G, E).map((g, j) =>
        Math.abs(g - reinmaxGradient(logits, x, v, { tau: 1 })[j]),
      ),
    );
    assert.ok(gap > 1e-2, `gap ${gap}`);
  });

  it(
    "the control variate does not have mean zero given x: the sample's G is conditioned at " +
      'the logits, not at θ_D (as in the reference code)',
    () => {
      const [logits, x, v] = [[0.3, -0.2, 1], 1, [1, -1, 0.5]];
      const o = { tau: 0.7, K: 4, eta: 1 };
      const zgr = zgrGradient(logits, x, v); // the η = 0 part
      const rng = Random.fromSeed(31);
      const N = 4000;
      const sum = [0, 0, 0];
      const sq = [0, 0, 0];
      for (let n = 0; n < N; n++) {
        row.givenSample!(logits, x, v, o, rng).forEach((g, j) => {
          sum[j] += g - zgr[j];
          sq[j] += (g - zgr[j]) ** 2;
        });
      }
      const z = sum.map((s, j) => s / N / Math.sqrt((sq[j] / N - (s / N) ** 2) / N)); // mean / SE
      assert.ok(Math.max(...z.map(Math.abs)) > 20, `E[GR − ST-GS | x] / SE = ${z.map((t) => t.toFixed(1)).join(', ')}`);
    },
  );

  it(
    'exact analysis: its given-sample noise draws the sample x back, and at η = 0 ' +
      "registryStats gives ZGR's exact mean",
    () => {
      const logits = [
        [0.2, -0.3, 0.5],
        [1, 0, -0.7],
      ];
      const problem: Problem<number> = {
        F: float64,
        p: logits.map((l) => softmax(l)),
        loss: quadraticLoss(
          float64,
          [
            [1, 0, 0, 2, 0, 0],
            [0, -1, 0, 0, 1, 0],
            [0, 0, 0.5, -2, 0, 1],
            [1, 0, 0, 0, 0, 0],
            [0, 3, 0, 0, 1, 0],
            [0, 0, 1, 0, 0, -1],
          ],
          [0.5, 0, -1, 2, 1, 0.3],
        ),
      };
      const cv = registryStats(
        problem,
        'reinmaxCv',
        { eta: 0, K: 2 },
        { samplesPerState: 40, rng: Random.fromSeed(8) },
      );
      const zgr = registryStats(problem, 'zgr');
      assertClose(cv.mean.flat(), zgr.mean.flat(), { atol: 1e-12, context: 'E g at η = 0' });
      const withCv = registryStats(problem, 'reinmaxCv', {}, { samplesPerState: 40, rng: Random.fromSeed(8) });
      assert.ok(
        withCv.mean.flat().every(Number.isFinite) && withCv.variance > 0,
        'finite moments with the control variate',
      );
    },
  );

  it('registry defaults τ = 0.7, K = 32, η = 1.5 (PAPER.md E3), and its label', () => {
    assert.deepEqual(withDefaults(row), { tau: 0.7, K: 32, eta: 1.5 });
    assert.equal(row.label(withDefaults(row)), 'ReinMax-CV32(τ=0.7, η=1.5)');
    assert.equal(row.sampleFunction, false);
  });
});

describe('ReinMax-CV op', () => {
  before(() => useBackend('cpu'));

  it(
    'draws G, then the Exp(1) noise, from its stream as sampleOp does, and equals the ' + 'float64 form on those draws',
    () => {
      const [B, C, K] = [3, 4, 2];
      const logitsData = Array.from({ length: B * C }, (_, i) => Math.sin(1.7 * i));
      const v = Array.from({ length: B * C }, (_, i) => Math.cos(0.9 * i));
      const o = { tau: 0.7, K, eta: 1.5 };
      const grad = (sample: (l: tf.Tensor) => tf.Tensor) =>
        tf.tidy(() =>
          tf
            .grad((l: tf.Tensor) =>
              sample(l)
                .mul(tf.tensor(v, [B, C]))
                .sum(),
            )(tf.tensor(logitsData, [B, C]))
            .dataSync(),
        );
      const own = grad((l) => reinmaxCv(l, { ...o, rng: Random.fromSeed(5) }));
      const viaRegistry = grad((l) => sampleOp(row, l, o, Random.fromSeed(5)));
      assert.deepEqual(own, viaRegistry);
      // the same draws in float64: G [B, C], then E [K, B, C]
      const rng = Random.fromSeed(5);
      const G = Array.from(rng.gumbel(B * C));
      const E = Array.from(rng.exponential(K * B * C));
      const expected: number[] = [];
      for (let b = 0; b < B; b++) {
        const at = (a: number[], k = 0) => a.slice((k * B + b) * C, (k * B + b + 1) * C);
        const logits = at(logitsData).map((l) => Math.fround(l));
        const g = at(G).map((gj) => Math.fround(gj)); // the op sees float32 noise
        const x = logits.reduce((best, l, j) => (l + g[j] > logits[best] + g[best] ? j : best), 0);
        const rows = Array.from({ length: K }, (_, k) => at(E, k).map((e) => Math.fround(e)));
        expected.push(
          ...reinmaxCvGradient(
            logits,
            x,
            at(v).map((vj) => Math.fround(vj)),
            o,
            g,
            rows,
          ),
        );
      }
      assertClose(own, expected, { atol: 2e-6, rtol: 2e-4, context: 'op vs float64' });
    },
  );

  it('refuses a given sample x without the noise G that drew it', () => {
    tf.tidy(() => {
      const x = tf.tensor([0, 1], [2], 'int32');
      assert.throws(
        () => reinmaxCv(tf.zeros([2, 3]), { x, tau: 1, K: 1, eta: 1, exponentials: tf.ones([1, 2, 3]) }),
        /option gumbel is required with a given sample x/,
      );
    });
  });
});

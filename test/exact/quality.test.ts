/**
 * Estimator moments and quality metrics (C7): exact identities against enumeration, GR-MCK's
 * moments for every K from single draws, and standard errors that are calibrated (z-scores over
 * repeated seeds are standard normal), not bounds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  estimatorStats,
  float64,
  perVariable,
  quadraticLoss,
  Random,
  rlooGradient,
  softmax,
  zgrGradient,
  type Problem,
} from '../../lib';
import { averaged, conditionalMoments, exactMoments, rlooMoments } from '../../lib/exact/estimator-moments';
import { draws, exactGradient, type SampleEstimator } from '../../lib/exact/moments';
import { estimatorQuality } from '../../lib/exact/quality';
import { registryStats } from '../../lib/exact/registry-stats';
import { grMckGradient } from '../../lib/estimators/gr-mck';
import { assertClose } from '../helpers';

// two categorical variables (C = 3 and 2), a quadratic with cross terms: ZGR is unbiased (C3), the others not
const problem: Problem<number> = {
  F: float64,
  p: [softmax([0.2, -0.3, 0.5]), softmax([1, 0])],
  loss: quadraticLoss(
    float64,
    [
      [1, 0, 0, 2, 0],
      [0, -1, 0, 0, 1],
      [0, 0, 0.5, -2, 0],
      [1, 0, 0, 0, 0],
      [0, 3, 0, 0, 1],
    ],
    [0.5, 0, -1, 2, 1],
  ),
};
const logits = problem.p.map((pi) => pi.map(Math.log));
const grad = exactGradient(problem).gradient.flat();
const states = draws(problem);
const n = grad.length;

/** Single-perturbation ST-GS(τ) draws given the state (GR-MC1), per variable. */
const stGsDraw = (tau: number, rng: Random) => (state: number[], v: number[][]) =>
  state.flatMap((x, i) =>
    grMckGradient(logits[i], x, v[i], { tau, K: 1 }, [Array.from(rng.exponential(logits[i].length))]),
  );

function stGsMoments(tau: number, seed: number, drawsPerReplicate: number, Ks: number[], replicates = 20) {
  const draw = stGsDraw(tau, Random.fromSeed(seed));
  return conditionalMoments(n, { replicates, drawsPerReplicate, Ks }, (add) =>
    states.forEach(({ prob, draw: d }) => add(prob, () => draw(d.state, d.v))),
  );
}

describe('C7 measurement: exact moments', () => {
  it('exactMoments gives the bias, variance and MSE of estimatorStats', () => {
    const zgr = (i: number, x: number, v: readonly number[]) => zgrGradient(logits[i], x, v);
    const stats = estimatorStats(problem, perVariable(zgr));
    const m = exactMoments(n, (add) =>
      states.forEach(({ prob, draw }) =>
        add(
          prob,
          draw.state.flatMap((x, i) => zgr(i, x, draw.v[i])),
        ),
      ),
    );
    const q = estimatorQuality(grad, m);
    const gn = Math.hypot(...grad);
    assert.equal(q.method, 'exact');
    assertClose([q.relativeBias.estimate * gn, (q.relativeStd.estimate * gn) ** 2], [stats.biasNorm, stats.variance], {
      atol: 1e-12,
      context: 'ZGR',
    });
    assert.deepEqual([q.relativeBias.low, q.relativeBias.high], [q.relativeBias.estimate, q.relativeBias.estimate]);
    // rescaled MSE: min over c of E‖c g − ∇‖²/‖∇‖², checked against a grid over c
    const mse = (c: number) =>
      (c * c * m.secondMoment - 2 * c * m.mean.reduce((s, mj, j) => s + mj * grad[j], 0) + gn * gn) / (gn * gn);
    const gridMin = Math.min(...Array.from({ length: 4001 }, (_, k) => mse(k / 1000)));
    assert.ok(
      Math.abs(q.rescaledMse.estimate - gridMin) < 1e-6 && q.rescaledMse.estimate <= gridMin + 1e-12,
      `rescaled MSE ${q.rescaledMse.estimate} vs grid minimum ${gridMin}`,
    );
    // scale-free metrics do not change when the estimator is scaled
    const scaled = estimatorQuality(grad, {
      mean: m.mean.map((x) => 3 * x),
      secondMoment: 9 * m.secondMoment,
      replicates: [],
    });
    assertClose(
      [
        scaled.scaleFreeBias!.estimate,
        scaled.scaleFreeStd!.estimate,
        scaled.rescaledMse.estimate,
        scaled.cosine.estimate,
      ],
      [q.scaleFreeBias!.estimate, q.scaleFreeStd!.estimate, q.rescaledMse.estimate, q.cosine.estimate],
      { atol: 1e-12, context: 'scale 3' },
    );
    assert.ok(
      scaled.relativeStd.estimate > 2.9 * q.relativeStd.estimate,
      'the raw relative std does scale (so the check above can fail)',
    );
  });

  it('RLOO(M) moments by the U-statistic identity equal the enumeration over M-tuples (M = 2, 3)', () => {
    const f = states.map((s) => s.draw.f);
    for (const M of [2, 3]) {
      const rloo: SampleEstimator<number> = {
        M,
        estimate: (ds) =>
          logits.map((l, i) =>
            rlooGradient(
              l,
              ds.map((d) => d.state[i]),
              ds.map((d) => d.f),
            ),
          ),
      };
      const enumerated = estimatorStats(problem, rloo);
      const m = rlooMoments(M, n, (add) =>
        states.forEach(({ prob, draw }, k) =>
          add(
            prob,
            f[k],
            draw.state.flatMap((x, i) => problem.p[i].map((pij, j) => (j === x ? 1 : 0) - pij)),
          ),
        ),
      );
      assertClose(Array.from(m.mean), grad, { atol: 1e-12, context: `RLOO(${M}) mean = ∇` });
      const variance = m.secondMoment - grad.reduce((s, g) => s + g * g, 0);
      assertClose([variance], [enumerated.variance], { rtol: 1e-10, context: `RLOO(${M}) variance` });
    }
  });

  it('averaged(m, M) is the mean of M independent estimates (enumerated pairs of ZGR samples)', () => {
    const zgr = (i: number, x: number, v: readonly number[]) => zgrGradient(logits[i], x, v);
    const pairMean: SampleEstimator<number> = {
      M: 2,
      estimate: ([a, b]) =>
        logits.map((_, i) => zgr(i, a.state[i], a.v[i]).map((g, j) => (g + zgr(i, b.state[i], b.v[i])[j]) / 2)),
    };
    const m = exactMoments(n, (add) =>
      states.forEach(({ prob, draw }) =>
        add(
          prob,
          draw.state.flatMap((x, i) => zgr(i, x, draw.v[i])),
        ),
      ),
    );
    const two = averaged(m, 2);
    const enumerated = estimatorStats(problem, pairMean);
    assertClose([two.secondMoment - two.mean.reduce((s, x) => s + x * x, 0)], [enumerated.variance], {
      rtol: 1e-12,
      context: 'variance of the mean of 2',
    });
  });
});

describe('C7 measurement: GR-MCK and calibrated standard errors', () => {
  it('the moments of GR-MC10 derived from single draws agree with sampling GR-MC10 itself (within 5 SE)', () => {
    const tau = 0.5;
    const [derived] = stGsMoments(tau, 7, 100, [10]);
    const rng = Random.fromSeed(8);
    const [direct] = conditionalMoments(n, { replicates: 20, drawsPerReplicate: 20, Ks: [1] }, (add) =>
      states.forEach(({ prob, draw }) =>
        add(prob, () =>
          draw.state.flatMap((x, i) =>
            grMckGradient(
              logits[i],
              x,
              draw.v[i],
              { tau, K: 10 },
              Array.from({ length: 10 }, () => Array.from(rng.exponential(logits[i].length))),
            ),
          ),
        ),
      ),
    );
    const a = estimatorQuality(grad, derived);
    const b = estimatorQuality(grad, direct);
    for (const key of ['relativeStd', 'rescaledMse', 'cosine'] as const) {
      const z = (a[key].estimate - b[key].estimate) / Math.hypot(a[key].se, b[key].se);
      assert.ok(
        Math.abs(z) < 5,
        `${key}: derived ${a[key].estimate} vs direct ${b[key].estimate}, z = ${z.toFixed(2)}`,
      );
    }
  });

  it(
    'over 200 seeds (ST-GS, τ = 0.5): z-scores are standard normal (mean within ±0.25, sd ' +
      'within [0.85, 1.2]) and 95% intervals cover the truth 90–99% of the time',
    () => {
      const tau = 0.5;
      // the truth: one long run (400 × the draws of each repeat)
      const [truthMoments] = stGsMoments(tau, 1000, 4000, [1]);
      const truth = estimatorQuality(grad, truthMoments);
      const truthD = truth.relativeBias.estimate ** 2;
      const zs: Record<string, number[]> = { relativeStd: [], rescaledMse: [], scaleFreeStd: [], biasSquared: [] };
      const covered: Record<string, number> = {
        relativeBias: 0,
        scaleFreeBias: 0,
        cosine: 0,
        relativeStd: 0,
        rescaledMse: 0,
      };
      for (let seed = 0; seed < 200; seed++) {
        const [m] = stGsMoments(tau, seed, 10, [1]);
        const q = estimatorQuality(grad, m);
        for (const key of ['relativeStd', 'rescaledMse', 'scaleFreeStd'] as const)
          zs[key].push((q[key]!.estimate - truth[key]!.estimate) / q[key]!.se);
        for (const key of Object.keys(covered) as (keyof typeof covered & keyof typeof q)[]) {
          const i = q[key] as { low: number; high: number };
          const v = (truth[key] as { estimate: number }).estimate; // (ST-GS here points along ∇: never null)
          if (i.low <= v && v <= i.high) covered[key] += 1;
        }
        // the squared relative bias, unbiased (may be negative) with its own SE
        zs.biasSquared.push((q.relativeBias.squared!.estimate - truthD) / q.relativeBias.squared!.se);
      }
      for (const [key, z] of Object.entries(zs)) {
        const mean = z.reduce((s, x) => s + x, 0) / z.length;
        const sd = Math.sqrt(z.reduce((s, x) => s + (x - mean) ** 2, 0) / (z.length - 1));
        assert.ok(
          Math.abs(mean) < 0.25 && sd > 0.85 && sd < 1.2,
          `${key}: z mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)} over ${z.length} seeds`,
        );
      }
      if (process.env.ZGR_VERBOSE)
        console.log(
          JSON.stringify({
            covered,
            z: Object.fromEntries(
              Object.entries(zs).map(([k, z]) => [
                k,
                [z.reduce((s, x) => s + x, 0) / z.length, Math.sqrt(z.reduce((s, x) => s + x * x, 0) / z.length)],
              ]),
            ),
          }),
        );
      for (const [key, k] of Object.entries(covered))
        assert.ok(k >= 180 && k <= 198, `${key}: the 95% interval covered the truth in ${k} of 200 seeds`);
    },
  );

  it(
    'registryStats reports the same quality as the moments it returns, and noiseVariance = ' +
      'E‖g‖²(K=1) − E‖g‖²(K=∞)',
    () => {
      const s = registryStats(problem, 'stGs', { tau: 0.5 }, { samplesPerState: 400, rng: Random.fromSeed(3) });
      assert.equal(s.method, 'monte-carlo');
      assert.equal(s.samplesPerState, 400);
      const gn = Math.hypot(...grad);
      assertClose([s.biasNorm], [s.quality.relativeBias.estimate * gn], { atol: 1e-12, context: 'bias norm' });
      assert.ok(
        s.noiseVariance > 0 && s.noiseVariance < s.variance,
        `noise variance ${s.noiseVariance} of variance ${s.variance}`,
      );
    },
  );
});

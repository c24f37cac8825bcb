/**
 * Moments from per-variable sufficient statistics (latent-sums, latent-moments) equal the direct
 * enumeration of registryStats: exactly for functions of the sample and RLOO, within 5 SE for the
 * Monte Carlo part of ST-GS and GR-MCK.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { float64, quadraticLoss, Random, softmax, type Problem } from '../../lib';
import { rlooMoments } from '../../lib/exact/estimator-moments';
import { draws, exactGradient } from '../../lib/exact/moments';
import { latentSums, rlooLatentMoments } from '../../lib/exact/latent-sums';
import { conditionalFamilyMoments, sampleFunctionMoments, stGsMatrix } from '../../lib/exact/latent-moments';
import { estimatorQuality } from '../../lib/exact/quality';
import { registryStats } from '../../lib/exact/registry-stats';
import { estimator, ESTIMATORS } from '../../lib/estimators/registry';
import { assertClose } from '../helpers';

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
const all = draws(problem);
const sums = latentSums(problem.p, (s) => ({ f: all[s].draw.f, v: all[s].draw.v.flat() }));
const grad = exactGradient(problem).gradient.flat();

describe('C7 measurement: moments from per-variable sums', () => {
  it('the sums give the exact gradient and objective', () => {
    assertClose(Array.from(sums.gradient), grad, { atol: 1e-13, context: 'gradient' });
    assertClose([sums.objective], [exactGradient(problem).objective], { atol: 1e-13, context: 'objective' });
  });

  for (const [name, options] of [
    ['st', {}],
    ['st', { t: 0.5 }],
    ['darn', {}],
    ['zgr', {}],
    ['stZgr', { a: 0.3 }],
    ['reinmax', { tau: 1.3 }],
  ] as const) {
    it(`${name} ${JSON.stringify(options)}: equal to the direct enumeration`, () => {
      const m = sampleFunctionMoments(sums, logits, name, options);
      const direct = registryStats(problem, name, options).moments;
      assertClose(Array.from(m.mean), Array.from(direct.mean), { atol: 1e-13, context: `${name} mean` });
      assertClose([m.secondMoment], [direct.secondMoment], { rtol: 1e-12, context: `${name} E‖g‖²` });
    });
  }

  it('every pathwise estimator of the registry is linear in v (what the matrices rely on)', () => {
    const rng = Random.fromSeed(4);
    const v1 = [0.3, -1.2, 2];
    const v2 = [1.5, 0.2, -0.4];
    for (const e of ESTIMATORS.filter((r) => r.forward === 'sample')) {
      const o = Object.fromEntries(
        Object.entries(e.options).map(([k, s]) => [k, s.default ?? (s.kind === 'K' ? 3 : 0.7)]),
      );
      const g = (v: number[]) =>
        e.givenSample
          ? e.givenSample(logits[0], 1, v, o, rng.clone())
          : e.gradient(logits[0], v, o, { x: 1, gumbel: [] });
      const combined = g(v1.map((a, j) => 2 * a - 3 * v2[j]));
      const separate = g(v1).map((a, j) => 2 * a - 3 * g(v2)[j]);
      assertClose(combined, separate, { atol: 1e-12, context: `${e.name} linear in v` });
    }
  });

  it("ST-GS's matrix given x is the registry's ST-GS on the basis vectors with the same noise", () => {
    const e = estimator('stGs');
    for (const [x, tau] of [
      [0, 0.3],
      [2, 1.5],
    ] as const) {
      const start = Random.fromSeed(20 + x);
      const E = Array.from(start.clone().exponential(3));
      const M = stGsMatrix(logits[0], x, tau, E);
      for (let k = 0; k < 3; k++) {
        const col = e.givenSample!(
          logits[0],
          x,
          [0, 1, 2].map((j) => (j === k ? 1 : 0)),
          { tau },
          start.clone(),
        );
        assertClose(
          col,
          [0, 1, 2].map((j) => M[j * 3 + k]),
          { atol: 1e-14, context: `x = ${x}, τ = ${tau}, column ${k}` },
        );
      }
    }
  });

  it('RLOO(M) from the sums equals the state-wise U-statistic moments', () => {
    for (const M of [2, 4]) {
      const a = rlooLatentMoments(sums, M);
      const b = rlooMoments(M, grad.length, (add) =>
        all.forEach(({ prob, draw }) =>
          add(
            prob,
            draw.f,
            draw.state.flatMap((x, i) => problem.p[i].map((pij, j) => (j === x ? 1 : 0) - pij)),
          ),
        ),
      );
      assertClose([a.secondMoment], [b.secondMoment], { rtol: 1e-12, context: `RLOO(${M})` });
    }
  });

  it('ST-GS and GR-MC10 from the sums agree with the direct Monte Carlo of registryStats within 5 SE', () => {
    const tau = 0.5;
    const [one, ten] = conditionalFamilyMoments(sums, logits, tau, [1, 10], {
      replicates: 20,
      drawsPerReplicate: 50,
      rng: Random.fromSeed(11),
    });
    const directOne = registryStats(
      problem,
      'stGs',
      { tau },
      { samplesPerState: 1000, rng: Random.fromSeed(12) },
    ).moments;
    const directTen = registryStats(
      problem,
      'grMck',
      { tau, K: 10 },
      { samplesPerState: 400, rng: Random.fromSeed(13) },
    ).moments;
    for (const [label, a, b] of [
      ['ST-GS', one, directOne],
      ['GR-MC10', ten, directTen],
    ] as const) {
      const qa = estimatorQuality(grad, a);
      const qb = estimatorQuality(grad, b);
      for (const key of ['relativeStd', 'rescaledMse', 'scaleFreeStd'] as const) {
        const [ia, ib] = [qa[key]!, qb[key]!];
        const z = (ia.estimate - ib.estimate) / Math.hypot(ia.se, ib.se);
        assert.ok(
          Math.abs(z) < 5,
          `${label} ${key}: sums ${ia.estimate} vs direct ${ib.estimate}, z = ${z.toFixed(2)}`,
        );
      }
      const D = (x: typeof qa) => x.relativeBias.squared!;
      const z = (D(qa).estimate - D(qb).estimate) / Math.hypot(D(qa).se, D(qb).se);
      assert.ok(Math.abs(z) < 5, `${label} squared bias: ${D(qa).estimate} vs ${D(qb).estimate}, z = ${z.toFixed(2)}`);
    }
  });

  it('rejects logits of the wrong shape and a non-sample-function by name', () => {
    assert.throws(() => sampleFunctionMoments(sums, [logits[0]], 'zgr'), /logits must be \[2\]\[3\]/);
    assert.throws(
      () => sampleFunctionMoments(sums, logits, 'stGs', { tau: 1 }),
      /stGs is not a function of the sample/,
    );
  });
});

/**
 * C7: the ST-ZGR family in closed form (lib/exact/st-zgr-curve.ts). Built from three exact members
 * (a = 0, ½, 1), it must equal the direct exact measurement of ST-ZGR(a) at any other a, and its
 * exact optimisations over a must match a fine scan of the curve.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { averaged } from '../../lib/exact/estimator-moments';
import { estimatorQuality } from '../../lib/exact/quality';
import { familyQuality } from '../../lib/exact/family-quality';
import { bestMeanOfM, curveAt, feasibleA, minimalBeta, stZgrCurve } from '../../lib/exact/st-zgr-curve';
import { C7_GRID } from '../../lib/exact/c7-grid';
import { C7_TOYS, c7ToySource } from '../../lib/experiments/c7-toys';
import { Random } from '../../lib/random';
import { assertClose } from '../helpers';

const grid = { ...C7_GRID, taus: [1], Ks: [1], reinmaxTaus: [], Ms: [2] };
const toys = C7_TOYS.map((toy) => {
  const source = c7ToySource(toy);
  const points = familyQuality(source, grid);
  return { toy, source, curve: stZgrCurve(points), points };
});
const scan = Array.from({ length: 20001 }, (_, k) => k / 20000);

describe('C7: the ST-ZGR family in closed form', () => {
  it(
    'β(a), σ(a) and the rescaled MSE of a mean of M equal the direct exact measurement of ' +
      'ST-ZGR(a) at a = 0.13, 0.3, 0.77, 0.95, on all three toys (rtol 1e-9)',
    () => {
      for (const { toy, source, curve } of toys) {
        for (const a of [0.13, 0.3, 0.77, 0.95]) {
          const m = source.sampleFunction('stZgr', { a });
          const direct = estimatorQuality(m.gradient, m.moments);
          const closed = curveAt(curve, a);
          assertClose([closed.beta!, closed.sigma!], [direct.scaleFreeBias!.estimate, direct.scaleFreeStd!.estimate], {
            rtol: 1e-9,
            atol: 1e-12,
            context: `${toy.name}, a = ${a}: closed form (β, σ) vs direct`,
          });
          for (const M of [2, 8]) {
            const direct4 = estimatorQuality(m.gradient, averaged(m.moments, M)).rescaledMse.estimate;
            const P = closed.projection;
            const D = [0, 1, 2].reduce((s, k) => s + (curve.meanSquared[k] + curve.variance[k] / M) * a ** k, 0);
            assertClose([1 - P ** 2 / D], [direct4], {
              rtol: 1e-9,
              context: `${toy.name}, a = ${a}, mean of ${M}: rescaled MSE`,
            });
          }
        }
      }
    },
  );

  it(
    'the best mean of M and the smallest β over a ∈ [0, 1] are no worse than a 20001-point ' +
      'scan of the curve, and at the scan’s a',
    () => {
      for (const { toy, curve } of toys) {
        for (const M of [1, 2, 4, 8]) {
          const best = bestMeanOfM(curve, M);
          const values = scan.map((a) => {
            const c = curveAt(curve, a);
            return c.beta == null
              ? Infinity
              : (c.beta ** 2 + c.sigma! ** 2 / M) / (1 + c.beta ** 2 + c.sigma! ** 2 / M);
          });
          const k = values.indexOf(Math.min(...values));
          assert.ok(
            best.rescaledMse <= values[k] + 1e-12,
            `${toy.name}, M = ${M}: exact ${best.rescaledMse} at a = ${best.a}, scan ${values[k]} at a = ${scan[k]}`,
          );
          assert.ok(
            Math.abs(best.a - scan[k]) < 2e-3,
            `${toy.name}, M = ${M}: exact a = ${best.a}, scan a = ${scan[k]}`,
          );
        }
        const b = minimalBeta(curve)!;
        const betas = scan.map((a) => curveAt(curve, a).beta ?? Infinity);
        assert.ok(b.beta <= Math.min(...betas) + 1e-12, `${toy.name}: min β ${b.beta} vs scan ${Math.min(...betas)}`);
      }
    },
  );

  it('feasibleA (roots of two quadratics) agrees with the scan on 300 random bounds, away from the boundary', () => {
    const rng = Random.fromSeed(3);
    let agreed = 0;
    for (const { toy, curve } of toys) {
      const at = scan.map((a) => curveAt(curve, a));
      for (let k = 0; k < 100; k++) {
        const [u, w] = rng.uniform(2);
        const B = 0.3 * u;
        const S = 0.5 + 3 * w;
        const exact = feasibleA(curve, B, S);
        const margin = (c: (typeof at)[number]) => (c.beta == null ? -Infinity : Math.min(B - c.beta, S - c.sigma!));
        const best = Math.max(...at.map(margin));
        if (Math.abs(best) < 1e-4) continue; // within a scan step of the boundary: the scan cannot tell
        assert.equal(
          exact != null,
          best > 0,
          `${toy.name}: β ≤ ${B}, σ ≤ ${S}: exact ${exact}, scan's best margin ${best}`,
        );
        if (exact != null) {
          const c = curveAt(curve, exact);
          assert.ok(
            c.beta! <= B + 1e-12 && c.sigma! <= S + 1e-12,
            `${toy.name}: a = ${exact} returned, but β ${c.beta}, σ ${c.sigma}`,
          );
        }
        agreed++;
      }
    }
    assert.ok(agreed > 250, `only ${agreed} cases away from the boundary`);
  });

  it('refuses a family without a = ½ and a Monte Carlo member, naming them', () => {
    const { points } = toys[0];
    assert.throws(() => stZgrCurve(points.filter((p) => p.param !== 0.5)), /a = 0.5 was not measured/);
    const mc = points.map((p) =>
      p.family === 'ST-ZGR(a)' && p.param === 1
        ? { ...p, quality: { ...p.quality, method: 'monte-carlo' as const } }
        : p,
    );
    assert.throws(() => stZgrCurve(mc), /ST-ZGR\(a = 1\) has monte-carlo moments/);
    assert.throws(() => familyQuality(toys[0].source, { ...grid, as: [0, 1] }), /must hold a = 0, 0.5, 1/);
  });
});

/** C2: ZGR = (ST + DARN) / 2 for every sample — exactly in rationals (c2Verdict), and for the tfjs ops. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { darn, float64, Random, rational, st, zgr } from '../../lib';
import { c2Verdict } from '../../lib/checks/c2-decomposition';
import { assertClose, useBackend } from '../helpers';

/** Random rational probabilities and upstream gradient for C categories, and a sample index. */
const rationalCase = fc.integer({ min: 2, max: 6 }).chain((C) =>
  fc.record({
    weights: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: C, maxLength: C }),
    v: fc.array(fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 1, max: 12 })), {
      minLength: C,
      maxLength: C,
    }),
    x: fc.integer({ min: 0, max: C - 1 }),
  }),
);

describe('C2: ZGR = (ST + DARN) / 2, per sample', () => {
  before(() => useBackend('cpu'));

  it('exactly, as fractions, on 300 random cases (fast-check, seed 2): c2Verdict holds on each', () => {
    fc.assert(
      fc.property(rationalCase, ({ weights, v, x }) => {
        const total = weights.reduce((a, b) => a + b, 0);
        const p = weights.map((w) => rational.div(rational.fromNumber(w), rational.fromNumber(total)));
        const vq = v.map(([n, d]) => rational.div(rational.fromNumber(n), rational.fromNumber(d)));
        const report = c2Verdict(rational, [{ p, x, v: vq }]);
        assert.ok(report.holds, report.summary);
      }),
      { seed: 2, numRuns: 300 },
    );
  });

  it(
    'in float64 rounding leaves gaps of order 1e-16, which the ' +
      'exact verdict does not forgive (so the check above can fail)',
    () => {
      // p = (0.1, 0.2, 0.7), x = 1, v = (0.3, −1.7, 2.9): ZGR's component formula and (ST + DARN)/2 round differently
      const report = c2Verdict(float64, [{ p: [0.1, 0.2, 0.7], x: 1, v: [0.3, -1.7, 2.9] }]);
      assert.equal(report.holds, false, report.summary);
      assert.equal(report.measured.casesWithGap, 1);
    },
  );

  it('for the tfjs ops on one shared sample: ∇zgr = (∇st + ∇darn) / 2 to float32 rounding', () => {
    const rng = Random.fromSeed(4);
    const logits = tf.tensor(
      Array.from(rng.uniform(5 * 6), (u) => 6 * u - 3),
      [5, 6],
    );
    const v = tf.tensor(
      Array.from(rng.uniform(5 * 6), (u) => 2 * u - 1),
      [5, 6],
    );
    const x = tf.tensor(
      Array.from({ length: 5 }, () => rng.integer(0, 5)),
      [5],
      'int32',
    );
    const grad = (op: typeof zgr) =>
      Array.from(
        tf
          .grad((l: tf.Tensor) => op(l, { x }).mul(v).sum())(logits)
          .dataSync(),
      );
    const [gz, gs, gd] = [grad(zgr), grad(st), grad(darn)];
    assertClose(
      gz,
      gs.map((s, i) => (s + gd[i]) / 2),
      { atol: 1e-7, rtol: 1e-6, context: 'ZGR vs (ST + DARN)/2' },
    );
  });
});

/**
 * C5: ZGR binary = DARN(1/2) = categorical ZGR on two categories; in float64 (c5Verdict,
 * C5_THRESHOLDS) and for the tfjs ops.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { darnBinaryGradient, Random, zgr, zgrBinary } from '../../lib';
import { c5BinaryValues, c5Verdict } from '../../lib/checks/c5-binary';
import { assertClose, useBackend } from '../helpers';

describe('C5: binary ZGR = DARN(1/2) = categorical ZGR with C = 2', () => {
  before(() => useBackend('cpu'));

  it('float64, on 1000 random (a, b, d): all three agree (c5Verdict holds)', () => {
    const rng = Random.fromSeed(12);
    const cases = Array.from({ length: 1000 }, () =>
      c5BinaryValues(16 * rng.nextUniform() - 8, rng.integer(0, 1) as 0 | 1, 4 * rng.nextUniform() - 2),
    );
    const report = c5Verdict(cases);
    assert.ok(report.holds, report.summary);
  });

  it(
    'DARN with another baseline point (μ = 0.3) in place of ' +
      'DARN(1/2) fails the verdict (so the check above can fail)',
    () => {
      const cases = [-2, 0.4, 3].map((a) => c5BinaryValues(a, 1, 1));
      const report = c5Verdict(cases.map((c) => ({ ...c, darnHalf: darnBinaryGradient(c.a, c.b, c.d, { mu: 0.3 }) })));
      assert.equal(report.holds, false, report.summary);
    },
  );

  it('tfjs ops: zgrBinary(a) and zgr on logits (0, a) give the same gradient w.r.t. a for the same samples', () => {
    const a = [-2, -0.3, 0, 0.9, 3];
    const d = [1, -0.5, 0.7, 2, -1.2];
    const b = [1, 0, 1, 1, 0];
    const binary = tf.grad((l: tf.Tensor) =>
      zgrBinary(l, { b: tf.tensor(b) })
        .mul(tf.tensor(d))
        .sum(),
    )(tf.tensor(a));
    const categorical = tf.grad((l: tf.Tensor) =>
      zgr(tf.stack([tf.zerosLike(l), l], 1), { x: tf.tensor(b, [5], 'int32') })
        .mul(tf.stack([tf.zeros([5]), tf.tensor(d)], 1))
        .sum(),
    )(tf.tensor(a));
    assertClose(binary.dataSync(), categorical.dataSync(), { atol: 1e-7, context: 'binary vs categorical ZGR op' });
  });
});

/** C5: ZGR binary = DARN(1/2) = categorical ZGR on two categories; in float64 and for the tfjs ops. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { darnBinaryGradient, Random, zgr, zgrBinary, zgrBinaryGradient, zgrGradient } from '../../lib';
import { c5BinaryValues } from '../../lib/checks/c5-binary';
import { assertClose, useBackend } from '../helpers';

describe('C5: binary ZGR = DARN(1/2) = categorical ZGR with C = 2', () => {
  before(() => useBackend('cpu'));

  it('float64, on 1000 random (logits, b, v): all three agree to 1e-15 relative', () => {
    const rng = Random.fromSeed(12);
    for (let k = 0; k < 1000; k++) {
      const [e0, e1] = [8 * rng.nextUniform() - 4, 8 * rng.nextUniform() - 4];
      const [v0, v1] = [4 * rng.nextUniform() - 2, 4 * rng.nextUniform() - 2];
      const b = rng.integer(0, 1) as 0 | 1;
      const a = e1 - e0; // binary logit; d = f'(b) = v1 − v0 along the one-hot sample
      const values = [zgrBinaryGradient(a, b, v1 - v0), darnBinaryGradient(a, b, v1 - v0, { mu: 0.5 }), zgrGradient([e0, e1], b, [v0, v1])[1]];
      assertClose(values, [values[0], values[0], values[0]], { atol: 1e-15, rtol: 1e-12, context: `case ${k}: a = ${a}, b = ${b}` });
    }
    const c = c5BinaryValues(0.3, 1, -0.7);
    assert.ok(c.zgrBinary === c.darnHalf && Math.abs(c.zgrCategorical - c.zgrBinary) < 1e-16, JSON.stringify(c));
  });

  it('DARN with another baseline point (μ = 0.3) differs: the check can fail', () => {
    assert.notEqual(darnBinaryGradient(0.4, 1, 1, { mu: 0.3 }), zgrBinaryGradient(0.4, 1, 1));
  });

  it('tfjs ops: zgrBinary(a) and zgr on logits (0, a) give the same gradient w.r.t. a for the same samples', () => {
    const a = [-2, -0.3, 0, 0.9, 3];
    const d = [1, -0.5, 0.7, 2, -1.2];
    const b = [1, 0, 1, 1, 0];
    const binary = tf.grad((l: tf.Tensor) => zgrBinary(l, { b: tf.tensor(b) }).mul(tf.tensor(d)).sum())(tf.tensor(a));
    const categorical = tf.grad((l: tf.Tensor) =>
      zgr(tf.stack([tf.zerosLike(l), l], 1), { x: tf.tensor(b, [5], 'int32') }).mul(tf.stack([tf.zeros([5]), tf.tensor(d)], 1)).sum(),
    )(tf.tensor(a));
    assertClose(binary.dataSync(), categorical.dataSync(), { atol: 1e-7, context: 'binary vs categorical ZGR op' });
  });
});

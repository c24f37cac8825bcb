/** Binary samplers: op gradients equal the float64 forms; P(b = 1) = sigmoid(a); bad input named. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Random, stBinary, stBinaryGradient, zgrBinary, zgrBinaryGradient } from '../../lib';
import { assertClose, TEST_BACKENDS, useBackend } from '../helpers';

const A = [-3, -0.5, 0, 0.7, 2.5, 1e4, -1e4];
const D = [0.3, -1.2, 2, 0.5, -0.7, 1, -1];

for (const backend of TEST_BACKENDS) {
  describe(`binary estimators on ${backend}`, () => {
    before(() => useBackend(backend));

    for (const [name, op, form] of [
      ['stBinary', stBinary, stBinaryGradient],
      ['zgrBinary', zgrBinary, zgrBinaryGradient],
    ] as const) {
      it(`${name}: gradient equals the float64 form for both values of b, finite at a = ±1e4`, () => {
        for (const bit of [0, 1] as const) {
          const grad = tf.tidy(() => {
            const b = tf.fill([A.length], bit);
            const g = tf.grad((l: tf.Tensor) => op(l, { b }).mul(tf.tensor(D)).sum())(tf.tensor(A));
            return Array.from(g.dataSync());
          });
          assertClose(
            grad,
            A.map((a, i) => form(a, bit, D[i])),
            { atol: 1e-7, rtol: 1e-5, context: `${name} b = ${bit}` },
          );
        }
      });
    }

    it('P(b = 1) = sigmoid(a), within 5 standard errors', () => {
      const n = 20000;
      const a = 0.8;
      const p = 1 / (1 + Math.exp(-a));
      const mean = tf.tidy(
        () =>
          zgrBinary(tf.fill([n], a), { rng: Random.fromSeed(9) })
            .mean()
            .dataSync()[0],
      );
      const se = Math.sqrt((p * (1 - p)) / n);
      assert.ok(Math.abs(mean - p) < 5 * se, `frequency ${mean} vs p = ${p}, 5 SE = ${5 * se}`);
    });
  });
}

describe('binary estimators reject bad input by name', () => {
  it('non-finite logits, a sample that is not 0/1, a missing rng, bad float64 arguments', () => {
    assert.throws(
      () => zgrBinary(tf.tensor([0, NaN]), { rng: Random.fromSeed(1) }),
      /zgrBinary: logits must be finite; entry 1.*got NaN/,
    );
    assert.throws(
      () => stBinary(tf.tensor([0, 1]), { b: tf.tensor([0, 0.5]) }),
      /stBinary: sample b must hold 0 or 1; entry 1, got 0.5/,
    );
    assert.throws(
      () => stBinary(tf.tensor([0, 1]), {}),
      /stBinary: option rng \(a Random\) is required unless a sample b is given/,
    );
    assert.throws(() => zgrBinaryGradient(0, 2, 1), /zgrBinaryGradient: sample b must be 0 or 1, got 2/);
    assert.throws(() => stBinaryGradient(Infinity, 1, 1), /stBinaryGradient: logit a must be finite, got Infinity/);
  });
});

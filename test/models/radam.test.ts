/**
 * RAdam (lib/models/radam.ts) against its update rule: ρ_t and r_t by hand, a hand-written float64
 * run of the rule over the switch from momentum steps to rectified adaptive steps, and Adam: once
 * rectified, RAdam's step is Adam's step times r_t (eps = 0).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../../lib/models/adam';
import { RAdam, rectification } from '../../lib/models/radam';
import { assertClose, useBackend } from '../helpers';

describe('RAdam (Liu et al. 2020, PyTorch form)', () => {
  before(() => useBackend('cpu'));

  it('ρ_t and r_t at β2 = 0.999: momentum steps for t ≤ 5, rectified from t = 6, r_t → 1', () => {
    // by hand: ρ∞ = 1999; ρ_5 = 1999 − 10·0.999⁵/(1 − 0.999⁵) = 1999 − 9.95010/0.00499001 = 4.9960;
    // ρ_6 = 1999 − 12·0.999⁶/(1 − 0.999⁶) = 1999 − 11.92818/0.00598502 = 5.9942
    // r_6 = √(1.9942 · 3.9942 · 1999 / (1995 · 1997 · 5.9942)) = 0.02582
    assert.equal(rectification(5, 0.999).r, null);
    assertClose(
      [rectification(5, 0.999).rho, rectification(6, 0.999).rho, rectification(6, 0.999).r!],
      [4.996, 5.9942, 0.02582],
      { atol: 1e-4, context: 'ρ_5, ρ_6, r_6' },
    );
    assert.ok(Math.abs(rectification(1e6, 0.999).r! - 1) < 1e-3, 'r_t → 1');
  });

  it('follows its update rule over 8 steps (5 momentum steps, then 3 rectified ones)', () => {
    const grads = [1, -2, 0.5, 3, 1, 1, -1, 2];
    const [lr, b1, b2, eps] = [0.1, 0.9, 0.999, 1e-8];
    // the rule, written out in float64
    let [theta, m, v] = [0.5, 0, 0];
    const expected = grads.map((g, k) => {
      const t = k + 1;
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const mHat = m / (1 - b1 ** t);
      const rhoInf = 2 / (1 - b2) - 1;
      const rho = rhoInf - (2 * t * b2 ** t) / (1 - b2 ** t);
      if (rho > 5) {
        const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
        theta -= (lr * r * mHat * Math.sqrt(1 - b2 ** t)) / (Math.sqrt(v) + eps);
      } else {
        theta -= lr * mHat;
      }
      return theta;
    });
    const w = tf.variable(tf.scalar(0.5));
    const opt = new RAdam([w], { lr, beta1: b1, beta2: b2, eps });
    const got = grads.map((g) => {
      opt.apply([tf.scalar(g)]);
      return w.dataSync()[0];
    });
    assertClose(got, expected, { atol: 1e-6, rtol: 1e-6, context: 'θ after each step' });
    opt.dispose();
    w.dispose();
  });

  it('once rectified, its step is Adam’s step times r_t (same state, eps = 0)', () => {
    const start = [0.3, -1.2, 2];
    const g = tf.tensor1d([0.5, -0.25, 1]);
    const run = (Opt: typeof Adam) => {
      const w = tf.variable(tf.tensor1d(start));
      const opt = new Opt([w], { lr: 0.01, eps: 0 });
      for (let k = 0; k < 40; k++) opt.apply([g]); // t = 40: rectified
      const before = Array.from(w.dataSync());
      opt.apply([g]);
      const step = Array.from(w.dataSync()).map((x, i) => before[i] - x);
      opt.dispose();
      w.dispose();
      return step;
    };
    const r = rectification(41, 0.999).r!;
    assertClose(
      run(RAdam),
      run(Adam).map((s) => s * r),
      { rtol: 1e-4, context: `RAdam step = r_41 (${r.toFixed(4)}) × Adam step` },
    );
  });

  it('rejects bad hyperparameters by name', () => {
    const w = tf.variable(tf.scalar(0));
    assert.throws(() => new RAdam([w], { lr: 0 }), /RAdam: lr must be a finite number > 0, got 0/);
    assert.throws(() => new RAdam([w], { lr: 1, beta2: 1 }), /RAdam: beta2 must be in \(0, 1\), got 1/);
    w.dispose();
  });
});

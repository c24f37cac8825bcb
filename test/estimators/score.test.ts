/**
 * REINFORCE and RLOO: the surrogate loss's gradient equals the float64 form on the same samples;
 * both are exactly unbiased (rational enumeration over M-tuples of samples); the surrogate's value
 * is the Monte Carlo mean of the loss; bad M is rejected by name.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  estimatorMean,
  exactGradient,
  Random,
  rational,
  reinforce,
  reinforceGradientOf,
  rloo,
  rlooGradient,
  rlooGradientOf,
  type SampleEstimator,
} from '../../lib';
import { isZero } from '../../lib/checks/c3-quadratic-unbiasedness';
import { randomRationalProblem } from '../../lib/exact/toy-problems';
import type { Fraction } from 'mathjs';
import { assertClose, useBackend } from '../helpers';

const B = 2,
  L = 3,
  C = 3,
  M = 4;
const LOGITS = Array.from({ length: B * L * C }, (_, i) => Math.sin(2.3 * i));
const W = Array.from({ length: L * C }, (_, i) => Math.cos(1.1 * i) + 0.5);

/** f = (Σ_l ⟨onehot_l, w_l⟩)² per sample and data point: [M, B]. */
const loss = (onehot: tf.Tensor) =>
  onehot
    .mul(tf.tensor(W, [L, C]))
    .sum([2, 3])
    .square();

describe('RLOO and REINFORCE surrogates', () => {
  before(() => useBackend('cpu'));

  it('RLOO: the surrogate gradient equals rlooGradient on the same samples, and its value is the mean loss', () => {
    // the samples the op will draw: Gumbel-max on noise of shape [M, B, L, C] from a clone of the stream
    const rng = Random.fromSeed(5);
    const g = rng.clone().gumbel(M * B * L * C);
    const x = (s: number, b: number, l: number) => {
      const o = ((s * B + b) * L + l) * C;
      let best = 0;
      for (let j = 1; j < C; j++)
        if (
          Math.fround(LOGITS[(b * L + l) * C + j] + Math.fround(g[o + j])) >
          Math.fround(LOGITS[(b * L + l) * C + best] + Math.fround(g[o + best]))
        )
          best = j;
      return best;
    };
    const f = (s: number, b: number) =>
      Array.from({ length: L }, (_, l) => W[l * C + x(s, b, l)]).reduce((a, c) => a + c, 0) ** 2;
    const { value, grads } = tf.tidy(() => {
      const logits = tf.tensor(LOGITS, [B, L, C]);
      const r = tf.valueAndGrad((l: tf.Tensor) => rloo(l, { rng, M }, loss))(logits);
      return { value: r.value.dataSync()[0], grads: Array.from(r.grad.dataSync()) };
    });
    const expected: number[] = [];
    let meanLoss = 0;
    for (let b = 0; b < B; b++) {
      const fs = Array.from({ length: M }, (_, s) => f(s, b));
      meanLoss += fs.reduce((a, c) => a + c, 0) / M;
      for (let l = 0; l < L; l++) {
        expected.push(
          ...rlooGradient(
            LOGITS.slice((b * L + l) * C, (b * L + l + 1) * C),
            Array.from({ length: M }, (_, s) => x(s, b, l)),
            fs,
          ),
        );
      }
    }
    assertClose(grads, expected, { atol: 1e-5, rtol: 1e-4, context: 'RLOO surrogate gradient vs float64' });
    assertClose([value], [meanLoss], { rtol: 1e-5, context: 'RLOO surrogate value' });
  });

  it('REINFORCE: the surrogate gradient is f (e_x − p) per sample, averaged over M', () => {
    const rng = Random.fromSeed(6);
    const grad = tf.tidy(() => {
      const logits = tf.tensor(LOGITS, [B, L, C]);
      return Array.from(
        tf
          .grad((l: tf.Tensor) => reinforce(l, { rng, M: 1 }, loss))(logits)
          .dataSync(),
      );
    });
    // each variable's estimate is f (e_x − p): it sums to zero and is parallel to e_x − p
    for (let k = 0; k < B * L; k++) {
      const gk = grad.slice(k * C, (k + 1) * C);
      assert.ok(Math.abs(gk.reduce((a, c) => a + c, 0)) < 1e-5, `REINFORCE variable ${k} does not sum to zero: ${gk}`);
    }
  });

  it('rejects M < 2 for RLOO and a loss of the wrong shape, naming them', () => {
    const logits = tf.tensor(LOGITS, [B, L, C]);
    assert.throws(
      () => rloo(logits, { rng: Random.fromSeed(1), M: 1 }, loss),
      /rloo: option M must be an integer ≥ 2, got 1/,
    );
    assert.throws(
      () => rloo(logits, { rng: Random.fromSeed(1), M: 3 }, (oh) => oh.sum([2, 3]).reshape([3, 1, 2])),
      /rloo: loss must return shape \[M, \.\.\.lead\].*got \[3,1,2\]/,
    );
    assert.throws(
      () => rloo(logits, { rng: Random.fromSeed(1), M: 3 }, (oh) => oh.sum([2, 3]).log().mul(-1).log()),
      /loss values must be finite/,
    );
    logits.dispose();
  });
});

describe('score-function estimators are exactly unbiased (rational enumeration)', () => {
  const single = (p: Fraction[][]): SampleEstimator<Fraction> => ({
    M: 1,
    estimate: ([d]) => d.state.map((x, i) => reinforceGradientOf(rational, p[i], x, d.f)),
  });
  const leaveOneOut = (p: Fraction[][], m: number): SampleEstimator<Fraction> => ({
    M: m,
    estimate: (draws) =>
      p.map((pi, i) =>
        rlooGradientOf(
          rational,
          pi,
          draws.map((d) => d.state[i]),
          draws.map((d) => d.f),
        ),
      ),
  });

  for (const [name, make] of [
    ['REINFORCE', (p: Fraction[][]) => single(p)],
    ['RLOO(M = 2)', (p: Fraction[][]) => leaveOneOut(p, 2)],
    ['RLOO(M = 3)', (p: Fraction[][]) => leaveOneOut(p, 3)],
  ] as const) {
    it(`${name}: E[g] = ∇L on random rational cubics of two variables`, () => {
      const rng = Random.fromSeed(21);
      for (let k = 0; k < 5; k++) {
        const problem = randomRationalProblem(rng, [2, 3], 3);
        const mean = estimatorMean(problem, make(problem.p));
        const { gradient } = exactGradient(problem);
        const diff = mean.map((mi, i) => mi.map((m, j) => m.sub(gradient[i][j])));
        assert.ok(isZero(rational, diff), `${name} biased: ${diff.flat().map((d) => d.toFraction())}`);
      }
    });
  }
});

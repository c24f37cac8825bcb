/** E2 toy problems: tensor f equals the exact loss on every state; exact objectives; training lowers E f. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { float64, jointStates, oneHotConcat, softmax } from '../../lib';
import { polynomialToy, quadraticToy, trainToy, E2_PROFILES } from '../../lib/experiments/e2-toy';
import { assertClose, useBackend } from '../helpers';

/** E f by enumeration with the problem's tensor f (independent of its `objective`). */
function enumeratedObjective(problem: ReturnType<typeof quadraticToy>, p: number[][]): number {
  const Cs = p.map((pi) => pi.length);
  let L = 0;
  for (const state of jointStates(Cs)) {
    const prob = state.reduce((acc, x, i) => acc * p[i][x], 1);
    const z = tf.tensor(oneHotConcat(float64, Cs, state), [Cs.length, Cs[0]]);
    L += prob * problem.f(z).dataSync()[0];
    z.dispose();
  }
  return L;
}

describe('E2 toy problems', () => {
  before(() => useBackend('cpu'));

  it('quadratic toy: E f by enumeration of the tensor f equals the exact objective', () => {
    const problem = quadraticToy('q', 'q', 3, 3, 5);
    const p = [softmax([0.2, -1, 0.5]), softmax([0, 0, 1]), softmax([2, -1, 0])];
    assertClose([enumeratedObjective(problem, p)], [problem.objective(p)], {
      atol: 1e-4,
      rtol: 1e-5,
      context: 'quadratic toy objective',
    });
  });

  it('polynomial toy: the closed-form objective equals enumeration (n = 4, q = 1.5 and 3)', () => {
    for (const q of [1.5, 3]) {
      const problem = polynomialToy(q, 4);
      const p = [0.1, 0.7, 0.5, 0.95].map((p1) => [1 - p1, p1]);
      assertClose([enumeratedObjective(problem as never, p)], [problem.objective(p)], {
        atol: 1e-6,
        context: `q = ${q}`,
      });
      assert.ok(Math.abs(problem.minimum - (4 * 0.45 ** q) / 4) < 1e-12);
    }
  });

  it(
    'training with ZGR lowers the exact objective of the ' +
      'categorical quadratic by more than half the gap to its minimum',
    () => {
      const problem = quadraticToy('q', 'q', 3, 4, 101);
      const config = { ...E2_PROFILES.quick, steps: 150, evalEvery: 50 };
      const { objective } = trainToy(problem, { name: 'zgr' }, config, 1);
      const start = objective[0];
      const end = objective[objective.length - 1];
      assert.ok(start - end > 0.5 * (start - problem.minimum), `E f ${start} → ${end}, minimum ${problem.minimum}`);
    },
  );

  it('is reproducible: the same seed gives the same curve', () => {
    const problem = polynomialToy(2, 16);
    const config = { ...E2_PROFILES.quick, steps: 20, evalEvery: 5 };
    assert.deepEqual(
      trainToy(problem, { name: 'rloo', options: { M: 2 } }, config, 3),
      trainToy(problem, { name: 'rloo', options: { M: 2 } }, config, 3),
    );
  });
});

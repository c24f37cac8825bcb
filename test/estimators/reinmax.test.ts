/** ReinMax at tau = 1 equals ZGR sample by sample (2J(π) − J(p)/2 = ZGR's matrix for π = (p + e_x)/2); not at other tau. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, reinmaxGradient, zgrGradient } from '../../lib';
import { assertClose } from '../helpers';

describe('ReinMax and ZGR', () => {
  it('coincide at tau = 1 on 500 random (logits, x, v), C = 2…6', () => {
    const rng = Random.fromSeed(17);
    for (let k = 0; k < 500; k++) {
      const C = rng.integer(2, 6);
      const logits = Array.from(rng.uniform(C), (u) => 6 * u - 3);
      const v = Array.from(rng.uniform(C), (u) => 4 * u - 2);
      const x = rng.integer(0, C - 1);
      assertClose(reinmaxGradient(logits, x, v, { tau: 1 }), zgrGradient(logits, x, v), { atol: 1e-14, rtol: 1e-12, context: `case ${k}` });
    }
  });

  it('differ at tau = 1.5 (so the check above can fail)', () => {
    const [logits, x, v] = [[0.3, -0.2, 1], 1, [1, -1, 0.5]];
    const gap = Math.max(...reinmaxGradient(logits, x, v, { tau: 1.5 }).map((g, j) => Math.abs(g - zgrGradient(logits, x, v)[j])));
    assert.ok(gap > 1e-3, `gap ${gap}`);
  });
});

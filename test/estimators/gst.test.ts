/**
 * GST-1.0 (gst.ts; Fan et al. 2022, chijames/GST `gst_mover` with gap = 1.0): ST through
 * softmax(d / τ) with factor 1/τ, at gapped logits d (d_x = max logits, d_j = min(logits_j, max − 1)).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../lib';
import { gappedLogits, gstGradient } from '../../lib/estimators/gst';
import { stTauGradient } from '../../lib/estimators/st';
import { assertClose } from '../helpers';

describe('GST-1.0', () => {
  it('hand-derived: logits [2, 0, 1.5], x = 1 (not the argmax), τ = 0.5, v = [1, −1, 0.5]', () => {
    // m = 2: d = [min(2, 1), 2, min(1.5, 1)] = [1, 2, 1]; d/τ = [2, 4, 2]
    // q = [1, e², 1] / (2 + e²) = [0.1065070, 0.7869860, 0.1065070]; ⟨q, v⟩ = −0.6272257
    // g = q ⊙ (v − ⟨q, v⟩) / τ = 2 [0.1065070·1.6272257, 0.7869860·(−0.3727743), 0.1065070·1.1272257]
    //   = [0.3466218, −0.5867365, 0.2401148]
    assert.deepEqual(gappedLogits([2, 0, 1.5], 1), [1, 2, 1]);
    assertClose(gstGradient([2, 0, 1.5], 1, [1, -1, 0.5], { tau: 0.5 }), [0.3466217598, -0.5867365406, 0.2401147808], {
      atol: 1e-9,
      context: 'hand case',
    });
  });

  it('hand-derived: a tie, logits [0, 0], x = 0 or 1, τ = 1, v = [1, 0]: d puts the other category 1 below', () => {
    // d = [0, −1] (x = 0) or [−1, 0] (x = 1); q0 q1 = e / (1 + e)² = 0.1966119, g = ±q0 q1
    assertClose(gstGradient([0, 0], 0, [1, 0], { tau: 1 }), [0.1966119332, -0.1966119332], {
      atol: 1e-9,
      context: 'x = 0',
    });
    assertClose(gstGradient([0, 0], 1, [1, 0], { tau: 1 }), [0.1966119332, -0.1966119332], {
      atol: 1e-9,
      context: 'x = 1',
    });
  });

  it(
    'equals ST(τ)·1/τ whenever x is the argmax and every other logit is already ≥ 1 below it ' +
      '(d = logits), 300 cases',
    () => {
      const rng = Random.fromSeed(43);
      for (let k = 0; k < 300; k++) {
        const C = rng.integer(2, 6);
        const x = rng.integer(0, C - 1);
        const logits = Array.from(rng.uniform(C), (u, j) => (j === x ? 2 : 1 - 4 * u)); // others ≤ 1 = max − 1
        const v = Array.from(rng.uniform(C), (u) => 4 * u - 2);
        const tau = 0.2 + 2 * rng.uniform(1)[0];
        assertClose(gstGradient(logits, x, v, { tau }), stTauGradient(logits, x, v, { tau }), {
          atol: 1e-14,
          rtol: 1e-12,
          context: `case ${k}`,
        });
      }
    },
  );

  it('differs from ST(τ)·1/τ when x is not the argmax (so the check above can fail)', () => {
    const gap = Math.max(
      ...gstGradient([2, 0, 1.5], 1, [1, -1, 0.5], { tau: 0.5 }).map((g, j) =>
        Math.abs(g - stTauGradient([2, 0, 1.5], 1, [1, -1, 0.5], { tau: 0.5 })[j]),
      ),
    );
    assert.ok(gap > 1e-2, `gap ${gap}`);
  });
});

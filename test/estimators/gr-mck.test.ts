/**
 * GR-MCK: with K = 1 it has the distribution of ST-GS; its average over many K converges to the
 * conditional expectation E[J_tau | x]ᵀ v (computed independently by quadrature for C = 2).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grMckGradient, Random, stGsGradient } from '../../lib';
import { conditionalJacobianBinary } from '../../lib/exact/tempered-jacobian';

const LOGITS = [0.4, -0.6, 0.9];
const V = [1.3, -0.4, 0.6];
const W = [0.7, -1.1, 0.5]; // a fixed projection of the gradient, to compare scalar distributions
const TAU = 0.5;
const N = 20000;

/** Two-sample Kolmogorov–Smirnov statistic. */
function ks(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0,
    j = 0,
    d = 0;
  while (i < x.length && j < y.length) {
    const t = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= t) i++;
    while (j < y.length && y[j] <= t) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

const project = (g: number[]) => g.reduce((s, gj, j) => s + gj * W[j], 0);

describe('GR-MCK', () => {
  it('with K = 1 has the distribution of ST-GS (two-sample KS on (x, ⟨g, w⟩), α = 0.001)', () => {
    const rng = Random.fromSeed(31);
    const stgs: number[] = [];
    const gr: number[] = [];
    for (let n = 0; n < N; n++) {
      // ST-GS: unconditional Gumbel noise, sample = its argmax
      const G = Array.from(rng.gumbel(3));
      const s = LOGITS.map((l, j) => l + G[j]);
      const x = s.indexOf(Math.max(...s));
      stgs.push(10 * x + project(stGsGradient(LOGITS, V, { tau: TAU }, G))); // 10x separates the samples
      // GR-MC1: the sample first, then the conditional perturbation
      const y = rng.categorical(LOGITS);
      gr.push(10 * y + project(grMckGradient(LOGITS, y, V, { tau: TAU, K: 1 }, [Array.from(rng.exponential(3))])));
    }
    const d = ks(stgs, gr);
    const critical = 1.95 * Math.sqrt(2 / N); // KS critical value at α = 0.001
    assert.ok(d < critical, `KS statistic ${d} ≥ ${critical}`);
  });

  it('its average over K = 200000 perturbations equals E[J_tau | x]ᵀ v (quadrature, C = 2) within 5 SE', () => {
    const logits = [0.3, -0.4];
    const v = [0.8, -1.5];
    const rng = Random.fromSeed(32);
    for (const x of [0, 1]) {
      for (const tau of [1, 0.2]) {
        const K = 200000;
        const exponentials = Array.from({ length: K }, () => Array.from(rng.exponential(2)));
        const g = grMckGradient(logits, x, v, { tau, K }, exponentials);
        // SE from the spread of single-perturbation estimates (component 0; component 1 = −component 0)
        const singles = exponentials.slice(0, 20000).map((E) => grMckGradient(logits, x, v, { tau, K: 1 }, [E])[0]);
        const m = singles.reduce((a, b) => a + b, 0) / singles.length;
        const sd = Math.sqrt(singles.reduce((a, b) => a + (b - m) ** 2, 0) / (singles.length - 1));
        const se = sd / Math.sqrt(K);
        const J = conditionalJacobianBinary(logits, x, tau);
        const expected = J[0][0] * v[0] + J[0][1] * v[1];
        assert.ok(
          Math.abs(g[0] - expected) < 5 * se,
          `x = ${x}, tau = ${tau}: GR-MC${K} ${g[0]} vs ${expected}, 5 SE = ${5 * se}`,
        );
      }
    }
  });
});

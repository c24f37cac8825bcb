/** The seeded random stream: range, distributions (within 5 SE), reproducibility, state, split. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../lib';

const N = 200000;
const meanAndSE = (a: ArrayLike<number>) => {
  const xs = Array.from(a);
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  return { m, v, se: Math.sqrt(v / a.length) };
};

describe('Random: the one seeded stream', () => {
  it('uniforms lie strictly inside (0, 1), with mean 1/2 and variance 1/12', () => {
    const u = Random.fromSeed(1).uniform(N);
    assert.ok(u.every((x) => x > 0 && x < 1));
    const { m, v, se } = meanAndSE(u);
    assert.ok(Math.abs(m - 0.5) < 5 * se, `mean ${m}`);
    assert.ok(Math.abs(v - 1 / 12) < 0.002, `variance ${v}`);
  });

  it('Gumbel(0, 1): finite, mean γ = 0.5772…, variance π²/6; Exp(1): mean 1; Logistic: mean 0', () => {
    const rng = Random.fromSeed(2);
    const g = meanAndSE(rng.gumbel(N));
    assert.ok(Math.abs(g.m - 0.5772156649) < 5 * g.se, `Gumbel mean ${g.m} ± ${g.se}`);
    assert.ok(Math.abs(g.v - Math.PI ** 2 / 6) < 0.03, `Gumbel variance ${g.v}`);
    const e = meanAndSE(rng.exponential(N));
    assert.ok(Math.abs(e.m - 1) < 5 * e.se, `Exp mean ${e.m}`);
    const l = meanAndSE(rng.logistic(N));
    assert.ok(Math.abs(l.m) < 5 * l.se, `Logistic mean ${l.m}`);
  });

  it('categorical frequencies match softmax(logits) within 5 SE', () => {
    const rng = Random.fromSeed(3);
    const logits = [1, 0, -1, 2];
    const Z = logits.reduce((s, l) => s + Math.exp(l), 0);
    const counts = [0, 0, 0, 0];
    for (let n = 0; n < 50000; n++) counts[rng.categorical(logits)]++;
    logits.forEach((l, j) => {
      const p = Math.exp(l) / Z;
      const se = Math.sqrt((p * (1 - p)) / 50000);
      assert.ok(Math.abs(counts[j] / 50000 - p) < 5 * se, `category ${j}: ${counts[j] / 50000} vs ${p}`);
    });
  });

  it('is reproducible: same seed, clone, and saved state give the same numbers; other seeds and splits differ', () => {
    const a = Random.fromSeed(42);
    a.uniform(10);
    const saved = a.getState();
    const c = a.clone();
    const next = a.uniform(5);
    assert.deepEqual(c.uniform(5), next);
    assert.deepEqual(Random.fromState(JSON.parse(JSON.stringify(saved))).uniform(5), next);
    assert.deepEqual(Random.fromSeed(42).gumbel(8), Random.fromSeed(42).gumbel(8));
    assert.notDeepEqual(Random.fromSeed(43).uniform(8), Random.fromSeed(42).uniform(8));
    const parent = Random.fromSeed(42);
    const child = parent.split();
    assert.notDeepEqual(child.uniform(8), parent.uniform(8));
  });

  it('rejects bad seeds and counts by name', () => {
    assert.throws(() => Random.fromSeed(-1), /seed must be an integer in \[0, 2\^31\), got -1/);
    assert.throws(() => Random.fromSeed(1.5), /got 1.5/);
    assert.throws(() => Random.fromSeed(1).uniform(-2), /number of draws must be a non-negative integer, got -2/);
    assert.throws(() => Random.fromSeed(1).integer(3, 1), /lo ≤ hi, got \[3, 1\]/);
  });
});

/**
 * Shared test helpers: backends, and comparisons whose failure messages print inputs and tolerance.
 *
 * Seeds and tolerances of statistical tests. A test that samples draws from a fixed seed
 * (`Random.fromSeed(n)`), so every run sees the same draws; its tolerance comes from the standard
 * error of what it compares (about 5 se, the se computed from the draws or bounded from the exact
 * variance, derived in a comment beside it). Where the expectation can be computed exactly
 * (enumeration, quadrature, fractions) the test compares with that instead of sampling.
 * If changing a seed (or the order of draws) flips a test, do not pick another seed: either the
 * tolerance was not derived from the standard error or the claim is marginal at this sample size.
 * Derive the se bound and widen the tolerance to it (or draw more samples); a test that still
 * fails then is a finding about the claim, to report.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useExplicitTransposeMatMulGradient } from '../lib/backend';
import type { Moments } from '../lib/exact/estimator-moments';
import type { Random } from '../lib/random';
import { estimatorLabel, type EstimatorSpec } from '../lib/estimators/spec';
import { normaliseE5Config } from '../lib/training/quantised-config';
import type { E5RunResult } from '../lib/training/quantised-task';

/** Switch tfjs to a backend for a test (the package is loaded on demand); fails if it does not start. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  const ok = await tf.setBackend(name);
  assert.ok(ok, `backend ${name} did not start`);
  if (name === 'wasm') useExplicitTransposeMatMulGradient();
}

export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/**
 * A random float64 case of one categorical variable for sample-by-sample checks, drawn from `rng`
 * in this order: C in {2, …, 6}, logits in [−3, 3]^C, v in [−2, 2]^C, x in {0, …, C − 1}.
 */
export function randomCase(rng: Random): { C: number; logits: number[]; v: number[]; x: number } {
  const C = rng.integer(2, 6);
  const logits = Array.from(rng.uniform(C), (u) => 6 * u - 3);
  const v = Array.from(rng.uniform(C), (u) => 4 * u - 2);
  const x = rng.integer(0, C - 1);
  return { C, logits, v, x };
}

/** |actual − expected| ≤ atol + rtol |expected| for every entry, with a message naming the context. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { atol = 0, rtol = 0, context = '' }: { atol?: number; rtol?: number; context?: string },
): void {
  assert.equal(actual.length, expected.length, `${context}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(diff <= tol)) {
      assert.fail(
        `${context}: entry ${i}: got ${actual[i]}, expected ${expected[i]}, |diff| = ${diff} > tolerance ${tol} ` +
          `(atol ${atol}, rtol ${rtol})\n  actual   [${Array.from(actual).join(', ')}]\n  expected ` +
          `[${Array.from(expected).join(', ')}]`,
      );
    }
  }
}

/** Every entry finite. */
export function assertFinite(values: ArrayLike<number>, context: string): void {
  for (let i = 0; i < values.length; i++) {
    assert.ok(Number.isFinite(values[i]), `${context}: entry ${i} is ${values[i]}`);
  }
}

/**
 * Brute-force samples of an estimator agree with its moments (estimator-moments.ts) within 5 SE:
 * the mean per coordinate, and the trace variance (the exact side's SE from its replicates).
 */
export function assertMomentsAgree(label: string, m: Moments, samples: readonly (Float32Array | Float64Array)[]): void {
  const N = samples.length;
  const P = m.mean.length;
  const mean = new Float64Array(P);
  samples.forEach((g) => g.forEach((x, i) => (mean[i] += x / N)));
  const varI = new Float64Array(P);
  samples.forEach((g) => g.forEach((x, i) => (varI[i] += (x - mean[i]) ** 2 / (N - 1))));
  const R = m.replicates.length;
  for (let i = 0; i < P; i++) {
    const seExact =
      R > 0 ? Math.sqrt(m.replicates.reduce((s, r) => s + (r.mean[i] - m.mean[i]) ** 2, 0) / (R * (R - 1))) : 0;
    const se = Math.hypot(Math.sqrt(varI[i] / N), seExact);
    assert.ok(
      Math.abs(mean[i] - m.mean[i]) <= 5 * se + 1e-6,
      `${label}: mean[${i}] sampled ${mean[i]} vs exact ${m.mean[i]} (5 SE = ${5 * se})`,
    );
  }
  // trace variance: mean of ‖G − Ḡ‖² with its SE, against E‖G‖² − ‖E G‖² (and the replicates' spread)
  const d2 = samples.map((g) => Array.from(g).reduce((s, x, i) => s + (x - mean[i]) ** 2, 0));
  const v = d2.reduce((s, x) => s + x, 0) / (N - 1);
  const seV = Math.sqrt(d2.reduce((s, x) => s + (x - v) ** 2, 0) / (N - 1) / N);
  const variance = (e: { mean: Float64Array; secondMoment: number }) =>
    e.secondMoment - e.mean.reduce((s, x) => s + x * x, 0);
  const exact = variance(m);
  const seExact =
    R > 0 ? Math.sqrt(m.replicates.reduce((s, r) => s + (variance(r) - exact) ** 2, 0) / (R * (R - 1))) : 0;
  const tol = 5 * Math.hypot(seV, seExact);
  assert.ok(Math.abs(v - exact) <= tol, `${label}: trace variance sampled ${v} vs exact ${exact} (5 SE = ${tol})`);
}

/**
 * A finished run record for figure, table and verdict tests: the given configuration and per-epoch
 * history, with the bookkeeping fields a real run has (no checksum, no resumes, no provenance).
 */
export function finishedRun<C extends { estimator: EstimatorSpec }, H>(key: string, config: C, history: H[]) {
  return {
    key,
    label: estimatorLabel(config.estimator),
    config,
    done: true,
    weightsChecksum: '',
    resumes: 0,
    provenance: null as never,
    history,
  };
}

/**
 * A finished E5 run (MLP 784–8–10) whose training cross-entropy per epoch is `train`; the test
 * metrics follow from it (test cross-entropy +0.05, accuracy 1 − t, sampled 0.98 − t).
 */
export function e5Run(name: string, seed: number, train: number[], options?: Record<string, number>): E5RunResult {
  const config = normaliseE5Config({ estimator: { name, options }, seed, epochs: train.length, hidden: [8] });
  return finishedRun(
    `${name}-${seed}`,
    config,
    train.map((t, i) => ({
      epoch: i + 1,
      step: 600 * (i + 1),
      trainLoss: t,
      testLoss: t + 0.05,
      testAccuracy: 1 - t,
      testAccuracySampled: 0.98 - t,
      wallTimeS: 6 * (i + 1),
    })),
  );
}

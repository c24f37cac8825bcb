/**
 * E6, cost (PAPER.md; claim C6 — the measurement protocol is ours): wall time of one estimator
 * call (forward sample + backward) on a latent tensor of VAE size, and of one toy training step,
 * each relative to ST; GR-MCK's time against K. Measured on the machine and backend that run it:
 * a low quantile (config.quantile) over repeats after a warm-up, every call forced to finish (dataSync).
 * C6's verdict on these times is c6Verdict (lib/checks/c6-cost.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { sampleOp } from '../estimators/registry';
import { estimatorStyle, resolveCategorical, type EstimatorSpec, type ResolvedCategorical } from '../estimators/spec';
import { logLogSlopeOfLargerHalf } from '../math/slope';
import { Adam } from '../models/adam';
import { Random } from '../random';
import type { ProfileName } from '../results/profile';
import { e2Problems, stepLoss } from './e2-toy';

export interface E6Config {
  /** shape of the logits of one call: [batch, numLatents, C] (the 8×4… VAE latents at batch 100) */
  shape: [number, number, number];
  /** estimators timed per call and per toy step */
  estimators: EstimatorSpec[];
  /** K values of GR-MCK */
  Ks: number[];
  /** temperature of GR-MCK in the K sweep */
  tau: number;
  /** untimed warm-up rounds, then timed rounds */
  warmup: number;
  repeats: number;
  /**
   * which quantile of the timed rounds is reported (0.5: the median). The load of other processes
   * only ever adds time, so a low quantile measures the estimator itself: timing ST, ZGR and DARN
   * four times (15 rounds each) on a loaded 2-core machine, the median ratio of ZGR to ST ranged
   * over 1.05–1.68, the lower quartile over 1.06–1.08.
   */
  quantile: number;
  /** timed rounds of the K sweep (its calls are long) */
  grRepeats: number;
}

const E6_ESTIMATORS: EstimatorSpec[] = [
  { name: 'st' },
  { name: 'darn' },
  { name: 'zgr' },
  { name: 'stZgr', options: { a: 0.5 } },
  { name: 'gs', options: { tau: 0.5 } },
  { name: 'stGs', options: { tau: 0.5 } },
  { name: 'grMck', options: { tau: 0.5, K: 10 } },
  { name: 'grMck', options: { tau: 0.5, K: 100 } },
  { name: 'reinmax', options: { tau: 1.5 } },
  { name: 'rloo', options: { M: 2 } },
];

const QUICK: E6Config = {
  shape: [100, 16, 8],
  estimators: E6_ESTIMATORS,
  Ks: [1, 10, 30, 100, 300],
  tau: 0.5,
  warmup: 3,
  repeats: 25,
  grRepeats: 5,
  quantile: 0.25,
};

export const E6_PROFILES: Record<ProfileName, E6Config> = {
  quick: QUICK,
  medium: QUICK, // no committed medium runs: the quick settings
  long: QUICK, // likewise
  paper: {
    shape: [100, 16, 8],
    estimators: E6_ESTIMATORS,
    Ks: [1, 3, 10, 30, 100, 300, 1000],
    tau: 0.5,
    warmup: 10,
    repeats: 100,
    grRepeats: 10,
    quantile: 0.25,
  },
};

/** The q-quantile of xs, interpolating linearly between order statistics (q = 0.5: the median). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0 || !(q >= 0 && q <= 1))
    throw new Error(`quantile: need values and q in [0, 1], got ${xs.length} values, q = ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return lo === at ? s[lo] : s[lo] + (at - lo) * (s[lo + 1] - s[lo]);
}

/**
 * The median (or q-quantile) wall time in ms of each of `runs` (each must force its result, e.g.
 * with dataSync), measured round-robin — one call of each per round — so that warm-up, drift and
 * the load of the machine fall on all of them alike. Each timed round runs them in a fresh random order (seeded):
 * a call that always followed the same long one would always pay for its clean-up (measured: the
 * first of two identical ST calls placed after RLOO and GR-MC100 ran ~10% slower than the second).
 */
export function timeRoundRobin(
  runs: (() => void)[],
  warmup: number,
  repeats: number,
  rng: Random = Random.fromSeed(0),
  q = 0.5,
): number[] {
  for (let i = 0; i < warmup; i++) runs.forEach((run) => run());
  const times = runs.map(() => [] as number[]);
  const order = runs.map((_, k) => k);
  for (let i = 0; i < repeats; i++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = rng.integer(0, k); // Fisher–Yates
      [order[k], order[j]] = [order[j], order[k]];
    }
    for (const k of order) {
      const t0 = performance.now();
      runs[k]();
      times[k].push(performance.now() - t0);
    }
  }
  return times.map((t) => quantile(t, q));
}

/** One call of an estimator: sample, then the gradient of Σ sample ⊙ v w.r.t. the logits (RLOO: of its surrogate). */
function callOnce(r: ResolvedCategorical, logits: tf.Tensor, v: tf.Tensor, rng: Random): void {
  tf.tidy(() => {
    const g =
      r.kind === 'score'
        ? tf.grad((l: tf.Tensor) => r.row.surrogate(l, r.options, (oh) => oh.mul(v).sum([2, 3]), rng))(logits)
        : tf.grad((l: tf.Tensor) => sampleOp(r.row, l, r.options, rng).mul(v).sum())(logits);
    g.dataSync();
  });
}

export interface CostRow {
  estimator: string;
  options: Record<string, number>;
  label: string;
  colour: string;
  /** ms per call (forward + backward), the config's quantile over rounds */
  callMs: number;
  /** callMs / ST's callMs */
  callRatio: number;
  /**
   * ms per toy training step, same quantile (quadratic of 3 categorical variables: sample, f, backward,
   * optimizer update)
   */
  stepMs: number;
  stepRatio: number;
}

export interface E6Result {
  rows: CostRow[];
  /** GR-MCK's ms per call against K */
  grByK: { K: number; callMs: number }[];
  /**
   * log–log slope of time against K over the larger half of the K values (as C6's grCostSlope reads it;
   * ≈ 1: linear)
   */
  grSlope: number;
}

/** Run the cost measurements of a profile on the current backend. */
export function runE6(config: E6Config, seed = 1): E6Result {
  const rng = Random.fromSeed(seed);
  const logits = tf.tensor(
    Float32Array.from(rng.uniform(config.shape.reduce((a, b) => a * b, 1)), (u) => 4 * u - 2),
    config.shape,
  );
  const v = tf.tensor(
    Float32Array.from(rng.uniform(logits.size), (u) => 2 * u - 1),
    config.shape,
  );
  const toy = e2Problems([])[0];
  try {
    const toyLogits = tf.variable(tf.zeros([toy.numLatents, toy.C]));
    const optimizer = new Adam([toyLogits], { lr: 0.05 });
    const toyStep = (spec: EstimatorSpec) => () => {
      optimizer.minimize(() => stepLoss(spec, toy, toyLogits, rng));
      toyLogits.dataSync();
    };
    const specs: EstimatorSpec[] = [{ name: 'st' }, ...config.estimators];
    const order = Random.fromSeed(seed + 1); // the order of the calls in each round
    const callMs = timeRoundRobin(
      specs.map((c) => resolveCategorical(c, 'E6 cost')).map((r) => () => callOnce(r, logits, v, rng)),
      config.warmup,
      config.repeats,
      order,
      config.quantile,
    );
    const stepMs = timeRoundRobin(specs.map(toyStep), config.warmup, config.repeats, order, config.quantile);
    toyLogits.dispose();
    optimizer.dispose();
    const rows = config.estimators.map((spec, k) => {
      const { label, colour } = estimatorStyle(spec);
      return {
        estimator: spec.name,
        options: spec.options ?? {},
        label,
        colour,
        callMs: callMs[k + 1],
        callRatio: callMs[k + 1] / callMs[0],
        stepMs: stepMs[k + 1],
        stepRatio: stepMs[k + 1] / stepMs[0],
      };
    });
    const grTimes = timeRoundRobin(
      config.Ks.map(
        (K) => () =>
          callOnce(resolveCategorical({ name: 'grMck', options: { tau: config.tau, K } }, 'E6 cost'), logits, v, rng),
      ),
      1,
      config.grRepeats,
      order,
      config.quantile,
    );
    const grByK = config.Ks.map((K, k) => ({ K, callMs: grTimes[k] }));
    return { rows, grByK, grSlope: logLogSlopeOfLargerHalf(config.Ks, grTimes) };
  } finally {
    logits.dispose();
    v.dispose();
  }
}

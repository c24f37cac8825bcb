/**
 * E2, toy optimisation (PAPER.md "Experiment protocols"; setup partly ours): minimise E f over the
 * logits of independent categorical (or binary, as C = 2) variables with each estimator, Adam,
 * and record the exact objective E f along the way (by enumeration, or in closed form).
 * Problems: (a) a random quadratic of 3 categorical variables with C = 4, (b) a random quadratic
 * of 8 binary variables, (c) the polynomial Σ_i |b_i − 0.45|^q / n, n = 128, q ∈ {1.5, 2, 3}.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleOp, type EstimatorOptions } from '../estimators/registry';
import { estimatorStyle, resolveCategorical, type EstimatorSpec } from '../estimators/spec';
import { jointStates, oneHotConcat } from '../exact/enumerate';
import { exactGradient } from '../exact/moments';
import { quadraticCoefficients } from '../exact/polynomial';
import { randomPolynomialProblem } from '../exact/toy-problems';
import { float64 } from '../math/field';
import { softmax } from '../math/softmax';
import { Adam } from '../models/adam';
import { Random } from '../random';
import type { ProfileName } from '../results/profile';

/** A toy problem: f on one-hot samples z [..., n, C] → [...], and its exact objective. */
export interface ToyProblem {
  slug: string;
  label: string;
  numLatents: number;
  C: number;
  /** f(z) for z of shape [..., numLatents, C]; returns shape [...] */
  f(z: tf.Tensor): tf.Tensor;
  /** E f under probabilities p (numLatents × C), exactly */
  objective(p: number[][]): number;
  /** min over states of f (the best achievable objective) */
  minimum: number;
}

/** A random quadratic (with cross terms) of `numLatents` variables with C categories. */
export function quadraticToy(slug: string, label: string, numLatents: number, C: number, seed: number): ToyProblem {
  const problem = randomPolynomialProblem(float64, Random.fromSeed(seed), new Array<number>(numLatents).fill(C), 2);
  const { c, b, A } = quadraticCoefficients(problem.loss);
  const n = numLatents * C;
  const Cs = new Array<number>(numLatents).fill(C);
  let minimum = Infinity;
  for (const state of jointStates(Cs))
    minimum = Math.min(minimum, problem.loss.value(oneHotConcat(float64, Cs, state)));
  const bT = tf.keep(tf.tensor(b, [n, 1]));
  const AT = tf.keep(tf.tensor(A, [n, n]));
  return {
    slug,
    label,
    numLatents,
    C,
    minimum,
    f: (z) =>
      tf.tidy(() => {
        const lead = z.shape.slice(0, -2);
        const flat = z.reshape([-1, n]); //                                   [B, n]
        const quad = flat.matMul(AT).mul(flat).sum(-1); //                      zᵀ A z   [B]
        return quad
          .add(flat.matMul(bT).reshape([-1]))
          .add(c)
          .reshape(lead); // [...]
      }),
    objective: (p) => exactGradient({ F: float64, p, loss: problem.loss }).objective,
  };
}

/** Σ_i |b_i − 0.45|^q / n over n binary variables (b_i = category 1 of a C = 2 variable). */
export function polynomialToy(q: number, numLatents = 128): ToyProblem {
  if (!(q > 1)) throw new Error(`polynomialToy: q must be > 1 (differentiable at b = 0.45 ± …), got ${q}`);
  const [f0, f1] = [0.45 ** q / numLatents, 0.55 ** q / numLatents];
  return {
    slug: `polynomial-q${q}`,
    label: `Σ|b−0.45|^${q}/n, n = ${numLatents}`,
    numLatents,
    C: 2,
    minimum: numLatents * f0,
    f: (z) =>
      tf.tidy(() => {
        // [..., n]
        const b = z.slice([...z.shape.slice(0, -1).map(() => 0), 1], [...z.shape.slice(0, -1), 1]).squeeze([-1]);
        return b.sub(0.45).abs().pow(q).sum(-1).div(numLatents);
      }),
    // E f = Σ_i (p_i1 0.55^q + p_i0 0.45^q) / n: separable, so exact in closed form
    objective: (p) => p.reduce((s, pi) => s + pi[1] * f1 + pi[0] * f0, 0),
  };
}

/** The E2 problems of a run. */
export function e2Problems(qs: readonly number[] = [1.5, 2, 3]): ToyProblem[] {
  return [
    quadraticToy('quadratic-categorical', 'quadratic, 3 categorical variables, C = 4', 3, 4, 101),
    quadraticToy('quadratic-binary', 'quadratic, 8 binary variables', 8, 2, 102),
    ...qs.map((q) => polynomialToy(q)),
  ];
}

export interface E2Config {
  /** estimators compared, each with its options */
  estimators: EstimatorSpec[];
  /** Adam steps per run */
  steps: number;
  /** seeds: runs per estimator and problem (the band is their min–max) */
  seeds: number[];
  /** Adam learning rate on the logits */
  learningRate: number;
  /** evaluate the exact objective every this many steps */
  evalEvery: number;
  /** exponents q of the polynomial toy */
  qs: number[];
}

const E2_ESTIMATORS: EstimatorSpec[] = [
  { name: 'st' },
  { name: 'darn' },
  { name: 'zgr' },
  { name: 'stZgr', options: { a: 0.5 } },
  { name: 'gs', options: { tau: 0.5 } },
  { name: 'stGs', options: { tau: 0.5 } },
  { name: 'grMck', options: { tau: 0.5, K: 10 } },
  { name: 'reinmax', options: { tau: 1.5 } },
  { name: 'reinforce' },
  { name: 'rloo', options: { M: 2 } },
];

const QUICK: E2Config = {
  estimators: E2_ESTIMATORS,
  steps: 300,
  seeds: [1, 2],
  learningRate: 0.05,
  evalEvery: 10,
  qs: [1.5, 2, 3],
};

export const E2_PROFILES: Record<ProfileName, E2Config> = {
  quick: QUICK,
  medium: QUICK, // no committed medium runs: the quick settings
  long: QUICK, // likewise
  paper: {
    estimators: E2_ESTIMATORS,
    steps: 2000,
    seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    learningRate: 0.05,
    evalEvery: 20,
    qs: [1.5, 2, 3],
  },
};

/** The training loss of one step: the sampled f through the estimator (its surrogate for a score-function one). */
export function stepLoss(spec: EstimatorSpec, problem: ToyProblem, logits: tf.Tensor, rng: Random): tf.Scalar {
  const r = resolveCategorical(spec, 'stepLoss');
  // [M, n, C] → [M]
  if (r.kind === 'score') return r.row.surrogate(logits, r.options, (onehot) => problem.f(onehot), rng) as tf.Scalar;
  return problem.f(sampleOp(r.row, logits, r.options, rng)) as tf.Scalar;
}

/** The exact objective along one training run: at steps 0, evalEvery, 2 evalEvery, …, steps. */
export function trainToy(
  problem: ToyProblem,
  spec: EstimatorSpec,
  config: E2Config,
  seed: number,
): { steps: number[]; objective: number[] } {
  const rng = Random.fromSeed(seed);
  const logits = tf.variable(tf.zeros([problem.numLatents, problem.C]));
  const optimizer = new Adam([logits], { lr: config.learningRate });
  const steps: number[] = [];
  const objective: number[] = [];
  const record = (step: number) => {
    const p = (logits.arraySync() as number[][]).map((l) => softmax(l));
    steps.push(step);
    objective.push(problem.objective(p));
  };
  try {
    record(0);
    for (let step = 1; step <= config.steps; step++) {
      optimizer.minimize(() => stepLoss(spec, problem, logits, rng));
      if (step % config.evalEvery === 0 || step === config.steps) record(step);
    }
  } finally {
    logits.dispose();
    optimizer.dispose();
  }
  return { steps, objective };
}

export interface E2Curve {
  problem: string;
  estimator: string;
  options: EstimatorOptions;
  label: string;
  colour: string;
  steps: number[];
  /** exact objective per seed, per recorded step */
  perSeed: number[][];
  mean: number[];
  min: number[];
  max: number[];
}

/** Every estimator of the config on one problem, over the config's seeds. */
export function runE2Problem(
  problem: ToyProblem,
  config: E2Config,
  onProgress?: (done: number, total: number) => void,
): E2Curve[] {
  const total = config.estimators.length * config.seeds.length;
  let done = 0;
  return config.estimators.map((spec) => {
    const runs = config.seeds.map((seed) => {
      const r = trainToy(problem, spec, config, seed);
      onProgress?.(++done, total);
      return r;
    });
    const perSeed = runs.map((r) => r.objective);
    const at = (k: number) => perSeed.map((o) => o[k]);
    const steps = runs[0].steps;
    const { label, colour } = estimatorStyle(spec);
    return {
      problem: problem.slug,
      estimator: spec.name,
      options: spec.options ?? {},
      label,
      colour,
      steps,
      perSeed,
      mean: steps.map((_, k) => at(k).reduce((a, b) => a + b, 0) / perSeed.length),
      min: steps.map((_, k) => Math.min(...at(k))),
      max: steps.map((_, k) => Math.max(...at(k))),
    };
  });
}

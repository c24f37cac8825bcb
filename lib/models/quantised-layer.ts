/**
 * A stochastic quantised layer (PAPER.md E5): each pre-activation a becomes one of L ordered
 * levels ℓ_0 < … < ℓ_{L−1}, chosen by a deterministic quantiser after logistic noise,
 *     level(a) = k  where  t_k ≤ a + s ε < t_{k+1},   ε ~ Logistic(0, 1),
 * with thresholds t_k = (ℓ_{k−1} + ℓ_k)/2 (midpoints; t_0 = −∞, t_L = +∞) and noise scale s
 * (default 1: for two levels the logit of the upper one is then (a − t_1) itself). So
 *     P(k) = σ((t_{k+1} − a)/s) − σ((t_k − a)/s),
 * a categorical variable whose logits η_k = log P(k) any registry estimator differentiates; the
 * layer's value is Σ_k ℓ_k onehot_k, and autodiff chains the estimate through dη/da. In log space,
 * from σ(u) − σ(w) = σ(u) σ(−w) (1 − e^{−(u−w)}) with u = (t_{k+1} − a)/s, w = (t_k − a)/s:
 *     η_k = log σ(u) + log σ(−w) + log(1 − e^{−(t_{k+1} − t_k)/s}),
 * the first term absent for k = L−1, the second for k = 0, the third for both; the third does
 * not depend on a. Every term is finite and accurate for any a (|a| ≫ 1e3 included).
 */
import * as tf from '@tensorflow/tfjs';
import { sampleOp } from '../estimators/registry';
import { gumbelMaxIndex, gumbelTensor } from '../estimators/sample';
import type { SampleLoss } from '../estimators/reinforce';
import type { ResolvedEstimator } from '../estimators/spec';
import type { Random } from '../random';

/** Levels of the presets, in increasing order. */
export const LEVEL_PRESETS = {
  /** sign units */
  binary: [-1, 1],
  /** on/off units */
  binary01: [0, 1],
  ternary: [-1, 0, 1],
  /** four equally spaced levels centred on 0 */
  twoBit: [-1.5, -0.5, 0.5, 1.5],
} as const;

export type LevelPreset = keyof typeof LEVEL_PRESETS;

export interface Quantiser {
  /** ℓ_0 < … < ℓ_{L−1} */
  levels: readonly number[];
  /** t_1 … t_{L−1}, the midpoints between neighbouring levels */
  thresholds: readonly number[];
  /** s, the scale of the logistic noise */
  noiseScale: number;
  /** log(1 − e^{−(t_{k+1} − t_k)/s}) for 0 < k < L−1, else 0: the part of η_k that is constant in a */
  gapLogs: readonly number[];
}

/** log(1 − e^{−d}) for d > 0 (Mächler's log1mexp: each branch where it is accurate). */
const log1mexp = (d: number): number => (d < Math.LN2 ? Math.log(-Math.expm1(-d)) : Math.log1p(-Math.exp(-d)));

/** log σ(x) = −softplus(−x), in float64. */
export const logSigmoid = (x: number): number => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

/** A quantiser from levels (a preset or increasing numbers) and the noise scale s. */
export function quantiser(levels: LevelPreset | readonly number[], noiseScale = 1): Quantiser {
  const ls = typeof levels === 'string' ? LEVEL_PRESETS[levels] : levels;
  if (ls == null)
    throw new Error(
      `quantiser: unknown level preset ${JSON.stringify(levels)} (presets: ${Object.keys(LEVEL_PRESETS).join(', ')})`,
    );
  if (!(ls.length >= 2 && ls.every((l, k) => Number.isFinite(l) && (k === 0 || l > ls[k - 1])))) {
    throw new Error(`quantiser: levels must be ≥ 2 finite numbers in increasing order, got [${ls}]`);
  }
  if (!(noiseScale > 0 && Number.isFinite(noiseScale)))
    throw new Error(`quantiser: noiseScale must be a finite number > 0, got ${noiseScale}`);
  const thresholds = ls.slice(1).map((l, k) => (ls[k] + l) / 2);
  const gapLogs = ls.map((_, k) =>
    k > 0 && k < ls.length - 1 ? log1mexp((thresholds[k] - thresholds[k - 1]) / noiseScale) : 0,
  );
  return { levels: [...ls], thresholds, noiseScale, gapLogs };
}

/** η = log P(level) of one pre-activation, float64: [L]. */
export function levelLogits64(a: number, q: Quantiser): number[] {
  const { levels, thresholds: t, noiseScale: s, gapLogs } = q;
  const L = levels.length;
  return levels.map(
    (_, k) => (k < L - 1 ? logSigmoid((t[k] - a) / s) : 0) + (k > 0 ? logSigmoid((a - t[k - 1]) / s) : 0) + gapLogs[k],
  );
}

/**
 * dη_k/da, float64: [L]. From d log σ(x)/dx = σ(−x),
 *     dη_k/da = (σ((t_k − a)/s) − σ((a − t_{k+1})/s)) / s,
 * the first term absent for k = 0, the second for k = L−1 (the gap is constant in a).
 */
export function levelLogitSlopes64(a: number, q: Quantiser): number[] {
  const { levels, thresholds: t, noiseScale: s } = q;
  const L = levels.length;
  const sigmoid = (x: number) => Math.exp(logSigmoid(x));
  return levels.map(
    (_, k) => ((k > 0 ? sigmoid((t[k - 1] - a) / s) : 0) - (k < L - 1 ? sigmoid((a - t[k]) / s) : 0)) / s,
  );
}

/**
 * The L−1 → L matrix that puts column j at column j + shift (shift 0 or 1); a matMul, because concat
 * along the last axis is slow on wasm.
 */
function shiftInto(L: number, shift: 0 | 1): tf.Tensor2D {
  return tf.tensor2d(
    Array.from({ length: (L - 1) * L }, (_, i) => (i % L === Math.floor(i / L) + shift ? 1 : 0)),
    [L - 1, L],
  );
}

/** η = log P(level) on tensors: a [...] → [..., L] (the tensor form of levelLogits64). */
export function levelLogits(a: tf.Tensor, q: Quantiser): tf.Tensor {
  return tf.tidy(() => {
    const L = q.levels.length;
    const z = a
      .reshape([-1, 1])
      .sub(tf.tensor1d(q.thresholds as number[]))
      .div(q.noiseScale); // (a − t_j)/s   [N, L−1]
    // log σ((t_{k+1} − a)/s) = −softplus(z_{k+1}) for k < L−1, log σ((a − t_k)/s) = −softplus(−z_k)
    // for k > 0, the constant gaps (not tf.logSigmoid: its gradient reads a disposed tensor)
    const upper = tf.softplus(z).matMul(shiftInto(L, 0)); //       [N, L]
    const lower = tf.softplus(z.neg()).matMul(shiftInto(L, 1)); // [N, L]
    return upper
      .add(lower)
      .neg()
      .add(tf.tensor1d(q.gapLogs as number[]))
      .reshape([...a.shape, L]);
  });
}

/** Σ_k ℓ_k onehot_k: the layer's value for a one-hot (or relaxed) choice [..., L] → [...]. */
export function levelValue(onehot: tf.Tensor, q: Quantiser): tf.Tensor {
  return tf.tidy(() => onehot.mul(tf.tensor1d(q.levels as number[])).sum(-1));
}

/** E[level] = Σ_k ℓ_k P(k): the deterministic "mean-field" value, a [...] → [...]. */
export function expectedLevel(a: tf.Tensor, q: Quantiser): tf.Tensor {
  return tf.tidy(() => levelValue(tf.exp(levelLogits(a, q)), q));
}

/**
 * The layer: a [...] → values [...], sampled with noise from `rng`, its gradient w.r.t. a the
 * estimator's (any registry row, resolved by spec.ts's resolveEstimator). A score-function
 * estimator needs the loss of each sample: use quantisedSurrogate. A binary row (binary.ts) needs
 * two levels: logit (a − t_1)/s = η_1 − η_0, sample b ∈ {0, 1}, value ℓ_0 + (ℓ_1 − ℓ_0) b; given
 * the same sample, binary ST and ZGR give the same gradient w.r.t. a as the categorical ST and ZGR
 * with L = 2 (claim C5); the sample has the same law, drawn from other noise (one logistic
 * instead of two Gumbels).
 */
export function quantise(a: tf.Tensor, q: Quantiser, estimator: ResolvedEstimator, rng: Random): tf.Tensor {
  return tf.tidy(() => {
    if (estimator.kind === 'binary') {
      if (q.levels.length !== 2)
        throw new Error(
          `quantise: binary estimator ${estimator.name} needs 2 levels, the quantiser has ${q.levels.length}`,
        );
      const [l0, l1] = q.levels;
      // P(upper) = σ((a − t_1)/s); value ℓ_0 + (ℓ_1 − ℓ_0) b
      const b = estimator.row.op(a.sub(q.thresholds[0]).div(q.noiseScale), estimator.options, { rng });
      return b.mul(l1 - l0).add(l0);
    }
    if (estimator.kind === 'score') {
      throw new Error(
        `quantise: ${estimator.name} is a score-function estimator; ` +
          'it needs the loss of each sample (quantisedSurrogate)',
      );
    }
    return levelValue(sampleOp(estimator.row, levelLogits(a, q), estimator.options, rng), q);
  });
}

/**
 * The surrogate loss of a score-function estimator (REINFORCE, RLOO) on one quantised layer:
 * `loss` maps the layer's values for M samples [M, ...a.shape] to per-sample losses [M, ...lead]
 * (reinforce.ts's SampleLoss, on values instead of one-hots).
 */
export function quantisedSurrogate(
  a: tf.Tensor,
  q: Quantiser,
  estimator: Extract<ResolvedEstimator, { kind: 'score' }>,
  loss: SampleLoss,
  rng: Random,
): tf.Tensor {
  return tf.tidy(() =>
    estimator.row.surrogate(levelLogits(a, q), estimator.options, (onehot) => loss(levelValue(onehot, q)), rng),
  );
}

/**
 * One draw of the layer for a score-function estimator on a whole net: a [N, ...] → the values
 * h [N, ...] of levels drawn by Gumbel-max from `rng` (constants: the gradient of a score-function
 * estimator goes through log q only), and log q(levels) [N], summed over the units of each row.
 * η is log P already; its log-softmax (as reinforce.ts takes) keeps log q normalised in float32.
 */
export function sampleLevels(a: tf.Tensor, q: Quantiser, rng: Random): { value: tf.Tensor; logProb: tf.Tensor } {
  return tf.tidy(() => {
    const eta = levelLogits(a, q); // [N, ..., L]
    const L = q.levels.length;
    const onehot = tf
      .oneHot(gumbelMaxIndex(eta, gumbelTensor(rng, eta.shape)).reshape([-1]), L)
      .reshape(eta.shape)
      .toFloat();
    let logProb = onehot.mul(tf.logSoftmax(eta)).sum(-1); // log q(level) per unit
    while (logProb.rank > 1) logProb = logProb.sum(-1);
    return { value: levelValue(onehot, q), logProb };
  });
}

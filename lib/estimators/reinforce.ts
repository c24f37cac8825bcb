/**
 * REINFORCE and RLOO (Kool et al. 2019; PAPER.md "Estimators"): score-function estimators, which
 * need the loss value f, not its gradient.
 *     REINFORCE:  g = f(e_x) (e_x − p)
 *     RLOO(M):    g = 1/(M−1) Σ_s (f_s − f̄) (e_{x_s} − p),   f̄ = (1/M) Σ_s f_s
 * In a model they are used through a surrogate loss (`reinforce`, `rloo`): a scalar whose value is
 * the Monte Carlo estimate of the objective and whose gradient w.r.t. the logits is the estimator.
 * Their coefficients (`reinforceCoefficients`, `rlooCoefficients`) and `scoreTerm` also serve a
 * joint sample of many variables, e.g. every layer of a quantised net (quantised-classifier.ts).
 * @example rlooGradient([0, 0], [0, 1], [1, 3])   // f̄ = 2 → [−1, 1]
 */
import * as tf from '@tensorflow/tfjs';
import { float64, type Field } from '../math/field';
import { softmax } from '../math/softmax';
import type { Random } from '../random';
import { gumbelMaxIndex, gumbelTensor, requireRng } from './sample';
import { checkIndex, checkLogitsArray, checkLogitsTensor, checkLossFinite, checkM, checkOptionNames } from './validate';

/** Σ_s c_s (e_{x_s} − p) in a field: the shared body of REINFORCE and RLOO. */
function scoreSum<T>(F: Field<T>, p: readonly T[], xs: readonly number[], c: readonly T[]): T[] {
  return p.map((pj, j) => {
    let g = F.zero;
    xs.forEach((x, s) => (g = F.add(g, F.mul(c[s], j === x ? F.sub(F.one, pj) : F.neg(pj)))));
    return g;
  });
}

/** REINFORCE in any field: g = f (e_x − p). */
export function reinforceGradientOf<T>(F: Field<T>, p: readonly T[], x: number, f: T): T[] {
  return scoreSum(F, p, [x], [f]);
}

/** RLOO(M) in any field, from M samples xs and their losses fs. */
export function rlooGradientOf<T>(F: Field<T>, p: readonly T[], xs: readonly number[], fs: readonly T[]): T[] {
  const M = F.fromNumber(fs.length);
  let mean = F.zero;
  for (const fs_ of fs) mean = F.add(mean, fs_);
  mean = F.div(mean, M); // f̄
  const c = fs.map((fsv) => F.div(F.sub(fsv, mean), F.sub(M, F.one))); // (f_s − f̄)/(M − 1)
  return scoreSum(F, p, xs, c);
}

/** REINFORCE gradient w.r.t. the logits, float64. */
export function reinforceGradient(logits: readonly number[], x: number, f: number): number[] {
  checkLogitsArray('reinforceGradient', logits);
  checkIndex('reinforceGradient', x, logits.length);
  if (!Number.isFinite(f)) throw new Error(`reinforceGradient: loss value f must be finite, got ${f}`);
  return reinforceGradientOf(float64, softmax(logits), x, f);
}

/** RLOO(M) gradient w.r.t. the logits, float64, from M sample indices and their loss values. */
export function rlooGradient(logits: readonly number[], xs: readonly number[], fs: readonly number[]): number[] {
  checkLogitsArray('rlooGradient', logits);
  checkM('rlooGradient', xs.length);
  if (fs.length !== xs.length)
    throw new Error(`rlooGradient: fs must have one loss per sample (M = ${xs.length}), got length ${fs.length}`);
  xs.forEach((x) => checkIndex('rlooGradient', x, logits.length));
  fs.forEach((f, s) => {
    if (!Number.isFinite(f)) throw new Error(`rlooGradient: loss values must be finite; fs[${s}], got ${f}`);
  });
  return rlooGradientOf(float64, softmax(logits), xs, fs);
}

/**
 * A loss of M samples: onehot [M, ...batch, C] → per-sample losses [M, ...lead], where `lead` is
 * a prefix of the batch dimensions (e.g. [M, B] for one loss per data point, or [M]). Every
 * latent variable in the remaining batch dimensions shares its lead element's loss.
 */
export type SampleLoss = (onehot: tf.Tensor) => tf.Tensor;

export interface ScoreOptions {
  rng: Random;
  /** number of samples (RLOO: ≥ 2; REINFORCE: ≥ 1, default 1) */
  M?: number;
}

/** The value with a zero gradient (tfjs has no stopGradient). */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as never) as (x: tf.Tensor) => tf.Tensor;

/**
 * The coefficients c_s of a score-function estimator, from its per-sample losses f [M, ...lead]
 * (M = f.shape[0]): its gradient is Σ_s c_s ∇ log q(x_s) (`scoreTerm`).
 */
export type ScoreCoefficients = (f: tf.Tensor) => tf.Tensor;

/** REINFORCE averaged over M samples: c_s = f_s / M (PAPER.md Estimators: REINFORCE). */
export const reinforceCoefficients: ScoreCoefficients = (f) => f.div(f.shape[0]);

/** RLOO(M): c_s = (f_s − f̄)/(M − 1), the leave-one-out baseline (PAPER.md Estimators: RLOO(M)). */
export const rlooCoefficients: ScoreCoefficients = (f) =>
  f.sub(f.mean(0, true)).div(checkM('rlooCoefficients', f.shape[0]) - 1);

/**
 * The score term of a joint sample: value 0, gradient Σ_s c_s ∇ log q(x_s), with c = coefficients(f)
 * held constant. logProb [M, ...lead] is log q(x_s) summed over everything sample s drew that shares
 * the loss f_s (one variable or a whole net's layers); f [M, ...lead] are the per-sample losses.
 */
export function scoreTerm(
  logProb: tf.Tensor,
  f: tf.Tensor,
  coefficients: ScoreCoefficients,
  where = 'scoreTerm',
): tf.Scalar {
  if (logProb.shape.length !== f.shape.length || logProb.shape.some((d, i) => d !== f.shape[i])) {
    throw new Error(
      `${where}: logProb and losses f must have the same shape [M, ...lead], got [${logProb.shape}] and [${f.shape}]`,
    );
  }
  checkLossFinite(where, f);
  return tf.tidy(() => {
    const c = stopGradient(coefficients(stopGradient(f))); // [M, ...lead]
    return c.mul(logProb.sub(stopGradient(logProb))).sum() as tf.Scalar;
  });
}

/** Surrogate for a score-function estimator: value Σ_lead mean_s f_s; logits get Σ_s c_s (e_{x_s} − p). */
function scoreSurrogate(
  where: string,
  logits: tf.Tensor,
  rng: Random,
  M: number,
  loss: SampleLoss,
  coefficients: ScoreCoefficients,
): tf.Tensor {
  const C = checkLogitsTensor(where, logits);
  if (typeof loss !== 'function')
    throw new Error(`${where}: loss must be a function of the one-hot samples, got ${loss}`);
  return tf.tidy(() => {
    const shape = [M, ...logits.shape];
    const onehot = tf
      .oneHot(gumbelMaxIndex(logits, gumbelTensor(requireRng(where, rng, 'nothing'), shape)).reshape([-1]), C)
      .reshape(shape)
      .toFloat(); // [M, ...batch, C]
    const f = loss(onehot); // [M, ...lead]
    const lead = f.shape.slice(1);
    if (f.shape[0] !== M || lead.some((d, i) => d !== logits.shape[i])) {
      throw new Error(
        `${where}: loss must return shape [M, ...lead] with lead a prefix of [${logits.shape.slice(0, -1)}] ` +
          `(M = ${M}), got [${f.shape}]`,
      );
    }
    let logpx = onehot.mul(tf.logSoftmax(logits)).sum(-1); // log p(x_s)   [M, ...batch]
    while (logpx.rank > f.rank) logpx = logpx.sum(-1); //     summed over latents sharing a loss
    // its gradient w.r.t. the logits: Σ_s c_s ∇ log p(x_s) = Σ_s c_s (e_{x_s} − p)
    return f
      .mean(0)
      .sum()
      .add(scoreTerm(logpx, f, coefficients, where));
  });
}

/** REINFORCE surrogate loss (averaged over M samples, no baseline); see `SampleLoss`. */
export function reinforce(logits: tf.Tensor, options: ScoreOptions, loss: SampleLoss): tf.Tensor {
  options = checkOptionNames('reinforce', options, ['rng', 'M']);
  const M = options.M ?? 1;
  if (!Number.isInteger(M) || M < 1) throw new Error(`reinforce: option M must be an integer ≥ 1, got ${M}`);
  return scoreSurrogate('reinforce', logits, options.rng, M, loss, reinforceCoefficients);
}

/** RLOO(M) surrogate loss: mean loss over M samples, gradient with the leave-one-out baseline. */
export function rloo(logits: tf.Tensor, options: ScoreOptions, loss: SampleLoss): tf.Tensor {
  options = checkOptionNames('rloo', options, ['rng', 'M']);
  const M = checkM('rloo', options.M);
  return scoreSurrogate('rloo', logits, options.rng, M, loss, rlooCoefficients);
}

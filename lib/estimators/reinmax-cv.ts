/**
 * ReinMax-CV (Wang & Bui 2026, "Beyond ReinMax"; PAPER.md E3): ReinMax plus η times a control
 * variate, Gumbel-Rao minus ST-GS, both at θ_D = log((p + e_x)/2) and temperature τ.
 *     θ_D = log((p + e_x) / 2),   s^k = θ_D + G^k,   G^k ~ Gumbel | argmax(θ_D + G) = x   (k = 1 … K)
 *     g = ReinMax(1)ᵀ v + η [ (1/K) Σ_k J_τ(s^k) − J_τ(θ_D + G) ]ᵀ v
 *     J_τ(s) = J(softmax(s / τ)) / τ,   J(q) = diag(q) − q qᵀ,   G: the sample's own noise, x = argmax(logits + G)
 * ReinMax's term is at τ = 1, where it equals ZGR; η = 0 is ReinMax(τ = 1). The GR term has its own
 * K draws; the ST-GS term uses the sample's noise. Source, and where ours departs from it (we add
 * G, not the relaxed sample; J_τ in both terms): PAPER.md "Provenance of the E3 peers".
 * @example reinmaxCvGradient([1, 0], 0, [1, 0], {tau: 0.7, K: 1, eta: 1.5}, [0.5, 0], [[1, 1]]) // → [0.1587, −0.1587]
 */
import * as tf from '@tensorflow/tfjs';
import { checkNoiseShape, temperedJacobianProduct, temperedJacobianProductTensor } from './gs';
import { conditionalGumbelTensor, grMckGradient } from './gr-mck';
import { reinmaxBackward, reinmaxGradient } from './reinmax';
import { thetaD, thetaDTensor } from './reinmax-rao';
import {
  drawOneHot,
  exponentialTensor,
  gumbelMaxIndex,
  gumbelTensor,
  heldConstant,
  requireRng,
  straightThrough,
  type SampleOptions,
} from './sample';
import {
  checkEta,
  checkExponentialRows,
  checkIndex,
  checkK,
  checkLogitsArray,
  checkLogitsTensor,
  checkOptionNames,
  checkTemperature,
  checkVector,
} from './validate';

export interface ReinmaxCvOptions extends SampleOptions {
  /** temperature of both Jacobians of the control variate, > 0 */
  tau: number;
  /** number of conditional perturbations of the GR term, integer ≥ 1 */
  K: number;
  /** weight of the control variate, finite (0: ReinMax at τ = 1) */
  eta: number;
  /** the sample's Gumbel noise [..., C]: x = argmax(logits + G) (else drawn from rng; required with a given x) */
  gumbel?: tf.Tensor;
  /** given Exp(1) noise [K, ..., C] for the conditional draw at θ_D (else drawn from rng) */
  exponentials?: tf.Tensor;
}

/** ReinMax-CV gradient w.r.t. the logits, float64, given the sample's Gumbel noise and K rows of Exp(1) noise. */
export function reinmaxCvGradient(
  logits: readonly number[],
  x: number,
  v: readonly number[],
  options: { tau: number; K: number; eta: number },
  gumbel: readonly number[],
  exponentials: readonly (readonly number[])[],
): number[] {
  checkLogitsArray('reinmaxCvGradient', logits);
  checkIndex('reinmaxCvGradient', x, logits.length);
  checkVector('reinmaxCvGradient', 'v', v, logits.length);
  checkVector('reinmaxCvGradient', 'gumbel', gumbel, logits.length);
  const tau = checkTemperature('reinmaxCvGradient', 'tau', options?.tau);
  const K = checkK('reinmaxCvGradient', options?.K);
  const eta = checkEta('reinmaxCvGradient', options?.eta);
  checkExponentialRows('reinmaxCvGradient', K, exponentials, logits.length);
  const theta = thetaD(logits, x);
  const gr = grMckGradient(theta, x, v, { tau, K }, exponentials); //                   (1/K) Σ_k J_τ(s^k)ᵀ v
  const stGs = temperedJacobianProduct(
    theta.map((t, j) => t + gumbel[j]),
    v,
    tau,
  ); // J_τ(θ_D + G)ᵀ v
  return reinmaxGradient(logits, x, v, { tau: 1 }).map((r, j) => r + eta * (gr[j] - stGs[j]));
}

/** ReinMax-CV categorical sampler: one-hot sample [..., C]; its gradient is ReinMax-CV's. */
export function reinmaxCv(logits: tf.Tensor, options: ReinmaxCvOptions): tf.Tensor {
  options = checkOptionNames('reinmaxCv', options, ['rng', 'x', 'gumbel', 'tau', 'K', 'eta', 'exponentials']);
  const C = checkLogitsTensor('reinmaxCv', logits);
  const tau = checkTemperature('reinmaxCv', 'tau', options.tau);
  const K = checkK('reinmaxCv', options.K);
  const eta = checkEta('reinmaxCv', options.eta);
  if (options.x != null && options.gumbel == null)
    throw new Error('reinmaxCv: option gumbel is required with a given sample x (G is the noise that drew x)');
  return tf.tidy(() => {
    // the sample's noise first, then the conditional draw's: the order of the registry's sampleOp
    const G = options.gumbel ?? gumbelTensor(requireRng('reinmaxCv', options.rng, 'gumbel'), logits.shape); // [..., C]
    checkNoiseShape('reinmaxCv', 'gumbel', G, logits.shape);
    const onehot = drawOneHot('reinmaxCv', logits, C, { x: options.x ?? gumbelMaxIndex(logits, G) }); // [..., C]
    const shape = [K, ...logits.shape];
    const E = options.exponentials ?? exponentialTensor(requireRng('reinmaxCv', options.rng, 'exponentials'), shape);
    checkNoiseShape('reinmaxCv', 'exponentials', E, shape);
    // both perturbations at θ_D are held constant: built off the tape, they enter as inputs whose gradient is dropped
    const theta = heldConstant(() => thetaDTensor(logits, onehot)); // [..., C]
    const s = heldConstant(() => conditionalGumbelTensor(theta, onehot, E)); // [K, ..., C]
    const sG = heldConstant(() => theta.add(G)); //                  θ_D + G   [..., C]
    return straightThrough([logits, onehot, s, sG], onehot, (dy, [l, e, sk, sg]) => {
      const cv = temperedJacobianProductTensor(sk, dy, tau)
        .mean(0)
        .sub(temperedJacobianProductTensor(sg, dy, tau)); // [..., C]
      return reinmaxBackward(l, e, dy, 1).add(cv.mul(eta));
    });
  });
}

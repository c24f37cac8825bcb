/**
 * E5's exact gradient quality (PAPER.md E5: "on a network small enough to enumerate, the same
 * bias-variance analysis as E4"): a QuantisedMlp with one quantised layer of n units (L levels
 * each) between a fixed batch x [B, D] and a linear-softmax output,
 *     a_b = x_b W_1 + b_1,   h = Σ_k ℓ_k onehot_k,   f_b(h) = −log softmax(h W_2 + b_2)_{y_b},
 *     J = (1/B) Σ_b E_{z~q(a_b)} f_b(h(z)),   q(a) = Π_i Cat(softmax(η(a_i)))   (quantised-layer.ts)
 * enumerated over the L^n joint states of each image with the sums of lib/exact/ — the VAE's
 * route (vae-exact.ts), with f and v = ∂f/∂onehot at every state supplied here in float64:
 *     v_ik = ℓ_k (W_2 (softmax(o) − e_y))_i,   o = h W_2 + b_2.
 * Two coordinate systems: the level logits η (lib/exact/family-quality.ts `logitMoments` on
 * `blocks`), and the pre-activations a, reached through dη/da, which is diagonal in the unit: with
 * j_ik = dη_ik/da_i the map is a weight space of lib/exact/weight-moments.ts with the Gram block
 *     K[(i, k), (i', k')] = δ_ii' j_ik j_ik',   and vector-Jacobian product (Jᵀu)_i = Σ_k j_ik u_ik.
 */
import * as tf from '@tensorflow/tfjs';
import { jointStates, numJointStates } from '../exact/enumerate';
import type { Moments } from '../exact/estimator-moments';
import type { Block, MomentSource } from '../exact/family-quality';
import { latentSums } from '../exact/latent-sums';
import type { ConditionalMonteCarlo } from '../exact/latent-moments';
import {
  latentPairSums,
  sampleFunctionWeightMoments,
  weightMoments,
  weightSpaceMoments,
  type WeightImage,
} from '../exact/weight-moments';
import type { EstimatorOptions } from '../estimators/registry';
import { logSumExp, softmax } from '../math/softmax';
import { relativeError } from '../math/vector';
import { crossEntropy } from './quantised-classifier';
import { levelLogitSlopes64, levelLogits, levelLogits64, levelValue, type Quantiser } from './quantised-layer';
import type { QuantisedMlp } from './quantised-mlp';
import { readAfterTidy } from './read';
import { MAX_STATES, stateOneHots } from './vae-exact';

export interface QuantisedStates {
  B: number;
  /** quantised units */
  n: number;
  /** levels per unit */
  L: number;
  /** a, [B·n] */
  preActivations: Float64Array;
  /** per image: the sums over the states and the level logits η [n][L] (the logit coordinates) */
  blocks: Block[];
  /** per image: sums, pair sums, logits and the Gram block of dη/da (the pre-activation coordinates) */
  images: WeightImage[];
  /** dη_ik/da_i, [B·n·L] */
  slopes: Float64Array;
  /** J, nats per image */
  objective: number;
  /** ∂J/∂η, (1/B) E[f_b (e_z − p_b)], [B·n·L] */
  gradient: Float64Array;
  /** ∂J/∂a, [B·n] */
  preActivationGradient: Float64Array;
}

/** The net's quantiser, levels per unit L and units n, once it is checked to be enumerable with these labels. */
function checkNet(net: QuantisedMlp, labels: ArrayLike<number>, B: number): { q: Quantiser; L: number; n: number } {
  if (net.layers.length !== 2)
    throw new Error(`quantisedStates: the net must have one quantised layer, it has ${net.layers.length - 1}`);
  const n = net.layers[0].W.shape[1] as number;
  const S = numJointStates(new Array<number>(n).fill(net.quantiser.levels.length));
  if (!(S <= MAX_STATES))
    throw new Error(
      `quantisedStates: ${net.quantiser.levels.length}^${n} = ${S} states is more than ${MAX_STATES} to enumerate`,
    );
  const K = net.layers[1].W.shape[1] as number;
  if (labels.length !== B || Array.from(labels).some((y) => !(Number.isInteger(y) && y >= 0 && y < K))) {
    throw new Error(`quantisedStates: labels must be ${B} integers in [0, ${K}), got [${Array.from(labels)}]`);
  }
  return { q: net.quantiser, L: net.quantiser.levels.length, n };
}

/** f_b and v_b = ∂f_b/∂onehot at every state of one image: f [S], v [S·n·L], in the order of `jointStates`. */
function statesOfImage(
  levels: readonly number[],
  n: number,
  W2: Float32Array,
  b2: Float32Array,
  y: number,
): { f: Float64Array; v: Float64Array } {
  const L = levels.length;
  const K = b2.length;
  const S = numJointStates(new Array<number>(n).fill(L));
  const f = new Float64Array(S);
  const v = new Float64Array(S * n * L);
  const o = new Array<number>(K);
  let s = 0;
  for (const digits of jointStates(new Array<number>(n).fill(L))) {
    // o = h W_2 + b_2
    for (let c = 0; c < K; c++) {
      o[c] = b2[c];
      for (let i = 0; i < n; i++) o[c] += levels[digits[i]] * W2[i * K + c];
    }
    f[s] = logSumExp(o) - o[y];
    // ∂f/∂h_i = Σ_c W_2[i, c] (softmax(o) − e_y)_c;  v_ik = ℓ_k ∂f/∂h_i
    const r = softmax(o).map((pc, c) => pc - (c === y ? 1 : 0));
    for (let i = 0; i < n; i++) {
      let dh = 0;
      for (let c = 0; c < K; c++) dh += W2[i * K + c] * r[c];
      for (let k = 0; k < L; k++) v[(s * n + i) * L + k] = levels[k] * dh;
    }
    s++;
  }
  return { f, v };
}

/** The sums over all joint states of every image of the batch `x` [B, D] with labels `labels` (see the module doc). */
export function quantisedStates(net: QuantisedMlp, x: tf.Tensor2D, labels: ArrayLike<number>): QuantisedStates {
  const B = x.shape[0];
  const { q, L, n } = checkNet(net, labels, B);
  const a = Float64Array.from(readAfterTidy(() => net.stages[0](x)));
  const W2 = net.layers[1].W.dataSync() as Float32Array;
  const b2 = net.layers[1].b.dataSync() as Float32Array;
  const slopes = new Float64Array(B * n * L);
  const gradient = new Float64Array(B * n * L);
  const preActivationGradient = new Float64Array(B * n);
  const blocks: Block[] = [];
  const images: WeightImage[] = [];
  let objective = 0;
  for (let b = 0; b < B; b++) {
    const logits = Array.from({ length: n }, (_, i) => levelLogits64(a[b * n + i], q));
    const p = logits.map((eta) => eta.map(Math.exp));
    const { f, v } = statesOfImage(q.levels, n, W2, b2, labels[b]);
    const state = (s: number) => ({ f: f[s], v: v.subarray(s * n * L, (s + 1) * n * L) });
    const sums = latentSums(p, state);
    // K = blockdiag_i(j_i j_iᵀ), j_i = dη_i/da_i
    const gram = new Float64Array((n * L) ** 2);
    for (let i = 0; i < n; i++) {
      const j = levelLogitSlopes64(a[b * n + i], q);
      slopes.set(j, (b * n + i) * L);
      for (let k = 0; k < L; k++) for (let k2 = 0; k2 < L; k2++) gram[(i * L + k) * n * L + i * L + k2] = j[k] * j[k2];
    }
    blocks.push({ sums, logits });
    images.push({ sums, pairs: latentPairSums(p, state), logits, gram });
    sums.gradient.forEach((g, i) => (gradient[b * n * L + i] = g / B));
    objective += sums.objective / B;
  }
  preActivationGradient.set(preActivationVjp(slopes, L)(gradient));
  return { B, n, L, preActivations: a, blocks, images, slopes, objective, gradient, preActivationGradient };
}

/** u [B·n·L] (a covector on η) ↦ Jᵀu [B·n] on the pre-activations: (Jᵀu)_{b,i} = Σ_k j_{b,i,k} u_{b,i,k}. */
export function preActivationVjp(slopes: Float64Array, L: number): (u: Float64Array) => Float64Array {
  return (u) => {
    if (u.length !== slopes.length)
      throw new Error(`preActivationVjp: upstream has length ${u.length}, expected ${slopes.length}`);
    const out = new Float64Array(slopes.length / L);
    for (let i = 0; i < out.length; i++) for (let k = 0; k < L; k++) out[i] += slopes[i * L + k] * u[i * L + k];
    return out;
  };
}

/**
 * Every estimator's moments w.r.t. the pre-activations of the batch mean (family-quality.ts's
 * MomentSource, for familyQuality): weight-moments.ts with dη/da as the Jacobian.
 */
export function preActivationMoments(states: QuantisedStates, mc: ConditionalMonteCarlo): MomentSource {
  return weightMoments(states.images, preActivationVjp(states.slopes, states.L), mc);
}

/**
 * The exact moments [B·n] of an estimator that is a function of the sample, w.r.t. the
 * pre-activations, in their own coordinates.
 */
export function preActivationSampleFunctionMoments(
  states: QuantisedStates,
  name: string,
  options: EstimatorOptions = {},
): Moments {
  return weightSpaceMoments(
    sampleFunctionWeightMoments(states.images, name, options),
    states.B,
    preActivationVjp(states.slopes, states.L),
  );
}

/**
 * The same objective J written on tensors and differentiated by tf.grad (float32), w.r.t. the
 * pre-activations and w.r.t. the level logits: an independent route to both exact gradients.
 *     J = (1/B) Σ_b Σ_z exp(⟨onehot(z), log softmax(η_b)⟩) f_b(z)
 * (log softmax(η) = η in value, as η = log P already; in the gradient it makes η logits of a
 * softmax, the coordinates every estimator works in, whose gradient sums to 0 per unit).
 */
export function quantisedAutodiffGradient(
  net: QuantisedMlp,
  x: tf.Tensor2D,
  labels: ArrayLike<number>,
): { objective: number; preActivationGradient: Float32Array; gradient: Float32Array } {
  const B = x.shape[0];
  const { q, L, n } = checkNet(net, labels, B);
  const parts = tf.tidy(() => {
    const states = stateOneHots(L, n); //                                                    [S, n·L]
    const S = states.shape[0];
    const logitsAtStates = net.stages[1](levelValue(states.reshape([S, n, L]), q)); //      [S, classes]
    const f = tf.stack(
      Array.from({ length: B }, (_, b) => crossEntropy(logitsAtStates, tf.fill([S], labels[b], 'int32'))),
    ); // [B, S]
    const J = (eta: tf.Tensor) =>
      tf
        .exp(
          tf
            .logSoftmax(eta)
            .reshape([B, n * L])
            .matMul(states.transpose()),
        )
        .mul(f)
        .sum(1)
        .mean(); // log q_b(z)
    const a = net.stages[0](x); //                                                          [B, n]
    const eta = levelLogits(a, q);
    return {
      objective: J(eta),
      preActivationGradient: tf.grad((t: tf.Tensor) => J(levelLogits(t, q)))(a),
      gradient: tf.grad(J)(eta),
    };
  });
  // read after the scope (readAfterTidy, read.ts)
  try {
    return {
      objective: parts.objective.dataSync()[0],
      preActivationGradient: parts.preActivationGradient.dataSync() as Float32Array,
      gradient: parts.gradient.dataSync() as Float32Array,
    };
  } finally {
    tf.dispose(Object.values(parts));
  }
}

/**
 * Relative errors of the enumerated objective and of both gradients against tf.grad (float32) of the
 * same objective.
 */
export function quantisedExactGradientErrors(
  states: QuantisedStates,
  net: QuantisedMlp,
  x: tf.Tensor2D,
  labels: ArrayLike<number>,
): { objective: number; preActivations: number; levelLogits: number } {
  const brute = quantisedAutodiffGradient(net, x, labels);
  return {
    objective: Math.abs(states.objective - brute.objective) / Math.abs(brute.objective),
    preActivations: relativeError(states.preActivationGradient, brute.preActivationGradient),
    levelLogits: relativeError(states.gradient, brute.gradient),
  };
}

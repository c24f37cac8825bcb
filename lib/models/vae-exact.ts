/**
 * The VAE's batch loss over all C^L joint latent states (PAPER.md E4): for a batch x [B, D],
 *     J(η) = (1/B) Σ_b ( E_{z~q_b} f_b(z) + KL(q_b ‖ uniform) ),   f_b(z) = −log p(x_b | z),
 * with, per image, the sums of lib/exact/latent-sums.ts over the states (f_b(z), and
 * v_b(z) = ∂f_b/∂z at the one-hot state, what backprop delivers to the sample), from which the
 * exact gradient ∂E f_b/∂η_b = E[f_b (e_z − p_b)] and every estimator's exact moments follow.
 * The decoder does not depend on the image: it is evaluated once on all states, and
 *     f_b(z) = Σ_pixels softplus(y_z) − y_z · x_b   for every image at once.
 * The KL part is exact and the same for every estimator: ∂KL_b/∂η_blc = p_blc (log p_blc − Σ_c' p log p).
 */
import * as tf from '@tensorflow/tfjs';
import { jointStates, numJointStates } from '../exact/enumerate';
import type { Block } from '../exact/family-quality';
import { latentSums } from '../exact/latent-sums';
import { latentPairSums, type WeightImage } from '../exact/weight-moments';
import { softmax } from '../math/softmax';
import { relativeError } from '../math/vector';
import { encoderGram } from './encoder-gram';
import { readAfterTidy } from './read';
import { klToUniform, reconstructionLoss, type Vae } from './vae';

/** Most joint states enumerated (C^L). */
export const MAX_STATES = 1 << 16;

export interface VaeStates {
  B: number;
  L: number;
  C: number;
  /** per image: the sums over the states and the encoder logits [L][C] */
  blocks: Block[];
  /** J(η), nats per image */
  objective: number;
  /** ∂J/∂η of the reconstruction part, (1/B) E[f_b (e_z − p_b)], [B·L·C] */
  reconstructionGradient: Float64Array;
  /** ∂J/∂η of the KL part, [B·L·C] */
  klGradient: Float64Array;
  /** with `weights`: per image, the pair sums and the encoder's Gram block (lib/exact/weight-moments.ts) */
  weightImages?: WeightImage[];
}

/** All C^L states as one-hot rows [S, L·C], in the order of `jointStates` (l = 0 most significant). */
export function stateOneHots(C: number, L: number): tf.Tensor2D {
  const S = numJointStates(new Array<number>(L).fill(C));
  if (!(S <= MAX_STATES))
    throw new Error(`VAE states: C^L = ${C}^${L} = ${S} states is more than ${MAX_STATES} to enumerate`);
  const onehots = new Float32Array(S * L * C);
  let s = 0;
  for (const digits of jointStates(new Array<number>(L).fill(C))) {
    digits.forEach((d, l) => (onehots[(s * L + l) * C + d] = 1));
    s++;
  }
  return tf.tensor2d(onehots, [S, L * C]);
}

/**
 * The sums over all latent states of every image of `x` [B, D] (see the module doc); with
 * `weights`, also what the moments w.r.t. the encoder weights need (pair sums, Gram blocks).
 */
export function vaeStates(vae: Vae, x: tf.Tensor2D, options: { weights?: boolean } = {}): VaeStates {
  const { C, numLatents: L } = vae;
  const B = x.shape[0];
  const states = stateOneHots(C, L);
  const S = states.shape[0];
  try {
    const logitsFlat = readAfterTidy(() => vae.encode(x)); // [B, L, C]
    // f_b(z) for every state and image, [S, B]
    const f = readAfterTidy(() => {
      const y = vae.decode(states); // [S, D]
      return tf.softplus(y).sum(-1, true).sub(y.matMul(x.transpose()));
    });
    const v = upstreamAtStates(vae, states, x); // [B][S·L·C]
    const gram = options.weights ? encoderGram(vae, x) : null;
    const weightImages: WeightImage[] = [];
    const blocks: Block[] = [];
    const reconstructionGradient = new Float64Array(B * L * C);
    const klGradient = new Float64Array(B * L * C);
    let objective = 0;
    for (let b = 0; b < B; b++) {
      const logits = Array.from({ length: L }, (_, l) =>
        Array.from(logitsFlat.subarray((b * L + l) * C, (b * L + l + 1) * C)),
      );
      const p = logits.map((eta) => softmax(eta));
      const state = (s: number) => ({ f: f[s * B + b], v: v[b].subarray(s * L * C, (s + 1) * L * C) });
      const sums = latentSums(p, state);
      blocks.push({ sums, logits });
      if (gram) weightImages.push({ sums, pairs: latentPairSums(p, state), logits, gram: gram[b] });
      sums.gradient.forEach((g, i) => (reconstructionGradient[b * L * C + i] = g / B));
      // KL_b = Σ_l (Σ_c p log p + log C)
      let kl = 0;
      p.forEach((pl, l) => {
        const plogp = pl.reduce((acc, pc) => acc + (pc > 0 ? pc * Math.log(pc) : 0), 0);
        kl += plogp + Math.log(C);
        pl.forEach((pc, c) => (klGradient[(b * L + l) * C + c] = (pc > 0 ? pc * (Math.log(pc) - plogp) : 0) / B));
      });
      objective += (sums.objective + kl) / B;
    }
    return { B, L, C, blocks, objective, reconstructionGradient, klGradient, ...(gram ? { weightImages } : {}) };
  } finally {
    states.dispose();
  }
}

/**
 * v_b(z) = ∂f_b/∂z at every state z for every image b, [B][S·L·C], without a backward pass per
 * image (B × S rows): with y the decoder's logits and J = ∂y/∂z,
 *     ∂f_b/∂z = Jᵀ (σ(y) − x_b) = ∂/∂z Σ softplus(y)  −  Jᵀ x_b,
 * the first term once for all images, the second by pushing x_b back through the decoder: its
 * last layer is linear (u_b = x_b W_lastᵀ, the same for every state) and each hidden layer
 * multiplies by the state's ReLU mask and Wᵀ. test/models/vae-exact.test.ts holds it equal to
 * tf.grad per image.
 */
export function upstreamAtStates(vae: Vae, states: tf.Tensor2D, x: tf.Tensor2D, imagesPerChunk = 8): Float32Array[] {
  const B = x.shape[0];
  const S = states.shape[0];
  const layers = vae.decoder;
  const out: Float32Array[] = [];
  // the scope returns nothing: the arrays read in it are not walked by tidy
  tf.tidy(() => {
    // ReLU masks of the hidden layers at every state, [S, H_i]
    const masks: tf.Tensor[] = [];
    let h: tf.Tensor = states;
    layers.slice(0, -1).forEach((l) => {
      const pre = h.matMul(l.W).add(l.b);
      masks.push(pre.greater(0).toFloat());
      h = tf.relu(pre);
    });
    const shared = tf.grad((z: tf.Tensor) => tf.softplus(vae.decode(z)).sum())(states); // [S, L·C]
    const Wt = layers.map((l) => tf.transpose(l.W)); // explicit transposes: fast on wasm (PLATFORM.md)
    for (let b0 = 0; b0 < B; b0 += imagesPerChunk) {
      const Bc = Math.min(imagesPerChunk, B - b0);
      const part = readAfterTidy(() => {
        let g = x.slice([b0, 0], [Bc, -1]).matMul(Wt[layers.length - 1]); // u_b = x_b W_lastᵀ    [Bc, H]
        g = masks[masks.length - 1].expandDims(1).mul(g.expandDims(0)); //                     [S, Bc, H]
        for (let i = layers.length - 2; i >= 1; i--) {
          const H = Wt[i].shape[1] as number;
          g = g
            .reshape([S * Bc, -1])
            .matMul(Wt[i])
            .reshape([S, Bc, H])
            .mul(masks[i - 1].expandDims(1)); // [S, Bc, H_{i−1}]
        }
        const jx = g
          .reshape([S * Bc, -1])
          .matMul(Wt[0])
          .reshape([S, Bc, -1]); //             Jᵀ x_b  [S, Bc, L·C]
        return shared.expandDims(1).sub(jx).transpose([1, 0, 2]); //  [Bc, S, L·C]
      });
      const n = S * shared.shape[1]!;
      for (let k = 0; k < Bc; k++) out.push(part.slice(k * n, (k + 1) * n));
    }
  });
  return out;
}

/**
 * The same objective J(η) written directly on tensors and differentiated by tf.grad (float32):
 * an independent route to ∂J/∂η for checking the enumeration (lib/checks/e4-exact-gradient.ts).
 * log q_b(z) = ⟨onehot(z), log softmax(η_b)⟩.
 */
export function autodiffGradient(vae: Vae, x: tf.Tensor2D): { objective: number; gradient: Float32Array } {
  const { C, numLatents: L } = vae;
  const B = x.shape[0];
  const { objective, gradient } = tf.tidy(() => {
    const states = stateOneHots(C, L);
    const y = vae.decode(states); // [S, D]
    const f = tf.softplus(y).sum(-1).expandDims(0).sub(x.matMul(y.transpose())); // [B, S]
    // Σ_z q(z) c = c for any constant: centring f per image keeps float32 from cancelling
    // (f ≈ 500 nats, its variation over z a few) without changing J's gradient
    const centre = f.mean(1, true); // [B, 1]
    const J = (eta: tf.Tensor) => {
      const logq = tf
        .logSoftmax(eta)
        .reshape([B, L * C])
        .matMul(states.transpose()); // [B, S]
      return tf
        .exp(logq)
        .mul(f.sub(centre))
        .sum(1)
        .add(centre.reshape([B]))
        .add(klToUniform(eta))
        .mean();
    };
    const eta = vae.encode(x);
    return { objective: J(eta), gradient: tf.grad(J)(eta) };
  });
  try {
    return { objective: objective.dataSync()[0], gradient: gradient.dataSync() as Float32Array };
  } finally {
    tf.dispose([objective, gradient]);
  }
}

/**
 * E4's exact-gradient check, measured: relative errors of the enumerated objective and gradient
 * against autodiff (judged by e4ExactGradientCheck).
 */
export function e4ExactGradientErrors(vae: Vae, x: tf.Tensor2D): { objective: number; gradient: number } {
  const exact = vaeStates(vae, x);
  const brute = autodiffGradient(vae, x);
  const enumerated = Array.from(brute.gradient, (_g, i) => exact.reconstructionGradient[i] + exact.klGradient[i]);
  return {
    objective: Math.abs(exact.objective - brute.objective) / Math.abs(brute.objective),
    gradient: relativeError(enumerated, brute.gradient),
  };
}

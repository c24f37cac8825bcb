/**
 * How the VAE uses its latent code (PAPER.md E3: a gap between estimators is a finding to explain
 * by the code's usage), measured on a set of images from the encoder's q(z|x) alone, no sampling:
 *     KL per image        (1/N) Σ_n KL(q_n ‖ uniform), against its ceiling L log C
 *     mean max q          (1/(N L)) Σ_n Σ_l max_c q_nlc     (1/C: uniform; 1: deterministic)
 *     code perplexity_l   exp(H(q̄_l)),  q̄_l = (1/N) Σ_n q_nl   (how many of C codes latent l uses, 1..C)
 * An encoder that is nearly deterministic (max q → 1, KL → its ceiling) and uses few codes per
 * latent (perplexity ≪ C) has stopped exploring: that is what the diagnostics are to show.
 */
import * as tf from '@tensorflow/tfjs';
import { klToUniform, type Vae } from './vae';

export interface LatentUsage {
  /** mean KL(q(z|x) ‖ uniform) per image (nats) */
  klPerImage: number;
  /** its ceiling L log C (nats): q deterministic */
  klCeiling: number;
  /** mean over images and latents of q's largest entry */
  meanMaxQ: number;
  /** per latent, the perplexity of the aggregate posterior q̄_l: codes in use, 1..C */
  codePerplexity: number[];
}

/** Perplexity exp(H(q)) of a probability vector (0 log 0 = 0). */
export function perplexity(q: ArrayLike<number>): number {
  let h = 0;
  for (let c = 0; c < q.length; c++) if (q[c] > 0) h -= q[c] * Math.log(q[c]);
  return Math.exp(h);
}

/**
 * The latent usage of `vae` on images [N, 784] (float32, row-major), in chunks of `chunk` images;
 * one asynchronous read of the device at the end (nothing on the training path reads synchronously).
 */
export async function latentUsage(vae: Vae, images: Float32Array, chunk = 1000): Promise<LatentUsage> {
  const { numLatents: L, C } = vae;
  const N = images.length / vae.inputSize;
  if (!(Number.isInteger(N) && N >= 1)) {
    throw new Error(
      `latentUsage: images must hold a positive whole number of ${vae.inputSize}-pixel images, ` +
        `got ${images.length} values`,
    );
  }
  // running sums on the device: [KL, max q] and q summed over images [L, C]
  let sums = tf.zeros([2]);
  let qSum = tf.zeros([L, C]);
  for (let from = 0; from < N; from += chunk) {
    const n = Math.min(chunk, N - from);
    const [nextSums, nextQ] = tf.tidy(() => {
      const x = tf.tensor2d(images.subarray(from * vae.inputSize, (from + n) * vae.inputSize), [n, vae.inputSize]);
      const logits = vae.encode(x); //                                  [n, L, C]
      const q = tf.softmax(logits); //                                  [n, L, C]
      const part = tf.stack([klToUniform(logits).sum(), q.max(-1).sum()]); // [2]
      return [sums.add(part), qSum.add(q.sum(0))];
    });
    sums.dispose();
    qSum.dispose();
    [sums, qSum] = [nextSums, nextQ];
  }
  const all = tf.tidy(() => tf.concat([sums, qSum.reshape([-1]).div(N)]));
  sums.dispose();
  qSum.dispose();
  const values = await all.data();
  all.dispose();
  const qBar = values.subarray(2);
  return {
    klPerImage: values[0] / N,
    klCeiling: L * Math.log(C),
    meanMaxQ: values[1] / (N * L),
    codePerplexity: Array.from({ length: L }, (_, l) => perplexity(qBar.subarray(l * C, (l + 1) * C))),
  };
}

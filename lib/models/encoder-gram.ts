/**
 * The encoder's Jacobian w.r.t. its weights θ, as far as gradient quality in θ-space needs it
 * (PAPER.md E4, "w.r.t. the encoder weights over a real batch"). The batch estimator w.r.t. θ is
 *     G = (1/B) Σ_b J_bᵀ g_b,   J_b = ∂η_b/∂θ   [L·C × P],
 * so its mean is a vector-Jacobian product (`weightVjp`) and, images being independent, its
 * variance needs only the diagonal Gram blocks K_bb = J_b J_bᵀ [L·C × L·C] (`encoderGram`):
 *     tr Cov G = (1/B²) Σ_b tr(K_bb Cov g_b).
 * For a dense layer k, z^k = a^{k−1} W^k + b^k, with δ^k_{b,i} = ∂η_{b,i}/∂z^k_b:
 *     ∂η_i/∂W^k[p, q] = a^{k−1}_p δ^k_{i,q},   ∂η_i/∂b^k[q] = δ^k_{i,q},
 * hence the layer-wise identity
 *     K_bb[i, i'] = Σ_k (δ^k_{b,i} · δ^k_{b,i'}) (‖a_b^{k−1}‖² + 1),
 * with δ^last = I and δ^k = (δ^{k+1} W^{k+1}ᵀ) ⊙ relu'(z^k) (backprop of the identity).
 */
import * as tf from '@tensorflow/tfjs';
import { readAfterTidy } from './read';
import type { Vae } from './vae';

/** The encoder's variables in the order of `weightVjp`'s output: per layer W ([in, out], row-major) then b. */
export function encoderVariables(vae: Vae): tf.Variable[] {
  return vae.encoder.flatMap((l) => [l.W, l.b]);
}

/** P, the number of encoder weights. */
export function encoderWeightCount(vae: Vae): number {
  return encoderVariables(vae).reduce((n, v) => n + v.size, 0);
}

/**
 * Per image b of `x` [B, D], the Gram block K_bb = J_b J_bᵀ of the encoder logits η_b (flattened
 * [L·C], l major) w.r.t. all encoder weights: B arrays of (L·C)² numbers, row-major, float64
 * copies of float32 products.
 */
export function encoderGram(vae: Vae, x: tf.Tensor2D): Float64Array[] {
  const layers = vae.encoder;
  const B = x.shape[0];
  const n = vae.numLatents * vae.C;
  const data = readAfterTidy(() => {
    // forward: the input a^{k−1} of every layer and the ReLU masks of the hidden layers
    const inputs: tf.Tensor2D[] = [x];
    const masks: tf.Tensor[] = [];
    let h: tf.Tensor2D = x;
    layers.forEach((l, k) => {
      const pre = h.matMul(l.W).add(l.b) as tf.Tensor2D; //                     [B, H_k]
      if (k < layers.length - 1) {
        masks.push(pre.greater(0).toFloat()); //                                 [B, H_k]
        h = tf.relu(pre);
        inputs.push(h);
      }
    });
    // ‖a^{k−1}‖² + 1 per image and layer
    const scale = inputs.map((a) => a.square().sum(1).add(1).reshape([B, 1, 1])); // [B, 1, 1]
    // δ^last = I for every image: its Gram is I, so K starts at (‖a^{last−1}‖² + 1) I
    let K: tf.Tensor = tf
      .eye(n)
      .expandDims(0)
      .mul(scale[layers.length - 1]); //   [B, n, n]
    let delta: tf.Tensor = tf.eye(n).expandDims(0); //                              [1, n, n] (broadcast over B)
    for (let k = layers.length - 2; k >= 0; k--) {
      const Wt = tf.transpose(layers[k + 1].W); //                                  [H_{k+1}, H_k]
      const H = Wt.shape[1] as number;
      // δ^k = (δ^{k+1} W^{k+1}ᵀ) ⊙ relu'(z^k)
      const back = delta
        .reshape([-1, Wt.shape[0] as number])
        .matMul(Wt)
        .reshape([delta.shape[0], n, H]); // [1 or B, n, H_k]
      delta = back.mul(masks[k].expandDims(1)); //                                   [B, n, H_k]
      // explicit transpose: fast on wasm (lib/backend.ts)
      const gram = tf.matMul(delta, tf.transpose(delta, [0, 2, 1])); //              [B, n, n]
      K = K.add(gram.mul(scale[k]));
    }
    return K;
  });
  return Array.from({ length: B }, (_, b) => Float64Array.from(data.subarray(b * n * n, (b + 1) * n * n)));
}

/**
 * Σ_b J_bᵀ u_b for the images of `x` [B, D] and `upstream` [B·L·C] (image major, then l, then c):
 * the P encoder weights' gradient of ⟨η(x), u⟩, in the order of `encoderVariables`. The batch
 * estimator's mean is weightVjp(x, (E g_b)_b) / B.
 */
export function weightVjp(vae: Vae, x: tf.Tensor2D, upstream: ArrayLike<number>): Float64Array {
  const B = x.shape[0];
  const n = vae.numLatents * vae.C;
  if (upstream.length !== B * n)
    throw new Error(`weightVjp: upstream has length ${upstream.length}, expected B·L·C = ${B * n}`);
  const vars = encoderVariables(vae);
  const out = new Float64Array(encoderWeightCount(vae));
  tf.tidy(() => {
    const u = tf.tensor3d(Float32Array.from(upstream), [B, vae.numLatents, vae.C]);
    const { grads } = tf.variableGrads(() => vae.encode(x).mul(u).sum() as tf.Scalar, vars);
    let at = 0;
    for (const v of vars) {
      out.set(grads[v.name].dataSync(), at);
      at += v.size;
    }
  });
  return out;
}

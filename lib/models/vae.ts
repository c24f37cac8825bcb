/**
 * The categorical VAE of E3/E4 (PAPER.md "Experiment protocols"; the public ReinMax protocol):
 *     encoder  784 → 512 → 256 → numLatents·C  (ReLU), logits [B, numLatents, C]
 *     latent   z = one-hot sample of each of numLatents categorical variables, by an estimator
 *     decoder  numLatents·C → 256 → 512 → 784  (ReLU), Bernoulli logits y
 *     −ELBO    = Σ_pixels BCE(t, sigmoid(y)) + KL(q(z|x) ‖ uniform), averaged over the batch
 * Dense layers are our own tf.variables (not tf.layers) and compute x·W + b with a plain matMul:
 * the backward then goes through the BatchMatMul gradient that lib/backend.ts fixes on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { MNIST_PIXELS } from '../data/mnist';
import { sampleOp } from '../estimators/registry';
import { gumbelMaxIndex, gumbelTensor } from '../estimators/sample';
import { resolveCategorical, type EstimatorSpec, type ResolvedEstimator } from '../estimators/spec';

export interface VaeShape {
  /** categories per latent variable */
  C: number;
  /** number of latent variables (PAPER.md's L) */
  numLatents: number;
  /** hidden widths of the encoder; the decoder mirrors them (protocol: [512, 256]) */
  hidden?: readonly number[];
  /** input and output size (784 for MNIST) */
  inputSize?: number;
}

export interface Dense {
  W: tf.Variable; // [in, out]
  b: tf.Variable; // [out]
}

/** Widths of every layer: [input, ...hidden, numLatents·C] for the encoder. */
export function encoderWidths(shape: VaeShape): number[] {
  return [shape.inputSize ?? MNIST_PIXELS, ...(shape.hidden ?? [512, 256]), shape.numLatents * shape.C];
}

/** A dense layer with PyTorch's default init: W, b ~ U(−1/√in, 1/√in), drawn from `rng`. */
export function dense(nIn: number, nOut: number, rng: Random): Dense {
  const bound = 1 / Math.sqrt(nIn);
  const draw = (n: number) => Float32Array.from(rng.uniform(n), (u) => (2 * u - 1) * bound);
  return {
    // tidy: tf.variable copies its initial value, which would otherwise stay allocated
    W: tf.tidy(() => tf.variable(tf.tensor2d(draw(nIn * nOut), [nIn, nOut]), true)),
    b: tf.tidy(() => tf.variable(tf.tensor1d(draw(nOut)), true)),
  };
}

/** x W + b, then ReLU unless it is the last layer. */
function mlp(layers: readonly Dense[], x: tf.Tensor): tf.Tensor {
  let h = x;
  layers.forEach((l, i) => {
    h = h.matMul(l.W).add(l.b); // [N, out]
    if (i < layers.length - 1) h = tf.relu(h);
  });
  return h;
}

export class Vae {
  readonly C: number;
  readonly numLatents: number;
  readonly inputSize: number;

  private constructor(
    readonly shape: VaeShape,
    readonly encoder: Dense[],
    readonly decoder: Dense[],
  ) {
    this.C = shape.C;
    this.numLatents = shape.numLatents;
    this.inputSize = shape.inputSize ?? MNIST_PIXELS;
  }

  /** A new model with weights drawn from `rng` (encoder layers first, then decoder layers). */
  static create(shape: VaeShape, rng: Random): Vae {
    if (!(Number.isInteger(shape.C) && shape.C >= 2)) throw new Error(`Vae: C must be an integer ≥ 2, got ${shape.C}`);
    if (!(Number.isInteger(shape.numLatents) && shape.numLatents >= 1))
      throw new Error(`Vae: numLatents must be an integer ≥ 1, got ${shape.numLatents}`);
    const widths = encoderWidths(shape);
    const back = [...widths].reverse();
    const encoder = widths.slice(1).map((w, i) => dense(widths[i], w, rng));
    const decoder = back.slice(1).map((w, i) => dense(back[i], w, rng));
    return new Vae(shape, encoder, decoder);
  }

  /** All weights, in a fixed order (encoder then decoder, W before b): for optimisers and checkpoints. */
  variables(): tf.Variable[] {
    return [...this.encoder, ...this.decoder].flatMap((l) => [l.W, l.b]);
  }

  /** Encoder logits of q(z|x): x [B, 784] → [B, numLatents, C]. */
  encode(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => mlp(this.encoder, x).reshape([-1, this.numLatents, this.C]));
  }

  /** Decoder Bernoulli logits: z [N, numLatents, C] (one-hot or relaxed) → [N, 784]. */
  decode(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => mlp(this.decoder, z.reshape([-1, this.numLatents * this.C])));
  }

  dispose(): void {
    this.variables().forEach((v) => v.dispose());
  }
}

/**
 * −log p(t|z) for a Bernoulli decoder with logits y, summed over pixels: [N, D] → [N].
 *     BCE(t, σ(y)) = softplus(y) − t y   (stable for any y)
 */
export function reconstructionLoss(y: tf.Tensor, t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.softplus(y).sub(y.mul(t)).sum(-1));
}

/**
 * KL(q ‖ uniform) of independent categorical variables, summed over them: logits [B, L, C] → [B].
 *     KL = Σ_l Σ_c p_lc log p_lc + L log C
 */
export function klToUniform(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [L, C] = logits.shape.slice(-2);
    const logp = tf.logSoftmax(logits); // [B, L, C]
    return tf
      .exp(logp)
      .mul(logp)
      .sum([-2, -1])
      .add(L * Math.log(C)); // [B]
  });
}

/**
 * The training loss of a batch, a single-sample estimate of −ELBO averaged over the batch,
 * whose gradient w.r.t. the encoder is the chosen estimator's. For a score-function estimator
 * (RLOO(M)) the value is the mean over its M samples and the gradient that of its surrogate loss.
 */
export function negElboLoss(
  vae: Vae,
  x: tf.Tensor,
  estimator: ResolvedEstimator | EstimatorSpec,
  rng: Random,
): tf.Scalar {
  // a binary estimator (or a bare spec) goes through resolveCategorical, which names it in its error
  const r =
    'kind' in estimator && estimator.kind !== 'binary' ? estimator : resolveCategorical(estimator, 'negElboLoss');
  return tf.tidy(() => {
    const B = x.shape[0];
    const logits = vae.encode(x); // [B, L, C]
    const kl = klToUniform(logits).mean(); // closed form, differentiable
    if (r.kind === 'score') {
      // per-sample losses f_s of image b: −log p(x_b | z_s)   [M, B]
      const loss = (onehot: tf.Tensor) => {
        const M = onehot.shape[0];
        return reconstructionLoss(vae.decode(onehot), tf.tile(x, [M, 1])).reshape([M, B]); // targets [M·B, 784]
      };
      return r.row.surrogate(logits, r.options, loss, rng).div(B).add(kl) as tf.Scalar;
    }
    const z = sampleOp(r.row, logits, r.options, rng); // [B, L, C]
    return reconstructionLoss(vae.decode(z), x).mean().add(kl) as tf.Scalar;
  });
}

/** −ELBO of a batch with one latent sample per image, no gradient: [B] per-image values. */
export function negElboPerImage(vae: Vae, x: tf.Tensor, rng: Random): tf.Tensor {
  return tf.tidy(() => {
    const logits = vae.encode(x);
    const x_ = gumbelMaxIndex(logits, gumbelTensor(rng, logits.shape)); // Gumbel-max sample [B, L]
    const z = tf
      .oneHot(x_.reshape([-1]), vae.C)
      .reshape(logits.shape)
      .toFloat(); // [B, L, C]
    return reconstructionLoss(vae.decode(z), x).add(klToUniform(logits));
  });
}

/**
 * All variables' values concatenated, float32 (for checkpoints and snapshots); read with
 * `await data()`, never synchronously.
 */
export async function packVariables(variables: readonly tf.Variable[]): Promise<Float32Array> {
  const values = await Promise.all(variables.map((v) => v.data() as Promise<Float32Array>));
  const out = new Float32Array(values.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of values) {
    out.set(d, at);
    at += d.length;
  }
  return out;
}

/** Assign values packed by `packVariables` (same variables, same order); sizes are checked. */
export function unpackVariables(variables: readonly tf.Variable[], data: Float32Array, what = 'checkpoint'): void {
  const total = variables.reduce((n, v) => n + v.size, 0);
  if (data.length !== total) throw new Error(`${what}: holds ${data.length} numbers, the model needs ${total}`);
  let at = 0;
  for (const v of variables) {
    const from = at;
    tf.tidy(() => v.assign(tf.tensor(data.subarray(from, from + v.size), v.shape, 'float32')));
    at += v.size;
  }
}

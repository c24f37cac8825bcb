/**
 * E5's small quantised convolutional net (PAPER.md E5; the architecture is ours):
 *     28×28×1 → conv 5×5×16 → quantise → avg-pool 2 → conv 5×5×32 → quantise → avg-pool 2 → dense 10
 * ("same" padding, stride 1). Average pooling rather than max: quantised values tie often, and
 * the average's backward has no ties to break. Kernels are stored as dense layers W [k²·C_in, C_out]
 * (rows in (dy, dx, c) order; PyTorch's default init, fan-in k²·C_in). tfjs-wasm has no
 * Conv2DBackpropFilter kernel, so the convolution carries its own backward (conv2dSame).
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { LayeredClassifier } from './quantised-classifier';
import { quantiser, type Quantiser } from './quantised-layer';
import type { QuantisedShape } from './quantised-mlp';
import { dense, type Dense } from './vae';

export interface QuantisedConvShape extends QuantisedShape {
  /** output channels of the two convolutions (default [16, 32]) */
  channels?: readonly [number, number];
  /** kernel size k (odd; default 5) */
  kernel?: number;
  /** side of the square input image (a multiple of 4; default 28) */
  imageSize?: number;
}

/**
 * ∂/∂w of Σ g ⊙ conv(x, w), the filter gradient, as one more convolution with the batch as the
 * channel axis: dw[dy, dx, c, o] = Σ_{b,y,x} x_pad[b, y + dy, x + dx, c] g[b, y, x, o].
 */
function filterGradient(x: tf.Tensor4D, g: tf.Tensor4D, k: number): tf.Tensor4D {
  const r = (k - 1) / 2;
  const input = tf.transpose(
    tf.pad(x, [
      [0, 0],
      [r, r],
      [r, r],
      [0, 0],
    ]),
    [3, 1, 2, 0],
  ) as tf.Tensor4D; // [C_in, H + 2r, W + 2r, B]
  const filter = tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D; // [H, W, B, C_out]
  return tf.transpose(tf.conv2d(input, filter, 1, 'valid'), [1, 2, 0, 3]); // [k, k, C_in, C_out]
}

/**
 * A "same" k×k convolution, stride 1, with the dense layer's kernel and bias:
 * x [B, H, W, C_in] → [B, H, W, C_out].
 */
export function conv2dSame(x: tf.Tensor4D, layer: Dense, k: number): tf.Tensor4D {
  const conv = tf.customGrad(((input: tf.Tensor4D, w: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([input, w]);
    return {
      value: tf.conv2d(input, w, 1, 'same'),
      gradFunc: (dy: tf.Tensor4D, [xs, ws]: tf.Tensor[]) => [
        tf.conv2dTranspose(dy, ws as tf.Tensor4D, (xs as tf.Tensor4D).shape, 1, 'same'),
        filterGradient(xs as tf.Tensor4D, dy, k),
      ],
    };
  }) as never) as (input: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
  return tf.tidy(() => conv(x, layer.W.reshape([k, k, -1, layer.W.shape[1] as number]) as tf.Tensor4D).add(layer.b));
}

export class QuantisedConvNet extends LayeredClassifier {
  readonly stages: readonly ((h: tf.Tensor) => tf.Tensor)[];

  private constructor(
    readonly shape: QuantisedConvShape,
    quantiser: Quantiser,
    layers: Dense[],
  ) {
    super(quantiser, layers);
    const side = shape.imageSize ?? 28;
    const k = shape.kernel ?? 5;
    const pool = (h: tf.Tensor) => tf.avgPool(h as tf.Tensor4D, 2, 2, 'valid');
    this.stages = [
      (x) => conv2dSame(x.reshape([-1, side, side, 1]) as tf.Tensor4D, layers[0], k), //  [B, 28, 28, 16]
      (h) => conv2dSame(pool(h), layers[1], k), //                                         [B, 14, 14, 32]
      (h) => pool(h).reshape([h.shape[0], -1]).matMul(layers[2].W).add(layers[2].b), //   [B, 10]
    ];
  }

  /** A new net with weights drawn from `rng`, first layer first. */
  static create(shape: QuantisedConvShape, rng: Random): QuantisedConvNet {
    const [c1, c2] = shape.channels ?? [16, 32];
    const k = shape.kernel ?? 5;
    const side = shape.imageSize ?? 28;
    if (!(Number.isInteger(k) && k % 2 === 1))
      throw new Error(`QuantisedConvNet: kernel must be an odd integer, got ${k}`);
    if (!(Number.isInteger(side) && side % 4 === 0))
      throw new Error(`QuantisedConvNet: imageSize must be a multiple of 4 (two 2×2 poolings), got ${side}`);
    const q = quantiser(shape.levels ?? 'ternary', shape.noiseScale ?? 1);
    const layers = [
      dense(k * k, c1, rng),
      dense(k * k * c1, c2, rng),
      dense((side / 4) ** 2 * c2, shape.classes ?? 10, rng),
    ];
    return new QuantisedConvNet(shape, q, layers);
  }
}

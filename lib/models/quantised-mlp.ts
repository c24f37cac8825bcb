/**
 * E5's quantised MLP (PAPER.md E5; the architecture is ours): 784 → H → … → H → 10, every
 * hidden layer a stochastic quantised layer (quantised-layer.ts) on a dense pre-activation,
 *     a_1 = x W_1 + b_1,   h_i = quantise(a_i),   a_{i+1} = h_i W_{i+1} + b_{i+1},   logits = h_m W + b,
 * default two hidden layers of H = 512 ternary units. Dense layers are the VAE's (vae.ts: PyTorch's
 * default init, a plain matMul whose gradient lib/backend.ts makes fast on wasm). With one hidden
 * layer it is the net the exact analysis enumerates (quantised-exact.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { MNIST_PIXELS } from '../data/mnist';
import type { Random } from '../random';
import { LayeredClassifier } from './quantised-classifier';
import { quantiser, type LevelPreset, type Quantiser } from './quantised-layer';
import { dense, type Dense } from './vae';

export interface QuantisedShape {
  /** the levels of every quantised unit (default 'ternary') */
  levels?: LevelPreset | readonly number[];
  /** s, the scale of the logistic noise before the quantiser (default 1) */
  noiseScale?: number;
  /** number of classes (default 10) */
  classes?: number;
}

export interface QuantisedMlpShape extends QuantisedShape {
  /** widths of the quantised hidden layers (default [512, 512]) */
  hidden?: readonly number[];
  /** input size (default 784) */
  inputSize?: number;
}

export class QuantisedMlp extends LayeredClassifier {
  readonly stages: readonly ((h: tf.Tensor) => tf.Tensor)[];

  private constructor(
    readonly shape: QuantisedMlpShape,
    quantiser: Quantiser,
    layers: Dense[],
  ) {
    super(quantiser, layers);
    // x W + b, [B, in] → [B, out]
    this.stages = layers.map((l) => (h: tf.Tensor) => h.matMul(l.W).add(l.b));
  }

  /** A new net with weights drawn from `rng`, first layer first. */
  static create(shape: QuantisedMlpShape, rng: Random): QuantisedMlp {
    const hidden = shape.hidden ?? [512, 512];
    if (!(hidden.length >= 1 && hidden.every((h) => Number.isInteger(h) && h >= 1)))
      throw new Error(`QuantisedMlp: hidden must be ≥ 1 positive integer widths, got [${hidden}]`);
    const widths = [shape.inputSize ?? MNIST_PIXELS, ...hidden, shape.classes ?? 10];
    const q = quantiser(shape.levels ?? 'ternary', shape.noiseScale ?? 1);
    return new QuantisedMlp(
      shape,
      q,
      widths.slice(1).map((w, i) => dense(widths[i], w, rng)),
    );
  }
}

/**
 * Drawing the categorical sample of an estimator op, and the straight-through wrapper that gives
 * a one-hot forward value a chosen backward. Noise is drawn from the project's `Random` in
 * float64 and uploaded; the sample is argmax(logits + G) on the device (Gumbel-max).
 * @example gumbelMaxIndex(tf.tensor([[0, 1]]), tf.tensor([[0.5, 0]])).arraySync()   // → [1]
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { checkSampleTensor } from './validate';

/** Options every categorical sampler takes. */
export interface SampleOptions {
  /** the random stream; required unless every random quantity is given (x, noise) */
  rng?: Random;
  /** a given sample: int32 category indices, shape = logits' shape without the last axis */
  x?: tf.Tensor;
}

/** The rng option, or an error naming what is missing. */
export function requireRng(where: string, rng: Random | undefined, instead: string): Random {
  if (rng == null || typeof (rng as Random).gumbel !== 'function') {
    throw new Error(`${where}: option rng (a Random) is required unless ${instead} is given, got ${rng}`);
  }
  return rng;
}

/** A float32 tensor of Gumbel(0, 1) noise of the given shape. */
export function gumbelTensor(rng: Random, shape: number[]): tf.Tensor {
  return tf.tensor(Float32Array.from(rng.gumbel(shape.reduce((a, b) => a * b, 1))), shape, 'float32');
}

/** A float32 tensor of Exp(1) noise of the given shape. */
export function exponentialTensor(rng: Random, shape: number[]): tf.Tensor {
  return tf.tensor(Float32Array.from(rng.exponential(shape.reduce((a, b) => a * b, 1))), shape, 'float32');
}

/** x = argmax_j (logits_j + G_j) over the last axis: int32, shape [...batch]. */
export function gumbelMaxIndex(logits: tf.Tensor, gumbel: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.argMax(logits.add(gumbel), -1)); // [...]
}

/** The one-hot sample e_x (float32, [..., C]) of an op: the given x, or a fresh Gumbel-max draw. */
export function drawOneHot(where: string, logits: tf.Tensor, C: number, options: SampleOptions): tf.Tensor {
  const batchShape = logits.shape.slice(0, -1);
  return tf.tidy(() => {
    let x = options.x;
    if (x != null) {
      checkSampleTensor(where, x, batchShape, C);
    } else {
      const rng = requireRng(where, options.rng, 'a sample x');
      x = gumbelMaxIndex(logits, gumbelTensor(rng, logits.shape));
    }
    return tf
      .oneHot(x.reshape([-1]), C)
      .reshape(logits.shape)
      .toFloat(); // [..., C]
  });
}

/**
 * `make()` evaluated off the gradient tape: the estimator's constants (perturbations built from
 * the logits and the sample). Built on the tape, their construction would be back-propagated
 * only to be multiplied by zero (for GR-MC100 on 64×8, ~80 % of a training step); the values
 * are the same kernels' either way. Ops inside a custom op's forward are not recorded (tfjs runs
 * it as one kernel), and this custom op has no inputs, so nothing flows back through it.
 */
export function heldConstant(make: () => tf.Tensor): tf.Tensor {
  const op = tf.customGrad(() => ({ value: make(), gradFunc: () => [] }));
  return (op as () => tf.Tensor)();
}

/**
 * Forward: `value` (a sample, held constant). Backward: `backward(dy, saved)` as the gradient of
 * the first input (the logits); the other inputs are constants of the estimator (sample, noise)
 * and get zero gradients (tf.customGrad gives every input one).
 */
export function straightThrough(
  inputs: tf.Tensor[],
  value: tf.Tensor,
  backward: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor,
): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const ins = args.slice(0, -1) as tf.Tensor[];
    save(ins);
    return {
      value: value.clone(),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
        backward(dy as tf.Tensor, saved),
        ...saved.slice(1).map((t) => tf.zerosLike(t)),
      ],
    };
  });
  return (op as (...xs: tf.Tensor[]) => tf.Tensor)(...inputs);
}

/**
 * Reading a tensor computed in a tidy scope. `tf.tidy(() => t.dataSync())` is 20–30× slower than
 * reading after the scope for large outputs (tidy walks whatever its function returns, a typed
 * array entry by entry, looking for tensors; PLATFORM.md), so the scope returns the tensor and
 * the read comes after it.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The values of the tensor `make` builds (intermediates freed by tidy), read synchronously after the
 * scope; the tensor is disposed.
 */
export function readAfterTidy(make: () => tf.Tensor): Float32Array {
  const t = tf.tidy(make);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

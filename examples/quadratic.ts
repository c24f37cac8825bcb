// Train the logits of 3 categorical variables (C = 4) with ZGR to minimise E f(z), where f is a
// quadratic of the one-hot samples with a cross term. Run: npm run build && node dist/examples/quadratic.js
import * as tf from '@tensorflow/tfjs';
import { initBackend, Random, zgr } from '../lib';

async function main(): Promise<void> {
  await initBackend(); // wasm (or tfjs-node when installed); ZGR_BACKEND=cpu to choose
  const rng = Random.fromSeed(0); // the one seeded stream: same seed, same run
  const w = tf.tensor([[3, 1, 2, 0.5], [1, 2, -1, 0], [0.5, 0, 1, 2]]); // per-variable costs  [3, 4]
  const A = tf.tensor([[0, 0, 0, -3], [0, 0, 0, 0], [2, 0, 0, 0], [0, 0, 0, 0]]); // couples z_0, z_1
  // f(z) = Σ_i ⟨w_i, z_i⟩ + z_0ᵀ A z_1; f is linear in each variable, so E f = f(p) exactly
  const f = (z: tf.Tensor) => z.mul(w).sum().add(z.slice([0, 0], [1, 4]).matMul(A).matMul(z.slice([1, 0], [1, 4]).transpose()).sum());
  const logits = tf.variable(tf.zeros([3, 4]));
  const objective = () => tf.tidy(() => f(tf.softmax(logits)).dataSync()[0].toFixed(3));
  console.log(`E f before: ${objective()}`);
  const optimizer = tf.train.adam(0.1);
  for (let step = 0; step < 300; step++) {
    optimizer.minimize(() => f(zgr(logits, { rng })) as tf.Scalar); // one sample, ZGR gradient
  }
  console.log(`E f after:  ${objective()}`);
  console.log(`argmax per variable: ${tf.tidy(() => tf.argMax(logits, 1).arraySync())} (the minimiser of f: 3,2,1 with f = -0.5)`);
}

main();
// Output:
// E f before: 2.938
// E f after:  -0.490
// argmax per variable: 3,2,1 (the minimiser of f: 3,2,1 with f = -0.5)

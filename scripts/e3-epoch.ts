/**
 * e3-epoch: the wall time of one E3 training epoch (VAE 8×4, batch 100, ZGR, Adam lr 1e-3, grey
 * MNIST targets, the 600 training batches in order) on the default backend (ZGR_BACKEND to
 * choose). The step losses are summed on the device and read once at the end (await data()), as
 * the runner reads them once per epoch; prints one JSON line. A timing, not a check: gpu-check
 * compares the backend with its reference.
 *
 *   node dist/scripts/e3-epoch.js [--steps S]     (S < 600: time the first S batches only)
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { batchTargets, loadMnist, MNIST_SIZES } from '../lib/data/mnist';
import { resolveEstimator } from '../lib/estimators/spec';
import { trainStep } from '../lib/training/vae-task';
import { Adam } from '../lib/models/adam';
import { Vae } from '../lib/models/vae';
import { Random } from '../lib/random';
import { runCommand, type OptionValues } from './cli';

const BATCH = 100;
const EPOCH_STEPS = MNIST_SIZES.train / BATCH;

const COMMAND = {
  name: 'e3-epoch',
  usage:
    `usage: e3-epoch [--steps S]     wall time of one E3 epoch (${EPOCH_STEPS} steps of the ` +
    `8x4 VAE, ZGR, batch ${BATCH}); env ZGR_BACKEND chooses the backend`,
  options: { steps: { type: 'integer', min: 1 } },
} as const;

async function main({ values }: { values: OptionValues<typeof COMMAND.options> }): Promise<void> {
  const steps = values.steps ?? EPOCH_STEPS;
  if (steps > EPOCH_STEPS) throw new Error(`--steps must be at most ${EPOCH_STEPS} (one epoch), got ${steps}`);
  const backend = await initBackend();
  const data = loadMnist('train', { limit: steps * BATCH });
  const root = Random.fromSeed(0);
  const vae = Vae.create({ C: 8, numLatents: 4 }, root.split());
  const adam = new Adam(vae.variables(), { lr: 1e-3 });
  const rng = root.split();
  const estimator = resolveEstimator({ name: 'zgr' });
  const t0 = performance.now();
  let total: tf.Scalar = tf.scalar(0);
  for (let k = 0; k < steps; k++) {
    const targets = batchTargets(
      data,
      Array.from({ length: BATCH }, (_, i) => k * BATCH + i),
      'grey',
    );
    const loss = trainStep(vae, adam, targets, estimator, rng);
    const next = tf.add(total, loss) as tf.Scalar;
    tf.dispose([total, loss]);
    total = next;
  }
  const meanLoss = (await total.data())[0] / steps;
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose(total);
  adam.dispose();
  vae.dispose();
  console.log(
    JSON.stringify({
      backend: backend.name,
      steps,
      epochSteps: EPOCH_STEPS,
      seconds,
      stepsPerSecond: steps / seconds,
      meanLoss,
    }),
  );
}

if (require.main === module) runCommand(COMMAND, main);

/**
 * `npm run bench-e5`: the time of one E5 training step (batch 100 of Fashion-MNIST, the profile's
 * ternary MLP) for every estimator of E5_ESTIMATORS, in interleaved rounds so that a change in
 * machine load hits all alike (median over rounds), and what each profile's runs cost at that
 * speed (core-hours: steps × seeds × ms per step; evaluation not included). It prints numbers;
 * it is not a timed test. The load average is printed before and after.
 *
 *   npm run bench-e5 -- --profile medium --rounds 3 --steps 5
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { classificationBatch, loadDataset } from '../lib/data/classification';
import { E5_ESTIMATORS, E5_PROFILES } from '../lib/experiments/e5-quantised-network';
import { trainStep } from '../lib/training/quantised-task';
import { Adam } from '../lib/models/adam';
import { estimatorLabel, resolveEstimator } from '../lib/estimators/spec';
import { QuantisedMlp } from '../lib/models/quantised-mlp';
import { Random } from '../lib/random';
import { PROFILES } from '../lib/results/profile';
import { runCommand, type OptionValues } from './cli';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const USAGE = `usage: bench-e5 [options]     time one E5 training step of every estimator; core-hours of a profile
  --profile P   ${PROFILES.join(' | ')}: the model, batch and run count (default medium)
  --rounds N    interleaved rounds; the median is reported (default 3)
  --steps N     training steps per estimator and round (default 5)`;

const COMMAND = {
  name: 'bench-e5',
  usage: USAGE,
  options: {
    profile: { type: 'string', choices: PROFILES },
    rounds: { type: 'integer', min: 1 },
    steps: { type: 'integer', min: 1 },
  },
} as const;

async function main({ values }: { values: OptionValues<typeof COMMAND.options> }): Promise<void> {
  const name = values.profile ?? 'medium';
  const profile = E5_PROFILES[name];
  const rounds = values.rounds ?? 3;
  const steps = values.steps ?? 5;
  const info = await initBackend();
  console.log(
    `E5 ${name}: MLP 784–${profile.hidden.join('–')}–10, ${profile.levels}, batch ` +
      `${profile.batchSize}; backend ${info.name}; ${rounds} rounds × ${steps} steps; load ` +
      `${os.loadavg()[0].toFixed(2)}`,
  );
  const data = loadDataset(profile.dataset, 'train', { limit: profile.batchSize });
  const batch = classificationBatch(
    data,
    Array.from({ length: profile.batchSize }, (_, i) => i),
  );
  const rng = Random.fromSeed(0);
  // a block of steps is done when its last loss is read (on a GPU backend the work is queued until then)
  const block = async (step: () => tf.Scalar, n: number) => {
    const losses = Array.from({ length: n }, step);
    await losses[n - 1].data();
    tf.dispose(losses);
  };
  const runs = [];
  for (const spec of E5_ESTIMATORS) {
    const model = QuantisedMlp.create({ hidden: profile.hidden, levels: profile.levels }, rng.split());
    const optimizer = new Adam(model.variables(), { lr: profile.lr });
    const estimator = resolveEstimator(spec);
    const step = () => trainStep(model, optimizer, batch, estimator, rng);
    await block(step, 1); // warm-up: kernels compiled, memory allocated
    runs.push({ label: estimatorLabel(spec), step, ms: [] as number[] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const run of runs) {
      const t0 = performance.now();
      await block(run.step, steps);
      run.ms.push((performance.now() - t0) / steps);
    }
  }
  const stepsPerRun = profile.epochs * Math.floor(profile.trainSize / profile.batchSize);
  let total = 0;
  for (const run of runs) {
    const ms = median(run.ms);
    const coreHours = ((ms / 1000) * stepsPerRun * profile.seeds.length) / 3600;
    total += coreHours;
    console.log(
      `${run.label.padEnd(16)} ${ms.toFixed(1).padStart(8)} ms / step   ` +
        `${coreHours.toFixed(2).padStart(8)} core-hours for ${profile.seeds.length} seeds × ` +
        `${stepsPerRun} steps`,
    );
  }
  console.log(`all estimators: ${total.toFixed(1)} core-hours of training steps; load ${os.loadavg()[0].toFixed(2)}`);
}

runCommand(COMMAND, main);

/**
 * `npm run bench`: training steps per second of the E3 VAE, 8 × 4 configuration, batch 100, on
 * real MNIST batches, for ST, ZGR, GR-MC100 and ST-GS on the default backend (ZGR_BACKEND to
 * choose), and ZGR's step time relative to ST's. It prints numbers; it is not a timed test.
 *
 * The estimators are timed in interleaved rounds (ST, ZGR, GR-MC100, ST-GS, ST, ZGR, …) so that
 * a change in machine load hits all of them alike; steps/s is the median over rounds, and the
 * ZGR/ST ratio the median of the per-round ratios. The load average is printed before and after:
 * other processes on the machine depress the numbers.
 *
 *   npm run bench -- --rounds 7 --steps 30
 *   npm run bench -- --all-configs          # every estimator on the protocol's six configurations:
 *                                           # steps/s and core-hours → results/e3-cost.json, README table
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { costMarkdown, measureCostTable, writeCostTable } from '../lib/experiments/e3-cost';
import { batchTargets, loadMnist } from '../lib/data/mnist';
import { trainStep } from '../lib/experiments/e3-vae-training';
import { Adam } from '../lib/models/adam';
import { estimatorLabel, resolveEstimator, type EstimatorSpec } from '../lib/estimators/spec';
import { Vae } from '../lib/models/vae';
import { Random } from '../lib/random';
import { runCommand, type OptionValues } from './cli';

const ESTIMATORS: EstimatorSpec[] = [
  { name: 'st' },
  { name: 'zgr' },
  { name: 'grMck', options: { K: 100, tau: 1 } },
  { name: 'stGs', options: { tau: 1 } },
];
/** Targets of issue 4, on 2 cores with the wasm backend. */
const TARGET_ZGR_STEPS = 8;
const TARGET_ZGR_OVER_ST = 1.05;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const USAGE =
  `usage: bench [options]     training steps per second of the E3 VAE (8x4, batch 100) for ` +
  `ST, ZGR, GR-MC100, ST-GS
  --rounds N      interleaved rounds; medians are reported (default 7)
  --steps N       training steps per estimator and round (default 30)
  --warmup N      untimed steps per estimator first (default 5)
  --all-configs   every estimator on the protocol's six configurations: steps/s and core-hours,
                  written to results/e3-cost.json (the README's table)
env ZGR_BACKEND chooses the backend.`;

const COMMAND = {
  name: 'bench',
  usage: USAGE,
  options: {
    rounds: { type: 'integer', min: 1 },
    steps: { type: 'integer', min: 1 },
    warmup: { type: 'integer', min: 0 },
    'all-configs': { type: 'boolean' },
  },
} as const;

async function main({ values }: { values: OptionValues<typeof COMMAND.options> }): Promise<void> {
  if (values['all-configs']) {
    const backend = await initBackend();
    const table = await measureCostTable({
      steps: values.steps,
      rounds: values.rounds,
      warmup: values.warmup,
      backend: backend.name,
      log: (line) => console.log(line),
    });
    console.log(
      `\nwrote ${writeCostTable(table)}; steps/s / core-hours of the protocol (160 epochs, 10 ` +
        `seeds), one ${backend.name} core:\n`,
    );
    console.log(costMarkdown(table));
    console.log(`\ntotal: ${Math.round(table.totalCoreHours)} core-hours`);
    return;
  }
  const rounds = values.rounds ?? 7;
  const steps = values.steps ?? 30;
  const warmup = values.warmup ?? 5;
  const backend = await initBackend();
  const batch = 100;
  const data = loadMnist('train', { limit: 6000 });
  const batches = Array.from({ length: data.count / batch }, (_, b) =>
    batchTargets(
      data,
      Array.from({ length: batch }, (_, i) => b * batch + i),
      'grey',
    ),
  );
  console.log(
    `bench: E3 VAE 784-512-256-(4·8) ReLU, batch ${batch}, Adam; backend ${backend.name}; ` +
      `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}); node ${process.version}`,
  );
  console.log(`load average (1, 5, 15 min) before: ${load()}`);

  // one model, optimiser and stream per estimator, each run the same way
  const runs = ESTIMATORS.map((spec, i) => {
    const rng = Random.fromSeed(i);
    const vae = Vae.create({ C: 8, numLatents: 4 }, rng.split());
    return {
      spec,
      label: estimatorLabel(spec),
      estimator: resolveEstimator(spec),
      vae,
      adam: new Adam(vae.variables(), { lr: 1e-3 }),
      rng,
      next: 0,
      rates: [] as number[],
      times: [] as number[],
    };
  });
  // a block of steps is done when its last loss is read (on a GPU backend the work is queued until then)
  const step = (r: (typeof runs)[number]) =>
    trainStep(r.vae, r.adam, batches[r.next++ % batches.length], r.estimator, r.rng);
  const block = async (r: (typeof runs)[number], n: number) => {
    const losses = Array.from({ length: n }, () => step(r));
    await losses[n - 1].data();
    tf.dispose(losses);
  };
  for (const r of runs) await block(r, warmup);
  const tensorsBefore = tf.memory().numTensors;
  for (let round = 0; round < rounds; round++) {
    for (const r of runs) {
      const t0 = performance.now();
      await block(r, steps);
      const seconds = (performance.now() - t0) / 1000;
      r.rates.push(steps / seconds);
      r.times.push(seconds / steps);
    }
  }
  if (tf.memory().numTensors !== tensorsBefore)
    console.log(`warning: ${tf.memory().numTensors - tensorsBefore} tensors leaked during the bench`);
  console.log(`load average after: ${load()}`);
  console.log(
    `\n${'estimator'.padEnd(18)} steps/s (median of ${rounds} rounds × ${steps} steps)   min – max   ms/step`,
  );
  for (const r of runs) {
    const m = median(r.rates);
    console.log(
      `${r.label.padEnd(18)} ${m.toFixed(2).padStart(8)}   ${Math.min(...r.rates).toFixed(2)} ` +
        `– ${Math.max(...r.rates).toFixed(2)}   ${(1000 / m).toFixed(1)}`,
    );
  }
  const st = runs[0];
  const zgr = runs[1];
  const ratio = median(zgr.times.map((t, i) => t / st.times[i]));
  const zgrRate = median(zgr.rates);
  console.log(`\nZGR step time / ST step time: ${ratio.toFixed(3)} (median of per-round ratios)`);
  if (backend.name === 'wasm') {
    console.log(
      `target ZGR ≥ ${TARGET_ZGR_STEPS} steps/s (wasm, one process): ` +
        `${zgrRate >= TARGET_ZGR_STEPS ? 'met' : 'NOT met'} (${zgrRate.toFixed(2)})`,
    );
  }
  console.log(
    `target ZGR ≤ ${TARGET_ZGR_OVER_ST} × ST: ${ratio <= TARGET_ZGR_OVER_ST ? 'met' : 'NOT met'} (${ratio.toFixed(3)})`,
  );
  for (const r of runs) {
    r.adam.dispose();
    r.vae.dispose();
  }
}

runCommand(COMMAND, main);

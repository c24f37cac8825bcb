/**
 * What the E3 protocol costs, measured (issue: "a measured cost table"): training steps per second
 * of the VAE for each estimator on each of the protocol's six configurations (short runs at the
 * tuned settings of lib/experiments/protocol.ts, batch 100, real MNIST batches), and from them the
 * core-hours of the protocol (PAPER.md E3: 160 epochs of 600 steps, 10 seeds per estimator and
 * configuration) — computed per configuration, not extrapolated from 8×4.
 * `npm run bench -- --all-configs` runs it and writes results/e3-cost.json with provenance.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { batchTargets, loadMnist } from '../data/mnist';
import { Adam } from '../models/adam';
import { estimatorLabel, resolveEstimator, type EstimatorSpec } from '../estimators/spec';
import { RAdam } from '../models/radam';
import { Vae } from '../models/vae';
import { Random } from '../random';
import { repoRoot } from '../results/paths';
import { provenance, type Provenance } from '../results/provenance';
import { writeJsonAtomic } from '../results/write';
import { e3Configs, E3_PROFILES, trainStep } from './e3-vae-training';
import { PROTOCOL_CONFIGS, type ProtocolConfig } from './protocol';

const PAPER = E3_PROFILES.paper;

/** The protocol's scale (PAPER.md E3, the paper profile): steps per run and seeds per estimator and configuration. */
export const PROTOCOL_SCALE = {
  epochs: PAPER.epochs,
  stepsPerEpoch: PAPER.trainSize / PAPER.batchSize,
  seeds: PAPER.seeds.length,
};

/** The estimators timed: the paper profile's, in its order (the table's rows, then ZGR, ST-ZGR(½), RLOO(2)). */
export const COST_ESTIMATORS: readonly string[] = PAPER.estimators.map((e) => e.name);

export interface CostRow {
  config: ProtocolConfig;
  estimator: EstimatorSpec;
  label: string;
  /** median steps/s over the timed steps (one process, one core) */
  stepsPerSecond: number;
  /** one run of the protocol (160 epochs × 600 steps), hours on one core */
  hoursPerRun: number;
  /** 10 seeds, core-hours */
  coreHours: number;
}

export interface CostTable {
  rows: CostRow[];
  /** all rows' core-hours */
  totalCoreHours: number;
  backend: string;
  cpu: string;
  /** timed steps per estimator and configuration (rounds × steps) */
  steps: number;
  /** load average (1 min) before and after: other processes on the machine depress the numbers */
  loadAverage: [number, number];
  provenance: Provenance;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Time `rounds` × `steps` training steps (after `warmup`) of every estimator on every configuration, interleaved. */
export async function measureCostTable(options: {
  steps?: number;
  rounds?: number;
  warmup?: number;
  backend: string;
  log?: (line: string) => void;
}): Promise<CostTable> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const steps = options.steps ?? 3;
  const rounds = options.rounds ?? 3;
  const warmup = options.warmup ?? 2;
  const batch = 100;
  const data = loadMnist('train', { limit: 1000 });
  const batches = Array.from({ length: data.count / batch }, (_, b) =>
    batchTargets(
      data,
      Array.from({ length: batch }, (_, i) => b * batch + i),
      'grey',
    ),
  );
  const rows: CostRow[] = [];
  for (const config of PROTOCOL_CONFIGS) {
    // the paper profile's runs of this configuration (seed 0): each estimator at its protocol settings
    const runs = e3Configs(PAPER)
      .filter((c) => `${c.C}x${c.numLatents}` === config && c.seed === 0)
      .map(({ C, numLatents: L, estimator: spec, lr, optimizer }) => {
        const rng = Random.fromSeed(0);
        const vae = Vae.create({ C, numLatents: L }, rng.split());
        const opt = optimizer === 'radam' ? new RAdam(vae.variables(), { lr }) : new Adam(vae.variables(), { lr });
        return { spec, rng, vae, opt, estimator: resolveEstimator(spec), next: 0, times: [] as number[] };
      });
    // a step is done when its loss is read (on a GPU backend the work is queued until then)
    const step = async (r: (typeof runs)[number]) => {
      const loss = trainStep(r.vae, r.opt, batches[r.next++ % batches.length], r.estimator, r.rng);
      await loss.data();
      loss.dispose();
    };
    for (const r of runs) for (let s = 0; s < warmup; s++) await step(r);
    // interleaved rounds: a change in the machine's load hits every estimator alike
    for (let round = 0; round < rounds; round++) {
      for (const r of runs) {
        for (let s = 0; s < steps; s++) {
          const t0 = performance.now();
          await step(r);
          r.times.push((performance.now() - t0) / 1000);
        }
      }
    }
    for (const r of runs) {
      r.opt.dispose();
      r.vae.dispose();
      const stepsPerSecond = 1 / median(r.times);
      const hoursPerRun = (PROTOCOL_SCALE.epochs * PROTOCOL_SCALE.stepsPerEpoch) / stepsPerSecond / 3600;
      rows.push({
        config,
        estimator: r.spec,
        label: estimatorLabel(r.spec),
        stepsPerSecond,
        hoursPerRun,
        coreHours: hoursPerRun * PROTOCOL_SCALE.seeds,
      });
      options.log?.(
        `${config} ${estimatorLabel(r.spec).padEnd(22)} ` +
          `${stepsPerSecond.toFixed(2)} steps/s, ${hoursPerRun.toFixed(1)} h per run`,
      );
    }
  }
  if (tf.memory().numTensors > 1000) options.log?.(`warning: ${tf.memory().numTensors} tensors held after the bench`);
  return {
    rows,
    totalCoreHours: rows.reduce((s, r) => s + r.coreHours, 0),
    backend: options.backend,
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    steps: rounds * steps,
    loadAverage: [loadBefore, os.loadavg()[0]],
    provenance: provenance({ seed: 0, wallTimeS: (Date.now() - started) / 1000, backend: options.backend }),
  };
}

/** Where the committed cost table lives. */
export const COST_TABLE_FILE = path.join('results', 'e3-cost.json');

export function writeCostTable(table: CostTable): string {
  return writeJsonAtomic(path.join(repoRoot(), COST_TABLE_FILE), table);
}

/** Column headers of the README's cost table: the estimator at the configuration's tuned τ. */
const COLUMN: Record<string, string> = {
  st: 'ST(t)',
  stGs: 'ST-GS(τ)',
  grMck: 'GR-MC100(τ)',
  gst: 'GST-1.0(τ)',
  reinmax: 'ReinMax(τ)',
  zgr: 'ZGR',
  stZgr: 'ST-ZGR(a=½)',
  rloo: 'RLOO(M=2)',
};

/**
 * The README's cost table: per configuration (rows) and estimator (columns), steps/s and the
 * core-hours of the protocol (10 seeds × 160 epochs), with a total per configuration.
 */
export function costMarkdown(table: CostTable): string {
  const names = COST_ESTIMATORS.filter((n) => table.rows.some((r) => r.estimator.name === n));
  const configs = [...new Set(table.rows.map((r) => r.config))];
  const cell = (c: string, n: string) => {
    const r = table.rows.find((x) => x.config === c && x.estimator.name === n);
    return r ? `${r.stepsPerSecond.toFixed(1)} / ${Math.round(r.coreHours)}` : '—';
  };
  const total = (c: string) =>
    Math.round(table.rows.filter((r) => r.config === c).reduce((s, r) => s + r.coreHours, 0));
  const columnTotal = (n: string) =>
    Math.round(table.rows.filter((r) => r.estimator.name === n).reduce((s, r) => s + r.coreHours, 0));
  return [
    `| config | ${names.map((n) => COLUMN[n]).join(' | ')} | total core-hours |`,
    `|---|${names.map(() => '---:').join('|')}|---:|`,
    ...configs.map((c) => `| ${c} | ${names.map((n) => cell(c, n)).join(' | ')} | ${total(c)} |`),
    `| all | ${names.map(columnTotal).join(' | ')} | ${Math.round(table.totalCoreHours)} |`,
  ].join('\n');
}

/**
 * The training core-hours a profile's runs should take, estimated before running from the
 * measured steps/s of each (configuration, estimator) in `table` (evaluation not included);
 * a run whose cell the table lacks is counted in `unpriced`.
 */
export function profileCoreHours(
  configs: readonly {
    C: number;
    numLatents: number;
    estimator: EstimatorSpec;
    epochs: number;
    trainSize: number;
    batchSize: number;
  }[],
  table: CostTable,
): { coreHours: number; unpriced: number } {
  let seconds = 0;
  let unpriced = 0;
  for (const c of configs) {
    const row = table.rows.find((r) => r.config === `${c.C}x${c.numLatents}` && r.estimator.name === c.estimator.name);
    if (row == null) unpriced++;
    else seconds += (c.epochs * Math.ceil(c.trainSize / c.batchSize)) / row.stepsPerSecond;
  }
  return { coreHours: seconds / 3600, unpriced };
}

/** The committed cost table (results/e3-cost.json), or null. */
export function loadCostTable(file = path.join(repoRoot(), COST_TABLE_FILE)): CostTable | null {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as CostTable) : null;
}

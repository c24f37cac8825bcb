/**
 * Sweeps: many training runs of one task (tasks.ts: the VAE of E3, the quantised classifier of
 * E5), each in its own worker process (process-pool.ts, sweep-worker.ts), `workers` at a time.
 * Finished runs are read from their results without starting a process; unfinished ones resume
 * from their checkpoint (training-run.ts). Events of the sweep go to a callback as data (a
 * notebook's live board, progress.ts sweepBoard) and, as log lines, to stderr.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../results/paths';
import { poolSize, runPool } from './process-pool';
import { shortKey, type ProgressUpdate, type SweepEvent as GenericSweepEvent } from './progress';
import { taskByName, type TaskInput, type TaskName, type TaskResult } from './tasks';
import { loadResult } from './training-run';

export interface SweepOptions {
  /** parallel processes (default: one per core) */
  workers?: number;
  resultsDir?: string;
  /** print progress lines on stderr (default true) */
  progress?: boolean;
  /** extra environment of the workers (e.g. ZGR_BACKEND) */
  env?: Record<string, string>;
  /** where progress lines go (default stderr, when progress is on) */
  log?: (line: string) => void;
  /** every event of the sweep as data (a notebook draws them with progress.ts sweepBoard) */
  onEvent?: (event: SweepEvent) => void;
}

/** What a sweep's worker (sweep-worker.ts) is sent: the task, one run to train, and where. */
export interface SweepJob {
  task: TaskName;
  config: unknown;
  resultsDir: string;
}

/** An event of a sweep (progress.ts SweepEvent with run results). */
export type SweepEvent = GenericSweepEvent<TaskResult<TaskName>>;

/** The compiled worker script (dist/lib/training/sweep-worker.js). */
function workerScript(): string {
  const candidates = [
    path.join(__dirname, 'sweep-worker.js'),
    path.join(repoRoot(), 'dist', 'lib', 'training', 'sweep-worker.js'),
  ];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found)
    throw new Error(
      `runSweep: worker script not found (looked for ${candidates.join(', ')}); run \`npm run build\` first`,
    );
  return found;
}

/** The log line of an event (none for progress within an epoch). */
function sweepLogLine(task: TaskName, e: SweepEvent): string | null {
  if (e.type === 'start') {
    return (
      `[sweep] ${e.runs} runs: ${e.finishedBefore} finished before, ${e.runs - e.finishedBefore} ` +
      `to run on ${e.workers} process(es); results in ${e.resultsDir}`
    );
  }
  if (e.type === 'progress') {
    const u = e.update;
    return u.epochEnd
      ? `[sweep] ${shortKey(e.key)}: epoch ${u.epoch}/${u.epochs}, ` +
          `train ${taskByName(task).lossName} ${u.loss.toFixed(2)}`
      : null;
  }
  const last = e.result.history.at(-1);
  return (
    `[sweep] finished ${e.finished}/${e.runs}: ` + `${e.key}${last != null ? ` ${taskByName(task).summary(last)}` : ''}`
  );
}

/**
 * The runs to do, every setting at the lowest seed first (stable within a seed): a sweep cut short
 * — a long profile trained over several sittings — leaves whole seeds, so a search over settings
 * at seed 0 is complete before any setting earns its further seeds.
 */
export function seedMajor<I>(todo: readonly I[], seedOf: (item: I) => number): I[] {
  return todo
    .map((item, k) => ({ item, k, seed: seedOf(item) }))
    .sort((a, b) => a.seed - b.seed || a.k - b.k)
    .map(({ item }) => item);
}

/**
 * Run many configurations of a task, each in its own process, `workers` at a time. Resolves with
 * the results in the order of `inputs`; rejects, after all runs ended, naming every run that failed.
 */
export async function runTaskSweep<T extends TaskName>(
  task: T,
  inputs: readonly TaskInput<T>[],
  options: SweepOptions = {},
): Promise<TaskResult<T>[]> {
  const t = taskByName(task);
  const resultsDir = options.resultsDir ?? t.defaultResultsDir();
  const workers = poolSize(options.workers);
  const configs = inputs.map((input) => t.normalise(input));
  const keys = configs.map((c) => t.key(c));
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new Error(`runSweep: configuration ${dup} appears twice`);
  const results: (TaskResult<T> | null)[] = configs.map((c) => {
    const r = loadResult(t, c, resultsDir) as TaskResult<T> | null;
    return r?.done ? r : null;
  });
  const todo = seedMajor(
    configs.map((_, i) => i).filter((i) => results[i] == null),
    (i) => configs[i].seed,
  );
  const log = options.log ?? ((line: string) => options.progress !== false && process.stderr.write(line + '\n'));
  const emit = (e: SweepEvent) => {
    options.onEvent?.(e);
    const line = sweepLogLine(task, e);
    if (line != null) log(line);
  };
  emit({
    type: 'start',
    runs: configs.length,
    finishedBefore: configs.length - todo.length,
    workers: Math.min(workers, todo.length),
    resultsDir,
  });
  let doneCount = configs.length - todo.length;
  const { results: trained, failures } = await runPool<SweepJob, ProgressUpdate, TaskResult<T>>(
    todo.map((i) => ({ key: keys[i], job: { task, config: configs[i], resultsDir } })),
    {
      script: todo.length > 0 ? workerScript() : '',
      workers,
      env: options.env,
      onProgress: (key, update) => emit({ type: 'progress', key, update }),
      onDone: (key, result) => {
        doneCount += 1;
        emit({ type: 'done', key, finished: doneCount, runs: configs.length, result });
      },
    },
  );
  todo.forEach((i, k) => (results[i] = trained[k]));
  if (failures.length > 0) throw new Error(`runSweep: ${failures.length} run(s) failed:\n  ${failures.join('\n  ')}`);
  return results as TaskResult<T>[];
}

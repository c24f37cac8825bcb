/**
 * A pool of worker processes for sweeps: it runs a list of jobs, each in a process of its own
 * forked from a compiled worker script, `workers` at a time (default one per core: the wasm
 * backend is single-threaded, so processes are how a sweep uses the cores). A job goes to its
 * worker as JSON over IPC; the worker (`serveJob`) sends progress updates and one result back,
 * then exits. A failed job does not stop the others: the pool names every failure at the end.
 * `shard` picks one machine's share of a sweep spread over several.
 * `parseShard` reads the `--shard I/N` option that chooses it.
 */
import { fork } from 'node:child_process';
import * as os from 'node:os';

/** Messages from a worker process to the pool. */
export type PoolMessage<P, R> =
  | { type: 'progress'; key: string; update: P }
  | { type: 'done'; key: string; result: R }
  | { type: 'error'; key: string; message: string };

/** One job: the key that names it in messages and failures, and what its worker is sent. */
export interface PoolJob<J> {
  key: string;
  job: J;
}

export interface PoolOptions<P, R> {
  /** the compiled worker script (it calls `serveJob`) */
  script: string;
  /** parallel processes (default: one per core) */
  workers?: number;
  /** extra environment of the workers (e.g. ZGR_BACKEND) */
  env?: Record<string, string>;
  onProgress?: (key: string, update: P) => void;
  onDone?: (key: string, result: R) => void;
}

export interface PoolOutcome<R> {
  /** per job, in the order of the jobs: its result, or null when it failed */
  results: (R | null)[];
  /** "<key>: <why>" for every job that failed, in the order they failed */
  failures: string[];
}

/** The number of processes a pool runs: `workers`, or one per core; at least 1. */
export function poolSize(workers?: number): number {
  return Math.max(1, workers ?? os.availableParallelism?.() ?? os.cpus().length);
}

/** Items i, i+n, i+2n, …: share i of a sweep spread over n machines. */
export function shard<T>(items: readonly T[], [i, n]: [number, number]): T[] {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(i) && i >= 0 && i < n))
    throw new Error(`shard must be [i, n] with 0 ≤ i < n, got [${i}, ${n}]`);
  return items.filter((_, k) => k % n === i);
}

/** `--shard I/N` as [I, N], checked: "2/4" → [2, 4]. */
export function parseShard(text: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new Error(`--shard must look like I/N, got ${JSON.stringify(text)}`);
  const [i, n] = [Number(m[1]), Number(m[2])];
  if (!(n >= 1 && i < n)) throw new Error(`--shard I/N needs 0 ≤ I < N, got ${JSON.stringify(text)}`);
  return [i, n];
}

/** Run every job in a worker process, `poolSize(workers)` at a time; resolves when all have ended. */
export async function runPool<J, P, R>(
  jobs: readonly PoolJob<J>[],
  options: PoolOptions<P, R>,
): Promise<PoolOutcome<R>> {
  const results: (R | null)[] = jobs.map(() => null);
  const failures: string[] = [];
  const runOne = (i: number) =>
    new Promise<void>((resolve) => {
      const { key, job } = jobs[i];
      const child = fork(options.script, [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...options.env },
      });
      let settled = false;
      const finish = (failure?: string) => {
        if (settled) return;
        settled = true;
        if (failure) failures.push(`${key}: ${failure}`);
        resolve();
      };
      child.on('message', (m: PoolMessage<P, R>) => {
        if (m.type === 'progress') {
          options.onProgress?.(key, m.update);
        } else if (m.type === 'done') {
          results[i] = m.result;
          options.onDone?.(key, m.result);
        } else if (m.type === 'error') {
          finish(m.message);
        }
      });
      child.on('error', (err) => finish(String(err)));
      child.on('exit', (code, signal) =>
        finish(results[i] != null ? undefined : `worker exited with ${signal ?? `code ${code}`} before finishing`),
      );
      child.send({ key, job });
    });
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) await runOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(poolSize(options.workers), jobs.length) }, lane));
  return { results, failures };
}

/**
 * The worker's side, called once in a worker script: take the job the pool sends, run it with a
 * progress callback, send the result (or the error) back, and exit (0, or 1 on error).
 */
export function serveJob<J, P, R>(work: (job: J, progress: (update: P) => void) => Promise<R>): void {
  const send = (message: PoolMessage<P, R>) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
  // A pool killed outright (kill -9, a cancelled job) cannot stop its workers: a worker whose
  // parent is gone exits, at its next progress report (training is synchronous between reports,
  // so 'disconnect' alone would wait for the whole run) or when idle. Its checkpoint stays.
  const parent = process.ppid;
  const orphaned = () => process.ppid !== parent || !process.connected;
  process.once('disconnect', () => process.exit(3));
  process.once('message', async ({ key, job }: PoolJob<J>) => {
    try {
      const result = await work(job, (update) => {
        if (orphaned()) process.exit(3);
        void send({ type: 'progress', key, update });
      });
      await send({ type: 'done', key, result });
      process.exit(0);
    } catch (err) {
      await send({ type: 'error', key, message: (err as Error).stack ?? String(err) });
      process.exit(1);
    }
  });
}

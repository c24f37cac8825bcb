/**
 * Results that merge by construction (lib/training/sweep-results.ts, checkpoint-store.ts):
 * shards of one sweep, started as separate processes at once (as array tasks or pods on
 * different machines would be), write into one results folder without coordination; one shard
 * is killed with SIGKILL to its whole process group mid-run (a machine lost) and started again
 * while the others still run. The folder then holds every run once, finished, with no temporary
 * files or checkpoints left, and every run's numbers equal those of the same sweep run in one
 * process; the killed run resumed from its checkpoint.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runKey } from '../../lib/training/vae-config';
import { readSweepFile } from '../../lib/training/sweep-file';
import { compareSweepResults, loadSweepResults } from '../../lib/training/sweep-results';

const CLI = path.join(__dirname, '..', '..', 'scripts', 'train-vae.js');
const ENV = { ...process.env, ZGR_BACKEND: 'wasm' };
const SHARDS = 3;
const EPOCHS = 4;
// four runs of the protocol's model on 200 images (2 steps per epoch): shard 0 takes runs 0 and 3,
// shard 1 run 1, shard 2 run 2
const SWEEP = [0, 1].flatMap((seed) =>
  ['zgr', 'st'].map((name) => ({
    C: 8,
    numLatents: 4,
    estimator: { name },
    seed,
    epochs: EPOCHS,
    trainSize: 200,
    testSize: 100,
  })),
);

/** Start shard i of the sweep as its own process group (so that a kill takes its workers too). */
function startShard(
  sweepFile: string,
  dir: string,
  i: number,
): ChildProcess & { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--sweep-file',
      sweepFile,
      '--shard',
      `${i}/${SHARDS}`,
      '--workers',
      '1',
      '--results-dir',
      dir,
      '--no-progress',
    ],
    {
      env: ENV,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return Object.assign(child, { done });
}

/** Poll until `check()` holds (every 20 ms), or fail after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Epochs done by a run as its result.json says (written after each epoch's checkpoint), 0 before. */
function epochsDone(runFolder: string): number {
  try {
    return (JSON.parse(fs.readFileSync(path.join(runFolder, 'result.json'), 'utf8')) as { history: unknown[] }).history
      .length;
  } catch {
    return 0; // not written yet (writes are atomic: a file that exists reads whole)
  }
}

describe('shared results folder: concurrent shards, one killed and resumed', () => {
  it(
    `${SHARDS} shards write into one folder at once; shard 1 is killed (SIGKILL, its process ` +
      `group) after its first run's first epoch and restarted while the others run; the folder ` +
      `then equals the same sweep run in one process`,
    async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-shared-'));
      const shared = path.join(tmp, 'shared');
      const alone = path.join(tmp, 'alone');
      const sweepFile = path.join(tmp, 'sweep.json');
      fs.writeFileSync(sweepFile, JSON.stringify(SWEEP));
      const configs = readSweepFile(sweepFile);
      // shard 1's first run: run 1 of the sweep (shards take runs i, i+N, …)
      const victim = path.join(shared, runKey(configs[1]));
      const shards: ReturnType<typeof startShard>[] = [];
      try {
        for (let i = 0; i < SHARDS; i++) shards.push(startShard(sweepFile, shared, i));
        await until(() => epochsDone(victim) >= 1, 120_000, `the first epoch of ${victim}`);
        process.kill(-shards[1].pid!, 'SIGKILL'); // the shard's parent and its worker: a machine lost
        const killed = await shards[1].done;
        assert.equal(killed.signal, 'SIGKILL');
        const interrupted = JSON.parse(fs.readFileSync(path.join(victim, 'result.json'), 'utf8')) as {
          history: unknown[];
          done: boolean;
        };
        assert.ok(
          !interrupted.done && interrupted.history.length >= 1 && interrupted.history.length < EPOCHS,
          `the run was killed mid-way: ${interrupted.history.length} of ${EPOCHS} epochs, done ${interrupted.done}`,
        );

        shards[1] = startShard(sweepFile, shared, 1); // started again, beside the shards still running
        for (const s of shards) {
          const { code, stderr } = await s.done;
          assert.equal(code, 0, stderr);
        }

        const reference = spawnSync(
          process.execPath,
          [CLI, '--sweep-file', sweepFile, '--workers', '1', '--results-dir', alone, '--no-progress'],
          { env: ENV, encoding: 'utf8' },
        );
        assert.equal(reference.status, 0, reference.stderr);

        const merged = loadSweepResults(configs, shared);
        assert.deepEqual([merged.missing, merged.unfinished], [[], []]);
        assert.equal(merged.finished.length, SWEEP.length);
        const single = loadSweepResults(configs, alone);
        assert.deepEqual(compareSweepResults(merged.finished, single.finished, ['shards', 'one process']), []);
        assert.deepEqual(
          merged.finished.map((r) => r.resumes),
          configs.map((_, k) => (k === 1 ? 1 : 0)),
          'only the killed run resumed, once',
        );
        // every run once, nothing half-written or left over
        const entries = fs.readdirSync(shared);
        assert.deepEqual(entries.sort(), configs.map((c) => runKey(c)).sort());
        for (const e of entries)
          assert.deepEqual(fs.readdirSync(path.join(shared, e)), ['result.json'], `${e}: only its result is left`);

        // a whole-sweep pass over the merged folder finds nothing to do
        const again = spawnSync(process.execPath, [CLI, '--sweep-file', sweepFile, '--results-dir', shared], {
          env: ENV,
          encoding: 'utf8',
        });
        assert.equal(again.status, 0, again.stderr);
        assert.match(again.stderr, new RegExp(`${SWEEP.length} runs: ${SWEEP.length} finished before, 0 to run`));
      } finally {
        for (const s of shards) {
          if (s.exitCode == null && s.signalCode == null) {
            try {
              process.kill(-s.pid!, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});

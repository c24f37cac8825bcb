/**
 * The process pool's workers (lib/training/process-pool.ts serveJob): a sweep killed outright
 * (SIGKILL to the sweep's process only, as a scheduler or an impatient user may do) leaves no
 * worker training on in the background — an orphan would go on writing into the run's folder
 * and race the sweep started again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'scripts', 'train-vae.js');

/** The pids whose parent is `pid` (procps `ps`). */
const children = (pid: number) =>
  spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('process pool', () => {
  it(
    'a worker whose sweep was killed with SIGKILL exits ' + 'at its next progress report instead of training on',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-pool-'));
      const file = path.join(dir, 'sweep.json');
      // one long run: 40 epochs of 3 steps, far longer than the test waits
      fs.writeFileSync(
        file,
        JSON.stringify([
          { C: 8, numLatents: 4, estimator: { name: 'zgr' }, seed: 0, epochs: 40, trainSize: 300, testSize: 100 },
        ]),
      );
      const sweep = spawn(
        process.execPath,
        [CLI, '--sweep-file', file, '--workers', '1', '--results-dir', path.join(dir, 'runs')],
        { env: { ...process.env, ZGR_BACKEND: 'wasm' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      try {
        // wait for the first epoch's log line: the worker is training
        await new Promise<void>((resolve, reject) => {
          let err = '';
          sweep.stderr!.on('data', (d) => {
            err += d;
            if (/epoch 1\/40/.test(err)) resolve();
          });
          sweep.on('exit', (code) => reject(new Error(`the sweep exited (${code}) before training:\n${err}`)));
        });
        const [worker] = children(sweep.pid!);
        assert.ok(worker != null && alive(worker), 'the sweep has a worker process');
        sweep.kill('SIGKILL');
        const deadline = Date.now() + 20_000;
        while (alive(worker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        assert.equal(alive(worker), false, `worker ${worker} still runs 20 s after its sweep was killed`);
      } finally {
        if (sweep.exitCode == null) sweep.kill('SIGKILL');
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

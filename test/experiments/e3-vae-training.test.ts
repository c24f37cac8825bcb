/**
 * E3's training runner (lib/experiments/e3-vae-training.ts, scripts/train-vae.ts): resume after
 * kill -9 gives the same final numbers as an uninterrupted run; results are keyed by the full
 * configuration and a rerun skips finished work; sweeps run in parallel processes.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  e3Configs,
  E3_PROFILES,
  loadRunResult,
  normaliseConfig,
  runKey,
  runSweep,
  trainVae,
  type VaeRunResult,
} from '../../lib/experiments/e3-vae-training';
import { useBackend } from '../helpers';

const CLI = path.join(__dirname, '..', '..', 'scripts', 'train-vae.js');
// the protocol's model (784-512-256-32) on 300 images: 3 steps per epoch
const ARGS = [
  '--C',
  '8',
  '--latents',
  '4',
  '--estimator',
  'grMck',
  '--tau',
  '0.5',
  '--K',
  '3',
  '--epochs',
  '8',
  '--train-size',
  '300',
  '--test-size',
  '100',
  '--seed',
  '4',
  '--no-progress',
];
const ENV = { ...process.env, ZGR_BACKEND: 'wasm' };

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-e3-'));
}

function result(dir: string): VaeRunResult {
  const [key] = fs.readdirSync(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, key, 'result.json'), 'utf8')) as VaeRunResult;
}

/** Numbers of a run that must not depend on interruptions (wall times do). */
function numbers(r: VaeRunResult) {
  return { history: r.history.map(({ wallTimeS: _, ...rest }) => rest), weights: r.weightsChecksum, done: r.done };
}

describe('E3 runner: resume after kill -9', () => {
  it(
    'a run killed (SIGKILL) after its epoch-2 checkpoint and started ' +
      'again ends with the same numbers and weights as an uninterrupted run',
    async () => {
      const whole = tmp();
      const cut = tmp();
      try {
        const full = spawnSync(process.execPath, [CLI, ...ARGS, '--results-dir', whole], {
          env: ENV,
          encoding: 'utf8',
        });
        assert.equal(full.status, 0, full.stderr);

        // start, wait for "checkpoint epoch 2" on stdout, then kill -9
        const killedAt = await new Promise<number>((resolve, reject) => {
          const child = spawn(process.execPath, [CLI, ...ARGS, '--results-dir', cut], {
            env: ENV,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          let err = '';
          child.stderr.on('data', (d) => (err += d));
          child.stdout.on('data', (d) => {
            out += d;
            if (/checkpoint epoch 2\n/.test(out)) child.kill('SIGKILL');
          });
          child.on('exit', (code, signal) =>
            signal === 'SIGKILL'
              ? resolve(result(cut).history.length)
              : reject(new Error(`not killed: code ${code}\n${out}\n${err}`)),
          );
        });
        assert.ok(
          killedAt >= 2 && killedAt < 8,
          `the run was killed after epoch ${killedAt} of 8, so it was interrupted`,
        );

        const resumed = spawnSync(process.execPath, [CLI, ...ARGS, '--results-dir', cut], {
          env: ENV,
          encoding: 'utf8',
        });
        assert.equal(resumed.status, 0, resumed.stderr);
        const a = result(whole);
        const b = result(cut);
        assert.equal(b.resumes, 1);
        assert.equal(a.resumes, 0);
        assert.deepEqual(numbers(b), numbers(a));
        assert.equal(a.history.length, 8);
      } finally {
        fs.rmSync(whole, { recursive: true, force: true });
        fs.rmSync(cut, { recursive: true, force: true });
      }
    },
  );
});

describe('E3 runner: results keyed by configuration, sweeps', () => {
  before(() => useBackend('wasm'));
  const tiny = (estimator: string, seed: number) => ({
    C: 4,
    numLatents: 2,
    estimator: { name: estimator },
    seed,
    hidden: [16, 8],
    epochs: 2,
    trainSize: 200,
    testSize: 50,
  });

  it(
    'a run stopped after its last checkpoint but before its result ' +
      'is written finishes on the next call, without training again',
    async () => {
      const straight = tmp();
      const cut = tmp();
      try {
        const full = await trainVae(tiny('zgr', 3), { resultsDir: straight, progress: false });
        let afterEpoch1 = '';
        await assert.rejects(
          trainVae(tiny('zgr', 3), {
            resultsDir: cut,
            progress: false,
            onCheckpoint: (epoch) => {
              const [key] = fs.readdirSync(cut);
              if (epoch === 1) afterEpoch1 = fs.readFileSync(path.join(cut, key, 'result.json'), 'utf8');
              if (epoch === 2) throw new Error('killed');
            },
          }),
          /killed/,
        );
        // the state a kill between the last checkpoint and its result leaves: checkpoint of epoch 2, result of epoch 1
        const [key] = fs.readdirSync(cut);
        fs.writeFileSync(path.join(cut, key, 'result.json'), afterEpoch1);
        assert.equal(result(cut).done, false);
        const resumed = await trainVae(tiny('zgr', 3), { resultsDir: cut, progress: false });
        assert.deepEqual(numbers(resumed), numbers(full));
        assert.deepEqual(numbers(result(cut)), numbers(full));
      } finally {
        fs.rmSync(straight, { recursive: true, force: true });
        fs.rmSync(cut, { recursive: true, force: true });
      }
    },
  );

  it('the key changes with every field, including estimator defaults filled in', () => {
    const base = tiny('zgr', 0);
    assert.equal(runKey(base), runKey({ ...base }));
    assert.notEqual(runKey(base), runKey({ ...base, lr: 5e-4 }));
    assert.notEqual(runKey(base), runKey({ ...base, binarisation: 'dynamic' }));
    assert.equal(
      runKey({ ...base, estimator: { name: 'stGs' } }),
      runKey({ ...base, estimator: { name: 'stGs', options: { tau: 1 } } }),
    );
    assert.match(runKey(base), /^4x2-zgr-lr0\.001-s0-[0-9a-f]{10}$/);
    assert.throws(
      () => normaliseConfig({ ...base, trainSize: 70_000 }),
      /trainSize must be an integer in \[1, 60000\]/,
    );
    assert.throws(() => normaliseConfig({ ...base, estimator: { name: 'nope' } }), /unknown estimator/);
    assert.match(runKey({ ...base, optimizer: 'radam' }), /^4x2-zgr-lr0\.001-radam-s0-[0-9a-f]{10}$/);
    assert.throws(
      () => normaliseConfig({ ...base, optimizer: 'sgd' as never }),
      /optimizer must be one of adam, radam, got "sgd"/,
    );
  });

  it(
    'a sweep runs configurations in parallel processes; a rerun ' +
      'returns them without training; results equal an in-process run',
    async () => {
      const dir = tmp();
      const own = tmp();
      try {
        const configs = [tiny('zgr', 1), tiny('st', 1), tiny('rloo', 2)];
        const lines: string[] = [];
        const first = await runSweep(configs, {
          workers: 2,
          resultsDir: dir,
          log: (l) => lines.push(l),
          env: { ZGR_BACKEND: 'wasm' },
        });
        assert.match(lines[0], /3 runs: 0 finished before, 3 to run on 2 process\(es\)/);
        assert.ok(first.every((r) => r.done && r.history.length === 2));
        const again: string[] = [];
        const second = await runSweep(configs, { workers: 2, resultsDir: dir, log: (l) => again.push(l) });
        assert.match(again[0], /3 runs: 3 finished before, 0 to run/);
        assert.deepEqual(second, first);
        const inProcess = await trainVae(configs[0], { resultsDir: own, progress: false });
        assert.deepEqual(numbers(inProcess), numbers(first[0]));
        assert.deepEqual(loadRunResult(configs[0], dir), first[0]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(own, { recursive: true, force: true });
      }
    },
  );

  it(
    'profiles: quick is 8×4 with 2 seeds; medium 8×4 on the full split, 8 estimators × ' +
      '3 seeds, kept under results/; paper all six configurations, 160 epochs, 10 seeds',
    () => {
      const quick = e3Configs(E3_PROFILES.quick);
      assert.ok(quick.every((c) => c.C === 8 && c.numLatents === 4));
      assert.deepEqual([...new Set(quick.map((c) => c.seed))], [0, 1]);
      const medium = e3Configs(E3_PROFILES.medium);
      assert.equal(medium.length, 8 * 3);
      assert.ok(medium.every((c) => c.trainSize === 60_000 && c.testSize === 10_000 && c.epochs === 8));
      assert.equal(E3_PROFILES.medium.resultsDir, 'results/e3-medium');
      const paper = E3_PROFILES.paper;
      assert.deepEqual(
        paper.configurations.map((c) => `${c.C}x${c.numLatents}`),
        ['8x4', '4x24', '8x16', '16x12', '64x8', '10x30'],
      );
      assert.equal(paper.epochs, 160);
      assert.deepEqual(paper.seeds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual([...new Set(paper.estimators.map((e) => e.name))].sort(), [
        'grMck',
        'gst',
        'reinmax',
        'rloo',
        'st',
        'stGs',
        'stZgr',
        'zgr',
      ]);
    },
  );
});

/**
 * scripts/e3-epoch.ts (the travelling device check's epoch timing): it trains the E3 run it says
 * (8×4 VAE, ZGR, batch 100, seed 0, the training batches in order) and reports the mean of the
 * step losses it summed on the device: the same number as the same steps taken here, exactly.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { batchTargets, loadMnist } from '../../lib/data/mnist';
import { resolveEstimator } from '../../lib/estimators/spec';
import { trainStep } from '../../lib/training/vae-task';
import { Adam } from '../../lib/models/adam';
import { Vae } from '../../lib/models/vae';
import { Random } from '../../lib/random';
import { repoRoot } from '../../lib/results/paths';

const SCRIPT = path.join(repoRoot(), 'dist', 'scripts', 'e3-epoch.js');

function e3Epoch(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT, ...argv],
      { env: { ...process.env, ZGR_BACKEND: 'wasm' }, encoding: 'utf8', timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ status: err == null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

describe('e3-epoch: one E3 epoch timed', () => {
  before(() => initBackend('wasm', true));

  it('reports the mean loss of the steps it took, equal to the same steps taken here (wasm, float32 sum)', async () => {
    const steps = 2;
    const r = await e3Epoch(['--steps', String(steps)]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, `one JSON line expected, got:\n${r.stdout}`);
    const out = JSON.parse(lines[0]) as {
      backend: string;
      steps: number;
      epochSteps: number;
      seconds: number;
      stepsPerSecond: number;
      meanLoss: number;
    };
    assert.equal(out.backend, 'wasm');
    assert.equal(out.steps, steps);
    assert.equal(out.epochSteps, 600);
    assert.ok(
      out.seconds > 0 && Math.abs(out.stepsPerSecond - steps / out.seconds) < 1e-9,
      `seconds ${out.seconds}, steps/s ${out.stepsPerSecond}`,
    );

    const data = loadMnist('train', { limit: steps * 100 });
    const root = Random.fromSeed(0);
    const vae = Vae.create({ C: 8, numLatents: 4 }, root.split());
    const adam = new Adam(vae.variables(), { lr: 1e-3 });
    const rng = root.split();
    let sum = 0;
    for (let k = 0; k < steps; k++) {
      const loss = trainStep(
        vae,
        adam,
        batchTargets(
          data,
          Array.from({ length: 100 }, (_, i) => k * 100 + i),
          'grey',
        ),
        resolveEstimator({ name: 'zgr' }),
        rng,
      );
      sum = Math.fround(sum + (await loss.data())[0]);
      loss.dispose();
    }
    adam.dispose();
    vae.dispose();
    assert.equal(out.meanLoss, sum / steps, `e3-epoch's mean loss ${out.meanLoss} vs ${sum / steps} here`);
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('refuses more steps than one epoch, naming the flag and the value', async () => {
    const r = await e3Epoch(['--steps', '601']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^e3-epoch: --steps must be at most 600 \(one epoch\), got 601\n$/);
    assert.equal(r.stdout, '');
  });
});

/**
 * Training without synchronous reads (training-run.ts, validate.ts): the runner gives the same
 * numbers on wasm as the code that read every step's loss with dataSync, the committed results
 * still load under their keys, and no step, evaluation, checkpoint or checksum of a VAE or E5 run
 * reads a tensor synchronously — on a backend whose data is not on the host (here: the cpu
 * kernels under another name, with the engine's synchronous read made to throw, as webgpu's does
 * in Node), where the estimators' input checks are deferred and fail the run with the same message.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { pendingChecks, settleDeferredChecks } from '../../lib/estimators/validate';
import { zgr } from '../../lib/estimators/zgr';
import { finishedE3Results } from '../../lib/experiments/e3-vae-training';
import { finishedE5Results } from '../../lib/experiments/e5-quantised-network';
import { evaluateClassifier, trainQuantised, type E5RunResult } from '../../lib/training/quantised-task';
import { evaluateNegElbo, trainVae, type VaeRunResult } from '../../lib/training/vae-task';
import type { E5TrainingInput } from '../../lib/training/quantised-config';
import type { VaeTrainingInput } from '../../lib/training/vae-config';
import { loadMnist } from '../../lib/data/mnist';
import { Vae } from '../../lib/models/vae';
import { QuantisedMlp } from '../../lib/models/quantised-mlp';
import { Random } from '../../lib/random';
import { repoRoot } from '../../lib/results/paths';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-async-'));

// the protocol's VAE (784-512-256-32) and a small E5 net, 300 images: 3 steps an epoch, 2 epochs
const vae = (name: string, options?: Record<string, number>): VaeTrainingInput => ({
  C: 8,
  numLatents: 4,
  estimator: { name, options },
  seed: 4,
  epochs: 2,
  trainSize: 300,
  testSize: 100,
  snapshotEpochs: [0, 2],
});
const E5: E5TrainingInput = {
  estimator: { name: 'zgr' },
  seed: 3,
  hidden: [16, 8],
  epochs: 2,
  trainSize: 300,
  testSize: 200,
  snapshotEpochs: [0, 2],
};

// the numbers recorded at b3d99ea (the latent-usage diagnostics came later and use no randomness: left out here)
const numbers = (r: VaeRunResult | E5RunResult) => ({
  key: r.key,
  weights: r.weightsChecksum,
  history: (r.history as unknown as Record<string, unknown>[]).map(
    ({ wallTimeS: _, latentUsage: _u, ...rest }) => rest,
  ),
});

/**
 * Printed by these runs with the code at commit b3d99ea (before this change: every step's loss,
 * every evaluation chunk and the weights were read with dataSync), wasm backend.
 */
const BEFORE = [
  {
    key: '8x4-zgr-lr0.001-s4-9f1f67155d',
    weights: 'b59d7a09d8160f31',
    history: [
      { epoch: 1, step: 3, trainNegElbo: 536.1785888671875, testNegElbo: 516.5222265625 },
      { epoch: 2, step: 6, trainNegElbo: 499.4810282389323, testNegElbo: 456.4020703125 },
    ],
  },
  {
    key: '8x4-grMck-K3-tau0.5-lr0.001-s4-740f6aaf1f',
    weights: 'd3fff23738f20346',
    history: [
      { epoch: 1, step: 3, trainNegElbo: 536.1902669270834, testNegElbo: 516.4775390625 },
      { epoch: 2, step: 6, trainNegElbo: 498.94492594401044, testNegElbo: 456.0761328125 },
    ],
  },
  {
    key: 'e5-mlp-fashion-mnist-ternary-zgr-lr0.001-s3-dfa22f7cc0',
    weights: '2dc2fe406158a55a',
    history: [
      {
        epoch: 1,
        step: 3,
        trainLoss: 2.388965686162313,
        testLoss: 2.308968200683594,
        testAccuracy: 0.10000000149011612,
        testAccuracySampled: 0.125,
      },
      {
        epoch: 2,
        step: 6,
        trainLoss: 2.4077362219492593,
        testLoss: 2.294600830078125,
        testAccuracy: 0.15000000596046448,
        testAccuracySampled: 0.13500000536441803,
      },
    ],
  },
];

/** The cpu kernels under the name 'no-host-read': not a host backend for validate.ts, so its checks are deferred. */
const NO_HOST_READ = 'no-host-read';
function registerNoHostReadBackend(): void {
  if (tf.findBackend(NO_HOST_READ) != null) return;
  const Cpu = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
  tf.registerBackend(NO_HOST_READ, () => new Cpu());
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: NO_HOST_READ });
}

describe('training reads no tensor synchronously, with the same numbers', () => {
  // the runner's initBackend chooses wasm once; later calls keep whatever backend is active
  before(() => initBackend('wasm', true));

  it(
    'wasm: two VAE runs (ZGR, GR-MC3) and an E5 run give the metrics ' +
      'and weights checksums of the code that read synchronously',
    async () => {
      const dir = tmp();
      try {
        const got = [
          await trainVae(vae('zgr'), { resultsDir: dir, progress: false }),
          await trainVae(vae('grMck', { tau: 0.5, K: 3 }), { resultsDir: dir, progress: false }),
          await trainQuantised(E5, { resultsDir: dir, progress: false }),
        ];
        got.forEach((r, i) => assert.deepEqual(numbers(r), BEFORE[i], `run ${BEFORE[i].key}`));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    'the committed medium results (results/e3-medium, ' +
      'results/e5-medium) load under their keys, every run finished',
    () => {
      const e3 = finishedE3Results('medium', path.join(repoRoot(), 'results', 'e3-medium'));
      const e5 = finishedE5Results('medium', path.join(repoRoot(), 'results', 'e5-medium'));
      assert.equal(e3?.length, 24, 'E3 medium: 24 finished runs');
      assert.equal(e5?.length, 24, 'E5 medium: 24 finished runs');
    },
  );

  describe('on a backend whose data is not on the host, with dataSync/arraySync throwing', () => {
    const engine = tf.engine();
    const readSync = engine.readSync;
    before(async () => {
      registerNoHostReadBackend();
      assert.ok(await tf.setBackend(NO_HOST_READ));
      engine.readSync = () => {
        throw new Error('a synchronous read on the training path');
      };
    });
    after(async () => {
      engine.readSync = readSync;
      await tf.setBackend('wasm');
    });

    it('the stub does throw on dataSync, and await data() works', async () => {
      const t = tf.tensor1d([1, 2]);
      assert.throws(() => t.dataSync(), /a synchronous read on the training path/);
      assert.deepEqual(Array.from(await t.data()), [1, 2]);
      t.dispose();
    });

    it(
      'VAE and E5 runs (steps, evaluation, snapshots, checkpoints, ' +
        'checksum) give the same numbers as on wasm within float32 tolerance',
      async () => {
        const dir = tmp();
        try {
          const got = [
            await trainVae(vae('zgr'), { resultsDir: dir, progress: false }),
            await trainQuantised(E5, { resultsDir: dir, progress: false }),
          ];
          for (const [r, expected] of [
            [got[0], BEFORE[0]],
            [got[1], BEFORE[2]],
          ] as const) {
            assert.equal(r.key, expected.key);
            r.history.forEach((h, e) => {
              for (const [name, value] of Object.entries(expected.history[e])) {
                const v = (h as unknown as Record<string, number>)[name];
                assert.ok(
                  Math.abs(v - value) <= 1e-4 * Math.abs(value),
                  `${r.key} epoch ${e + 1} ${name}: ${v} on cpu kernels vs ${value} on wasm`,
                );
              }
            });
          }
          assert.equal(pendingChecks(), 0, 'the runner settled every deferred check');
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    );

    it(
      'evaluateNegElbo and evaluateClassifier read without ' + 'dataSync; their deferred checks settle without error',
      async () => {
        const test = loadMnist('test', { limit: 50 });
        const model = Vae.create({ C: 4, numLatents: 2, hidden: [16] }, Random.fromSeed(1));
        const negElbo = await evaluateNegElbo(model, test, 'grey', Random.fromSeed(2), 20);
        assert.ok(Number.isFinite(negElbo) && negElbo > 0, `−ELBO ${negElbo}`);
        const net = QuantisedMlp.create({ hidden: [8], levels: 'ternary' }, Random.fromSeed(1));
        const { accuracy } = await evaluateClassifier(net, test, Random.fromSeed(3), 20);
        assert.ok(
          accuracy >= 0 && accuracy <= 1 && Number.isInteger(Math.round(accuracy * 50 * 1e4) / 1e4),
          `accuracy ${accuracy} of 50 images`,
        );
        assert.ok(pendingChecks() > 0, 'the sampled net checked its logits on the device');
        await settleDeferredChecks(); // the inputs were finite: nothing to throw
        assert.equal(pendingChecks(), 0);
        model.dispose();
        net.dispose();
      },
    );

    it(
      'a non-finite logit is caught by the deferred check with the host ' +
        "check's message, and a run whose weights diverge fails with it",
      async () => {
        const logits = tf.tensor2d([
          [0, 1, 2],
          [3, NaN, 5],
        ]);
        const z = zgr(logits, { rng: Random.fromSeed(0) });
        assert.equal(pendingChecks(), 1);
        await assert.rejects(settleDeferredChecks(), {
          message: 'zgr: logits must be finite; entry 4 of shape [2,3], got NaN',
        });
        assert.equal(pendingChecks(), 0);
        tf.dispose([logits, z]);

        const diverging: VaeTrainingInput = {
          C: 4,
          numLatents: 2,
          hidden: [16],
          estimator: { name: 'zgr' },
          seed: 0,
          epochs: 1,
          trainSize: 300,
          testSize: 50,
          lr: 1e30,
        };
        const [dir, hostDir] = [tmp(), tmp()];
        try {
          const deferred = await trainVae(diverging, { resultsDir: dir, progress: false }).then(
            () => null,
            (err: Error) => err.message,
          );
          engine.readSync = readSync;
          await tf.setBackend('cpu');
          const onHost = await trainVae(diverging, { resultsDir: hostDir, progress: false }).then(
            () => null,
            (err: Error) => err.message,
          );
          assert.match(
            onHost ?? '',
            /^zgr: logits must be finite; entry \d+ of shape \[100,2,4\], got (NaN|-?Infinity)$/,
          );
          assert.equal(deferred, onHost);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
          fs.rmSync(hostDir, { recursive: true, force: true });
        }
      },
    );
  });
});

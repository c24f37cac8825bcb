/**
 * scripts/gpu-check.ts decides "on the GPU or not" from the backend and libtensorflow's own log,
 * because TF falls back to the CPU silently when a CUDA library is missing (PLATFORM.md). The
 * log lines below are TF 2.9's formats; the GPU itself is checked on a GPU machine only. Its
 * training comparison fails on a wrong run and passes a sample flip's difference; end to end on
 * wasm (reference cpu) every estimator and the training agree.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  expectGpu,
  judge,
  mismatches,
  TOLERANCE,
  trainingAgreement,
  type CheckResult,
  type ProbeResult,
  type RunTrace,
} from '../../scripts/gpu-check';

const probe = (over: Partial<ProbeResult>): ProbeResult => ({
  backend: 'tensorflow',
  chosenBy: 'best available',
  skipped: [],
  backendPackage: '@tensorflow/tfjs-node-gpu@4.22.0',
  size: 4096,
  repeat: 10,
  firstMs: 1,
  medianMs: 1,
  gflops: 1,
  ...over,
});

const CREATED =
  '2026-01-01 00:00:00.000000: I tensorflow/core/common_runtime/gpu/gpu_device.cc:1532] Created device ' +
  '/job:localhost/replica:0/task:0/device:GPU:0 with 78852 MB memory:  -> device: 0, name: NVIDIA H100 80GB HBM3, ' +
  'pci bus id: 0000:18:00.0, compute capability: 9.0\n';
const MISSING =
  'W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic ' +
  "library 'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file\n" +
  'W tensorflow/core/common_runtime/gpu/gpu_device.cc:1850] Cannot dlopen some GPU ' +
  'libraries. Skipping registering GPU devices...\n';

describe('gpu-check: is the work on the GPU?', () => {
  it('tfjs-node-gpu with a created GPU device: on the GPU, named with its compute capability', () => {
    const v = judge(probe({}), CREATED, true);
    assert.equal(v.onGpu, true);
    assert.equal(v.device, 'GPU:0 NVIDIA H100 80GB HBM3 (compute capability 9.0)');
    assert.deepEqual(v.notes, []);
  });

  it('tfjs-node-gpu that could not load cuDNN: on the CPU, and the note names the library', () => {
    const v = judge(probe({}), MISSING, true);
    assert.equal(v.onGpu, false);
    assert.ok(
      v.notes.some((n) => n.includes('libcudnn.so.8')),
      v.notes.join('\n'),
    );
    assert.ok(
      v.notes.some((n) => n.includes('Skipping registering GPU devices')),
      v.notes.join('\n'),
    );
  });

  it('the CPU build of tfjs-node is not a GPU', () => {
    const v = judge(probe({ backendPackage: '@tensorflow/tfjs-node@4.22.0' }), '', true);
    assert.equal(v.onGpu, false);
    assert.ok(
      v.notes.some((n) => n.includes('tfjs-node-gpu')),
      v.notes.join('\n'),
    );
  });

  it('wasm and cpu backends are the CPU; a software WebGPU adapter too, a real one is a GPU', () => {
    assert.equal(judge(probe({ backend: 'wasm' }), '', false).onGpu, false);
    assert.equal(judge(probe({ backend: 'cpu' }), '', false).onGpu, false);
    assert.equal(
      judge(
        probe({ backend: 'webgpu', adapter: { vendor: 'mesa', device: 'llvmpipe (LLVM 19.1.7, 256 bits)' } }),
        '',
        true,
      ).onGpu,
      false,
    );
    assert.equal(
      judge(
        probe({ backend: 'webgpu', adapter: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' } }),
        '',
        true,
      ).onGpu,
      true,
    );
    assert.equal(
      judge(probe({ backend: 'webgpu', adapter: { vendor: 'nvidia', isFallbackAdapter: true } }), '', true).onGpu,
      false,
    );
  });

  it('a GPU is expected from ZGR_EXPECT_GPU, else from ZGR_VARIANT; a bad value is an error', () => {
    assert.equal(expectGpu({}), false);
    assert.equal(expectGpu({ ZGR_VARIANT: 'gpu' }), true);
    assert.equal(expectGpu({ ZGR_VARIANT: 'webgpu' }), true);
    assert.equal(expectGpu({ ZGR_VARIANT: 'cpu' }), false);
    assert.equal(expectGpu({ ZGR_VARIANT: 'gpu', ZGR_EXPECT_GPU: '0' }), false);
    assert.equal(expectGpu({ ZGR_VARIANT: 'cpu', ZGR_EXPECT_GPU: 'yes' }), true);
    assert.throws(() => expectGpu({ ZGR_EXPECT_GPU: 'maybe' }), /ZGR_EXPECT_GPU/);
  });
});

describe('gpu-check: does the backend compute what its reference does?', () => {
  const initial = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const weights = Float32Array.from(initial, (w, i) => w + 0.01 * Math.cos(3 * i)); // trained: moved by ‖Δ‖ ≈ 0.07
  const ref: RunTrace = { losses: [540, 530, 520], initial, weights };

  it("the same run agrees exactly; a sample flip's difference (losses 1e-4, weights 2 % of the update) passes", () => {
    assert.deepEqual(trainingAgreement(ref, ref), { maxLossRelError: 0, weightRelError: 0, ok: true });
    const flipped = {
      ...ref,
      losses: [540, 530, 520 * (1 + 1e-4)],
      weights: Float32Array.from(weights, (w, i) => w + 0.02 * (weights[i] - initial[i])),
    };
    const a = trainingAgreement(flipped, ref);
    assert.ok(
      a.ok && Math.abs(a.maxLossRelError - 1e-4) < 1e-9 && Math.abs(a.weightRelError - 0.02) < 1e-6,
      JSON.stringify(a),
    );
  });

  it(
    'a loss off by 10× the tolerance, a NaN loss, weights off by half their update, other ' +
      'initial weights or a missing step fail',
    () => {
      const cases: Record<string, RunTrace> = {
        loss: { ...ref, losses: [540, 530 * (1 + 10 * TOLERANCE.lossRel), 520] },
        nan: { ...ref, losses: [540, NaN, 520] },
        weights: { ...ref, weights: Float32Array.from(weights, (w, i) => w + 0.5 * (weights[i] - initial[i])) },
        initial: { ...ref, initial: Float32Array.from(initial, (w) => w + 1e-7) },
        steps: { ...ref, losses: [540, 530] },
      };
      for (const [name, run] of Object.entries(cases))
        assert.equal(trainingAgreement(run, ref).ok, false, `${name}: ${JSON.stringify(trainingAgreement(run, ref))}`);
    },
  );

  it('mismatches names each estimator and the training run that disagree', () => {
    const training = {
      backend: 'webgpu',
      reference: 'wasm',
      steps: 20,
      maxLossRelError: 1,
      weightRelError: 1,
      ok: false,
      stepsPerSecond: {},
      firstStepMs: {},
    };
    const result: Pick<CheckResult, 'estimators' | 'training'> = {
      estimators: [
        { label: 'ZGR', maxError: 0, ok: true },
        { label: 'ST', maxError: 1, ok: false },
      ],
      training,
    };
    assert.deepEqual(mismatches(result), ['ST gradient', 'training on webgpu vs wasm']);
    assert.deepEqual(mismatches({ estimators: [], training: { ...training, ok: true } }), []);
  });

  it(
    'end to end on wasm (reference cpu): every registry estimator matches its float64 form, ' +
      '2 training steps agree, steps/s on both; exit 0',
    () => {
      const script = path.join(__dirname, '..', '..', 'scripts', 'gpu-check.js');
      const run = spawnSync(process.execPath, [script, '--json', '--size', '64', '--repeat', '1', '--steps', '2'], {
        env: { ...process.env, ZGR_BACKEND: 'wasm', ZGR_EXPECT_GPU: '0' },
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      // the JSON, then the verdict line
      const r = JSON.parse(run.stdout.slice(0, run.stdout.lastIndexOf('gpu-check: ok'))) as CheckResult;
      assert.ok(r.estimators.length >= 14, `${r.estimators.length} estimators`);
      for (const e of r.estimators) assert.ok(e.ok && e.maxError < 1e-5, `${e.label}: ${e.maxError}`);
      assert.equal(r.training.reference, 'cpu');
      assert.ok(r.training.ok && r.training.maxLossRelError < 1e-5, JSON.stringify(r.training));
      for (const b of ['wasm', 'cpu'])
        assert.ok(r.training.stepsPerSecond[b] > 0, `steps/s on ${b}: ${r.training.stepsPerSecond[b]}`);
    },
  );

  // webgpu on whatever adapter Dawn finds: CI installs Mesa ≥ 25 lavapipe (a software Vulkan
  // driver, bookworm-backports) and sets ZGR_REQUIRE_WEBGPU=1, so there the test cannot skip.
  it(
    'end to end on webgpu (reference wasm): every estimator matches its float64 form, 10 VAE ' +
      'training steps agree with wasm; nothing reads synchronously',
    (t) => {
      const script = path.join(__dirname, '..', '..', 'scripts', 'gpu-check.js');
      const env = {
        ...process.env,
        ZGR_BACKEND: 'webgpu',
        ZGR_EXPECT_GPU: '0',
        XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? os.tmpdir(),
      };
      const run = spawnSync(process.execPath, [script, '--json', '--size', '64', '--repeat', '1', '--steps', '10'], {
        env,
        encoding: 'utf8',
        timeout: 600_000,
      });
      const unavailable =
        /webgpu.*(not installed|did not start|no adapter)|Cannot find module 'webgpu'|requestAdapter/i.test(
          run.stderr,
        ) && run.status === 2;
      if (unavailable && process.env.ZGR_REQUIRE_WEBGPU !== '1') {
        t.skip(
          `no WebGPU adapter here (install Mesa ≥ 25's lavapipe: see README); ${run.stderr.trim().split('\n').pop()}`,
        );
        return;
      }
      assert.equal(run.status, 0, `gpu-check on webgpu: exit ${run.status}\n${run.stderr}`);
      const r = JSON.parse(run.stdout.slice(0, run.stdout.lastIndexOf('gpu-check: ok'))) as CheckResult;
      assert.equal(r.backend, 'webgpu');
      assert.ok(r.estimators.length >= 14, `${r.estimators.length} estimators`);
      for (const e of r.estimators) assert.ok(e.ok && e.error == null, `${e.label}: ${e.error ?? e.maxError}`);
      assert.equal(r.training.steps, 10);
      assert.equal(r.training.reference, 'wasm');
      assert.ok(r.training.ok && r.training.maxLossRelError < TOLERANCE.lossRel, JSON.stringify(r.training));
    },
  );
});

/**
 * scripts/gpu-check.ts decides "on the GPU or not" from the backend and libtensorflow's own log,
 * because TF falls back to the CPU silently when a CUDA library is missing (PLATFORM.md). The
 * log lines below are TF 2.9's formats; the GPU itself is checked on a GPU machine only.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectGpu, judge, type ProbeResult } from '../../scripts/gpu-check';

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
  "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file\n" +
  'W tensorflow/core/common_runtime/gpu/gpu_device.cc:1850] Cannot dlopen some GPU libraries. Skipping registering GPU devices...\n';

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
    assert.ok(v.notes.some((n) => n.includes('libcudnn.so.8')), v.notes.join('\n'));
    assert.ok(v.notes.some((n) => n.includes('Skipping registering GPU devices')), v.notes.join('\n'));
  });

  it('the CPU build of tfjs-node is not a GPU', () => {
    const v = judge(probe({ backendPackage: '@tensorflow/tfjs-node@4.22.0' }), '', true);
    assert.equal(v.onGpu, false);
    assert.ok(v.notes.some((n) => n.includes('tfjs-node-gpu')), v.notes.join('\n'));
  });

  it('wasm and cpu backends are the CPU; a software WebGPU adapter too, a real one is a GPU', () => {
    assert.equal(judge(probe({ backend: 'wasm' }), '', false).onGpu, false);
    assert.equal(judge(probe({ backend: 'cpu' }), '', false).onGpu, false);
    assert.equal(judge(probe({ backend: 'webgpu', adapter: { vendor: 'mesa', device: 'llvmpipe (LLVM 19.1.7, 256 bits)' } }), '', true).onGpu, false);
    assert.equal(judge(probe({ backend: 'webgpu', adapter: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' } }), '', true).onGpu, true);
    assert.equal(judge(probe({ backend: 'webgpu', adapter: { vendor: 'nvidia', isFallbackAdapter: true } }), '', true).onGpu, false);
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

/**
 * gpu-check: which tfjs backend runs here, on which device, how fast a large matmul is, and a
 * non-zero exit when a GPU was expected but the work runs on the CPU.
 *
 *   node dist/scripts/gpu-check.js [--size N] [--repeat R] [--json]     (image: `gpu-check`)
 *
 * A GPU is expected when ZGR_EXPECT_GPU is 1/true/yes, or, when it is unset, when ZGR_VARIANT is
 * `gpu` or `webgpu` (the Docker image sets both). ZGR_BACKEND picks the backend as everywhere.
 * Exit codes: 0 ok; 1 a GPU was expected and the backend runs on the CPU; 2 an error.
 *
 * Why a child process: libtensorflow (tfjs-node-gpu) says which devices it created, or which
 * CUDA library it could not load, only in its own log on the process's stderr; when a library is
 * missing it does not fail, it carries on on the CPU (PLATFORM.md). The check runs the probe in a
 * child with TF's log on and reads that log.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { runCommand, type OptionValues } from './cli';

export interface ProbeResult {
  backend: string;
  chosenBy: string;
  skipped: string[];
  /** npm package behind the `tensorflow` backend, `name@version` */
  backendPackage?: string;
  /** libtensorflow's version (tensorflow backend) */
  libtensorflow?: string;
  /** webgpu: what the adapter says about itself */
  adapter?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  /** [n, n] x [n, n] float32 */
  size: number;
  repeat: number;
  /** first matmul, ms: includes kernel compilation (CUDA JIT on Ada/Hopper, WebGPU shaders) */
  firstMs: number;
  /** median of `repeat` timed matmuls, ms */
  medianMs: number;
  gflops: number;
}

export interface Verdict {
  expectGpu: boolean;
  onGpu: boolean;
  device: string;
  /** why onGpu is what it is, and what to do */
  notes: string[];
}

const DEFAULT_SIZE: Record<string, number> = { tensorflow: 4096, webgpu: 4096, wasm: 1024, cpu: 384 };
const DEFAULT_REPEAT: Record<string, number> = { tensorflow: 10, webgpu: 10, wasm: 3, cpu: 2 };

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software|cpu/i;

/** ZGR_EXPECT_GPU (1/true/yes vs 0/false/no), else ZGR_VARIANT in {gpu, webgpu}. */
export function expectGpu(env: Record<string, string | undefined> = process.env): boolean {
  const flag = (env.ZGR_EXPECT_GPU ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(flag)) return true;
  if (['0', 'false', 'no'].includes(flag)) return false;
  if (flag !== '') throw new Error(`ZGR_EXPECT_GPU must be 1/true/yes or 0/false/no, got ${JSON.stringify(env.ZGR_EXPECT_GPU)}`);
  return ['gpu', 'webgpu'].includes((env.ZGR_VARIANT ?? '').trim().toLowerCase());
}

/**
 * From the probe and libtensorflow's log: does the work run on a GPU, and which one?
 * Log lines of TF 2.9 read "Created device /job:localhost/…/device:GPU:0 with … MB memory: ->
 * device: 0, name: NVIDIA H100 …, pci bus id: …, compute capability: 9.0", and, when CUDA is
 * incomplete, "Could not load dynamic library 'libcudnn.so.8'" and "Skipping registering GPU
 * devices".
 */
export function judge(probe: ProbeResult, tfLog: string, expected: boolean): Verdict {
  const notes: string[] = [];
  let onGpu = false;
  let device = 'CPU';
  if (probe.backend === 'tensorflow') {
    const created = [...tfLog.matchAll(/Created device \S*device:GPU:(\d+)[^\n]*?name: ([^,\n]+)(?:[^\n]*compute capability: ([\d.]+))?/g)];
    const missing = [...new Set([...tfLog.matchAll(/Could not load dynamic library '([^']+)'/g)].map((m) => m[1]))];
    if (created.length > 0) {
      onGpu = true;
      device = created.map((m) => `GPU:${m[1]} ${m[2].trim()}${m[3] ? ` (compute capability ${m[3]})` : ''}`).join('; ');
    } else {
      device = 'CPU (libtensorflow created no GPU device)';
      if (!/tfjs-node-gpu/.test(probe.backendPackage ?? '')) notes.push('the tensorflow backend is the CPU build @tensorflow/tfjs-node; the GPU build is @tensorflow/tfjs-node-gpu');
      if (missing.length > 0) notes.push(`CUDA/cuDNN libraries that did not load: ${missing.join(', ')} (libtensorflow 2.9.1 needs CUDA 11 + cuDNN 8)`);
      if (/Skipping registering GPU devices/.test(tfLog)) notes.push('libtensorflow: "Skipping registering GPU devices"');
      if (/CUDA_ERROR_NO_DEVICE|no CUDA-capable device/.test(tfLog)) notes.push('the CUDA driver sees no GPU: was the container started with --gpus all (NVIDIA Container Toolkit)?');
    }
  } else if (probe.backend === 'webgpu') {
    const a = probe.adapter ?? {};
    const text = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ');
    device = `WebGPU adapter: ${text || '(no adapter info)'}`;
    onGpu = !a.isFallbackAdapter && !SOFTWARE_ADAPTER.test(text);
    if (!onGpu && expected) notes.push('the WebGPU adapter is a software (CPU) implementation: is the GPU\'s Vulkan driver visible (NVIDIA: NVIDIA_DRIVER_CAPABILITIES must include graphics; --gpus all)?');
  } else if (probe.backend === 'wasm') {
    device = 'CPU (tfjs wasm backend, one thread)';
  } else {
    device = 'CPU (tfjs cpu backend, plain JavaScript)';
  }
  if (expected && !onGpu) {
    notes.push(`a GPU was expected (ZGR_EXPECT_GPU=${process.env.ZGR_EXPECT_GPU ?? ''}, ZGR_VARIANT=${process.env.ZGR_VARIANT ?? ''}) but the ${probe.backend} backend runs on the CPU`);
    if (probe.skipped.length > 0) notes.push(`backends that did not start: ${probe.skipped.join(', ')}`);
  }
  return { expectGpu: expected, onGpu, device, notes };
}

const USAGE = `usage: gpu-check [--size N] [--repeat R] [--json]     (in the image: gpu-check)
Which tfjs backend runs here, on which device, and how fast an N×N float32 matmul is.
  --size N     matrix size (default: by backend, ${Object.entries(DEFAULT_SIZE).map(([b, n]) => `${b} ${n}`).join(', ')})
  --repeat R   timed matmuls; the median is reported (default: by backend)
  --json       one JSON object instead of lines
env ZGR_BACKEND picks the backend; ZGR_EXPECT_GPU=1 (or ZGR_VARIANT gpu/webgpu) expects a GPU.
Exit status: 0 ok; 1 a GPU was expected but the work runs on the CPU; 2 an error.`;

const COMMAND = {
  name: 'gpu-check',
  usage: USAGE,
  // --probe: the child process's mode (runChild), not for people
  options: { size: { type: 'integer', min: 1 }, repeat: { type: 'integer', min: 1 }, json: { type: 'boolean' }, probe: { type: 'boolean' } },
  failureStatus: 2,
} as const;

function packageVersion(name: string): string | undefined {
  try {
    const file = require.resolve(`${name}/package.json`);
    return `${name}@${(JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version}`;
  } catch {
    return undefined;
  }
}

/** In the child: start the backend, describe it, time the matmul; prints one JSON line. */
async function probe(size?: number, repeat?: number): Promise<ProbeResult> {
  // loaded here only: the parent process must not start libtensorflow itself
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { initBackend } = require('../lib/backend') as typeof import('../lib/backend');
  const info = await initBackend(undefined, true);
  const result: Partial<ProbeResult> = { backend: info.name, chosenBy: info.chosenBy, skipped: info.skipped };
  if (info.name === 'tensorflow') {
    result.backendPackage = packageVersion('@tensorflow/tfjs-node-gpu') ?? packageVersion('@tensorflow/tfjs-node');
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    if (binding?.TF_Version) result.libtensorflow = binding.TF_Version;
  } else if (info.name === 'webgpu') {
    type Adapter = { info?: Record<string, unknown>; isFallbackAdapter?: boolean; requestAdapterInfo?: () => Promise<Record<string, unknown>> };
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter: (o?: object) => Promise<Adapter | null> } } }).navigator?.gpu;
    const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter) {
      const ai = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
      const str = (k: string) => (typeof ai[k] === 'string' && ai[k] !== '' ? (ai[k] as string) : undefined);
      result.adapter = {
        vendor: str('vendor'),
        architecture: str('architecture'),
        device: str('device'),
        description: str('description'),
        isFallbackAdapter: Boolean(adapter.isFallbackAdapter ?? ai.isFallbackAdapter),
      };
    }
  }
  // a software WebGPU adapter (lavapipe, SwiftShader) is as slow as the CPU: time it like the CPU
  const a0 = result.adapter;
  const softwareAdapter = a0 != null && (a0.isFallbackAdapter === true || SOFTWARE_ADAPTER.test([a0.vendor, a0.architecture, a0.device, a0.description].join(' ')));
  const kind = softwareAdapter ? 'cpu' : info.name;
  const n = size ?? DEFAULT_SIZE[kind] ?? 1024;
  const r = repeat ?? DEFAULT_REPEAT[kind] ?? 3;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  // one matmul, finished: only a scalar comes back, so the device-to-host copy is not timed
  const timed = async (): Promise<number> => {
    const t0 = performance.now();
    const s = tf.tidy(() => tf.matMul(a, b).sum());
    await s.data();
    s.dispose();
    return performance.now() - t0;
  };
  const firstMs = await timed();
  const times: number[] = [];
  for (let i = 0; i < r; i++) times.push(await timed());
  times.sort((x, y) => x - y);
  const medianMs = times[Math.floor(times.length / 2)];
  a.dispose();
  b.dispose();
  return { ...(result as ProbeResult), size: n, repeat: r, firstMs, medianMs, gflops: (2 * n ** 3) / (medianMs * 1e6) };
}

const MARK = 'GPU_CHECK_PROBE ';

function runChild(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '0' }; // TF's INFO lines name the devices
    const child = spawn(process.execPath, [__filename, '--probe', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

function nvidiaSmi(): string | undefined {
  try {
    return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).trim();
  } catch {
    return undefined;
  }
}

async function main({ values: args }: { values: OptionValues<typeof COMMAND.options> }): Promise<number> {
  if (args.probe) {
    const r = await probe(args.size, args.repeat);
    process.stdout.write(MARK + JSON.stringify(r) + '\n');
    return 0;
  }
  const expected = expectGpu();
  const child = await runChild(process.argv.slice(2));
  const line = child.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (child.code !== 0 || line == null) {
    console.error(`gpu-check: the probe failed (exit ${child.code}):\n${child.stderr.trim()}`);
    return 2;
  }
  const result = JSON.parse(line.slice(MARK.length)) as ProbeResult;
  const verdict = judge(result, child.stderr, expected);
  const smi = nvidiaSmi();
  const interesting = child.stderr
    .split('\n')
    .filter((l) => /Created device|Could not load dynamic library|Skipping registering GPU|CUDA_ERROR|cuda_diagnostics|kernel driver does not appear/.test(l));
  if (args.json) {
    console.log(JSON.stringify({ ...result, ...verdict, nvidiaSmi: smi ?? null, variant: process.env.ZGR_VARIANT ?? null }, null, 2));
  } else {
    const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
    console.log(`variant:  ${process.env.ZGR_VARIANT ?? '(not in the image)'}`);
    console.log(`backend:  ${result.backend} (${result.chosenBy}${result.skipped.length ? `; did not start: ${result.skipped.join(', ')}` : ''})`);
    if (result.backendPackage) console.log(`package:  ${result.backendPackage}${result.libtensorflow ? `, libtensorflow ${result.libtensorflow}` : ''}`);
    console.log(`device:   ${verdict.device}`);
    console.log(`nvidia-smi: ${smi ? smi.split('\n').join('; ') : '(not available)'}`);
    console.log(`matmul:   ${result.size}x${result.size} float32, first ${f(result.firstMs)} ms (includes kernel compilation), median of ${result.repeat} ${f(result.medianMs)} ms = ${f(result.gflops)} GFLOP/s`);
    for (const l of interesting) console.log(`  tf: ${l.trim()}`);
    for (const n of verdict.notes) console.log(`note:     ${n}`);
  }
  if (verdict.expectGpu && !verdict.onGpu) {
    console.error('gpu-check: FAILED — a GPU was expected but the computation runs on the CPU (see the notes above)');
    return 1;
  }
  console.log(`gpu-check: ok — ${verdict.onGpu ? 'on the GPU' : 'on the CPU'}${verdict.expectGpu ? '' : ' (no GPU expected)'}`);
  return 0;
}

if (require.main === module) runCommand(COMMAND, main);

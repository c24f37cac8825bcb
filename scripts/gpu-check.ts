/**
 * gpu-check: which tfjs backend runs here, on which device, how fast a large matmul is, whether
 * it trains correctly, and a non-zero exit when a GPU was expected but the work runs on the CPU
 * or when the backend computes something else than the reference.
 *
 *   node dist/scripts/gpu-check.js [--size N] [--repeat R] [--steps S] [--json]     (image: `gpu-check`)
 *
 * On the backend: a matmul timed; every registry estimator's gradient (tfjs op, float32) against
 * its float64 form on the same sample and noise; S (default 20) training steps of the E3 VAE
 * (8×4, batch 100, ZGR, Adam, MNIST) compared step by step with the same run on the wasm
 * backend (on cpu when wasm is the backend checked), the two runs' steps alternating so that a
 * change in machine load hits both alike; steps/s on each. Every read is `await data()` (webgpu
 * in Node cannot read synchronously), so this is the training path of the runner.
 *
 * A GPU is expected when ZGR_EXPECT_GPU is 1/true/yes, or, when it is unset, when ZGR_VARIANT is
 * `gpu` or `webgpu` (the Docker image sets both). ZGR_BACKEND picks the backend as everywhere.
 * Exit codes: 0 ok; 1 a GPU was expected and the backend runs on the CPU; 2 an error; 3 a
 * mismatch: an estimator's gradient or the training run differs from its reference beyond float32
 * tolerance.
 *
 * Why a child process: libtensorflow (tfjs-node-gpu) says which devices it created, or which
 * CUDA library it could not load, only in its own log on the process's stderr; when a library is
 * missing it does not fail, it carries on on the CPU (PLATFORM.md). The check runs the probe in a
 * child with TF's log on and reads that log.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { runCommand, type OptionValues } from './cli';
// types only: the modules themselves are loaded in the child (the parent must not start libtensorflow)
import type * as TF from '@tensorflow/tfjs';
import { SOFTWARE_ADAPTER } from '../lib/backend';
import type { Adam } from '../lib/models/adam';
import type { Vae } from '../lib/models/vae';
import type { Random } from '../lib/random';

export interface ProbeResult {
  backend: string;
  chosenBy: string;
  skipped: string[];
  /** npm package behind the `tensorflow` backend, `name@version` */
  backendPackage?: string;
  /** libtensorflow's version (tensorflow backend) */
  libtensorflow?: string;
  /** webgpu: what the adapter says about itself */
  adapter?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  /** [n, n] x [n, n] float32 */
  size: number;
  repeat: number;
  /** first matmul, ms: includes kernel compilation (CUDA JIT on Ada/Hopper, WebGPU shaders) */
  firstMs: number;
  /** median of `repeat` timed matmuls, ms */
  medianMs: number;
  gflops: number;
}

/** What the child reports: the probe, and what the backend computes against its references. */
export interface CheckResult extends ProbeResult {
  /** every registry estimator's gradient against its float64 form */
  estimators: EstimatorCheck[];
  /** the VAE's training steps against the reference backend */
  training: TrainingCheck;
}

/** One estimator's op gradient (float32, on the backend) against its float64 form, same sample and noise. */
export interface EstimatorCheck {
  label: string;
  /** max over entries of |op − float64| */
  maxError: number;
  ok: boolean;
  /** why the op could not run on the backend, when it could not */
  error?: string;
}

/** S training steps on the backend and on the reference backend, from the same seed. */
export interface TrainingCheck {
  backend: string;
  reference: string;
  steps: number;
  /** max over steps of |loss − reference loss| / |reference loss| */
  maxLossRelError: number;
  /**
   * ‖w − w_ref‖ / ‖w_ref − w_0‖ after the last step: the weights' difference relative to how far
   * training moved them
   */
  weightRelError: number;
  ok: boolean;
  /** steps/s after the first step (it compiles kernels), on the backend and on the reference */
  stepsPerSecond: Record<string, number>;
  /** the first step's time (ms) on each */
  firstStepMs: Record<string, number>;
}

/**
 * Tolerances. Op vs float64 form: float32 rounding, as in the contract test. Training: two
 * backends round differently (losses agree to ~1e-7 relative, webgpu vs wasm 1e-6 after 10 steps,
 * PLATFORM.md), and discrete samples amplify that: once a Gumbel-max sample flips between them
 * (cpu vs wasm: at step 10 of 20 here) the losses differ by ~1e-4 relative and the weights by
 * ~2 % of how far training moved them (Adam turns tiny gradients into whole steps). The
 * tolerances are 10× a flip's and far below a wrong kernel's (differences of order 1).
 */
export const TOLERANCE = { gradient: { atol: 1e-5, rtol: 2e-4 }, lossRel: 1e-3, weightRel: 0.2 } as const;

export interface Verdict {
  expectGpu: boolean;
  onGpu: boolean;
  device: string;
  /** why onGpu is what it is, and what to do */
  notes: string[];
}

const DEFAULT_SIZE: Record<string, number> = { tensorflow: 4096, webgpu: 4096, wasm: 1024, cpu: 384 };
const DEFAULT_REPEAT: Record<string, number> = { tensorflow: 10, webgpu: 10, wasm: 3, cpu: 2 };

/** ZGR_EXPECT_GPU (1/true/yes vs 0/false/no), else ZGR_VARIANT in {gpu, webgpu}. */
export function expectGpu(env: Record<string, string | undefined> = process.env): boolean {
  const flag = (env.ZGR_EXPECT_GPU ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(flag)) return true;
  if (['0', 'false', 'no'].includes(flag)) return false;
  if (flag !== '')
    throw new Error(`ZGR_EXPECT_GPU must be 1/true/yes or 0/false/no, got ${JSON.stringify(env.ZGR_EXPECT_GPU)}`);
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
    const created = [
      ...tfLog.matchAll(
        /Created device \S*device:GPU:(\d+)[^\n]*?name: ([^,\n]+)(?:[^\n]*compute capability: ([\d.]+))?/g,
      ),
    ];
    const missing = [...new Set([...tfLog.matchAll(/Could not load dynamic library '([^']+)'/g)].map((m) => m[1]))];
    if (created.length > 0) {
      onGpu = true;
      device = created
        .map((m) => `GPU:${m[1]} ${m[2].trim()}${m[3] ? ` (compute capability ${m[3]})` : ''}`)
        .join('; ');
    } else {
      device = 'CPU (libtensorflow created no GPU device)';
      if (!/tfjs-node-gpu/.test(probe.backendPackage ?? ''))
        notes.push(
          'the tensorflow backend is the CPU build @tensorflow/tfjs-node; the GPU build is @tensorflow/tfjs-node-gpu',
        );
      if (missing.length > 0)
        notes.push(
          `CUDA/cuDNN libraries that did not load: ${missing.join(', ')} (libtensorflow 2.9.1 needs CUDA 11 + cuDNN 8)`,
        );
      if (/Skipping registering GPU devices/.test(tfLog))
        notes.push('libtensorflow: "Skipping registering GPU devices"');
      if (/CUDA_ERROR_NO_DEVICE|no CUDA-capable device/.test(tfLog))
        notes.push(
          'the CUDA driver sees no GPU: was the container started with --gpus all (NVIDIA Container Toolkit)?',
        );
    }
  } else if (probe.backend === 'webgpu') {
    const a = probe.adapter ?? {};
    const text = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ');
    device = `WebGPU adapter: ${text || '(no adapter info)'}`;
    onGpu = !a.isFallbackAdapter && !SOFTWARE_ADAPTER.test(text);
    if (!onGpu && expected)
      notes.push(
        "the WebGPU adapter is a software (CPU) implementation: is the GPU's Vulkan driver " +
          'visible (NVIDIA: NVIDIA_DRIVER_CAPABILITIES must include graphics; --gpus all)?',
      );
  } else if (probe.backend === 'wasm') {
    device = 'CPU (tfjs wasm backend, one thread)';
  } else {
    device = 'CPU (tfjs cpu backend, plain JavaScript)';
  }
  if (expected && !onGpu) {
    notes.push(
      `a GPU was expected (ZGR_EXPECT_GPU=${process.env.ZGR_EXPECT_GPU ?? ''}, ` +
        `ZGR_VARIANT=${process.env.ZGR_VARIANT ?? ''}) but the ${probe.backend} backend runs on ` +
        `the CPU`,
    );
    if (probe.skipped.length > 0) notes.push(`backends that did not start: ${probe.skipped.join(', ')}`);
  }
  return { expectGpu: expected, onGpu, device, notes };
}

const USAGE = `usage: gpu-check [--size N] [--repeat R] [--steps S] [--json]     (in the image: gpu-check)
Which tfjs backend runs here, on which device, how fast an N×N float32 matmul is, whether every
estimator's gradient equals its float64 form there, and whether S VAE training steps match wasm.
  --size N     matrix size (default: by backend, ${Object.entries(DEFAULT_SIZE)
    .map(([b, n]) => `${b} ${n}`)
    .join(', ')})
  --repeat R   timed matmuls; the median is reported (default: by backend)
  --steps S    VAE training steps compared with the reference backend (default 20)
  --json       one JSON object instead of lines
env ZGR_BACKEND picks the backend; ZGR_EXPECT_GPU=1 (or ZGR_VARIANT gpu/webgpu) expects a GPU.
Exit status: 0 ok; 1 a GPU was expected but the work runs on the CPU; 2 an error; 3 a mismatch.`;

const COMMAND = {
  name: 'gpu-check',
  usage: USAGE,
  // --probe: the child process's mode (runChild), not for people
  options: {
    size: { type: 'integer', min: 1 },
    repeat: { type: 'integer', min: 1 },
    steps: { type: 'integer', min: 1 },
    json: { type: 'boolean' },
    probe: { type: 'boolean' },
  },
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

/**
 * In the child: start the backend, describe it, time the matmul, check the estimators and training;
 * prints one JSON line.
 */
async function probe(size?: number, repeat?: number, steps = 20): Promise<CheckResult> {
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
    type Adapter = {
      info?: Record<string, unknown>;
      isFallbackAdapter?: boolean;
      requestAdapterInfo?: () => Promise<Record<string, unknown>>;
    };
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter: (o?: object) => Promise<Adapter | null> } } })
      .navigator?.gpu;
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
  const softwareAdapter =
    a0 != null &&
    (a0.isFallbackAdapter === true ||
      SOFTWARE_ADAPTER.test([a0.vendor, a0.architecture, a0.device, a0.description].join(' ')));
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
  const estimators = await checkEstimators();
  const training = await compareTraining(info.name, steps);
  return {
    ...(result as ProbeResult),
    size: n,
    repeat: r,
    firstMs,
    medianMs,
    gflops: (2 * n ** 3) / (medianMs * 1e6),
    estimators,
    training,
  };
}

/** |a_i − b_i| ≤ atol + rtol |b_i| for every entry (NaN fails; so do different lengths). */
function allClose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) return false;
  return true;
}

/** max_i |a_i − b_i| (NaN → Infinity). */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    worst = Math.max(worst, Number.isNaN(a[i] - b[i]) ? Infinity : Math.abs(a[i] - b[i]));
  return worst;
}

/** ‖a − b‖ / ‖b − base‖ (Euclidean). */
function relativeDistance(a: Float32Array, b: Float32Array, base: Float32Array): number {
  if (a.length !== b.length || b.length !== base.length) return Infinity;
  let d2 = 0;
  let m2 = 0;
  for (let i = 0; i < b.length; i++) {
    d2 += (a[i] - b[i]) ** 2;
    m2 += (b[i] - base[i]) ** 2;
  }
  return Number.isNaN(d2) ? Infinity : Math.sqrt(d2 / m2);
}

/**
 * Every row of the registry at its default options (K at most 10): the gradient w.r.t. logits
 * [3, 2, 4] of Σ op(logits) ⊙ v on the active backend, against the float64 form per variable with
 * the same sample and noise (score rows: the samples their surrogate drew, loss f_s = v[x_s];
 * binary rows: each entry a unit, a given sample b).
 */
async function checkEstimators(): Promise<EstimatorCheck[]> {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const { ALL_ESTIMATORS, withDefaults } =
    require('../lib/estimators/registry') as typeof import('../lib/estimators/registry');
  const { reinforceGradient, rlooGradient } =
    require('../lib/estimators/reinforce') as typeof import('../lib/estimators/reinforce');
  const { settleDeferredChecks } = require('../lib/estimators/validate') as typeof import('../lib/estimators/validate');
  const { Random } = require('../lib/random') as typeof import('../lib/random');
  const shape = [3, 2, 4];
  const C = 4;
  const N = 6;
  const rng = Random.fromSeed(19);
  const logits = Float32Array.from(rng.uniform(N * C), (u) => 4 * u - 2);
  const v = Float32Array.from(rng.uniform(N * C), (u) => 4 * u - 2);
  const row = (a: ArrayLike<number>, n: number) => Array.from(a).slice(n * C, (n + 1) * C);
  const argmax = (a: number[]) => a.indexOf(Math.max(...a));
  const out: EstimatorCheck[] = [];
  for (const e of ALL_ESTIMATORS) {
    const o = withDefaults(e);
    if (o.K != null) o.K = Math.min(o.K, 10);
    try {
      const l = tf.tensor(logits, shape);
      const vt = tf.tensor(v, shape);
      let got: Float32Array;
      let expected: number[] = [];
      if (e.kind === 'pathwise') {
        const gumbel = Float32Array.from(rng.gumbel(N * C));
        const K = o.K ?? 1;
        const exponentials = Float32Array.from(rng.exponential(K * N * C));
        const x = Int32Array.from({ length: N }, (_, n) =>
          argmax(row(logits, n).map((lj, j) => Math.fround(lj + gumbel[n * C + j]))),
        );
        const noise = {
          x: tf.tensor(x, shape.slice(0, -1), 'int32'),
          gumbel: tf.tensor(gumbel, shape),
          exponentials: tf.tensor(exponentials, [K, ...shape]),
        };
        const g = tf.grad((t: TF.Tensor) => e.op(t, o, noise).mul(vt).sum())(l);
        got = (await g.data()) as Float32Array;
        tf.dispose([g, ...Object.values(noise)]);
        for (let n = 0; n < N; n++) {
          const exps = Array.from({ length: K }, (_, k) => row(exponentials, k * N + n));
          expected.push(
            ...e.gradient(row(logits, n), row(v, n), o, { x: x[n], gumbel: row(gumbel, n), exponentials: exps }),
          );
        }
      } else if (e.kind === 'binary') {
        // every entry a unit of its own: sample b = 1{u < σ(a)}, upstream derivative d = v
        const b = Float32Array.from(rng.uniform(N * C), (u, i) => (u < 1 / (1 + Math.exp(-logits[i])) ? 1 : 0));
        const bt = tf.tensor(b, shape);
        const g = tf.grad((t: TF.Tensor) => e.op(t, o, { b: bt }).mul(vt).sum())(l);
        got = (await g.data()) as Float32Array;
        tf.dispose([g, bt]);
        expected = Array.from(logits, (a, i) => e.gradient(a, b[i], v[i], o));
      } else {
        let drawn: TF.Tensor | undefined;
        const loss = (onehot: TF.Tensor) => {
          drawn = tf.keep(onehot.clone()); // the samples [M, 3, 2, C], read after the gradient
          return onehot.mul(vt).sum(-1); // f_s = v[x_s] per variable   [M, 3, 2]
        };
        const g = tf.grad((t: TF.Tensor) => e.surrogate(t, o, loss, rng))(l);
        got = (await g.data()) as Float32Array;
        const onehots = await drawn!.data();
        tf.dispose([g, drawn!]);
        const M = e.samples(o);
        for (let n = 0; n < N; n++) {
          const xs = Array.from({ length: M }, (_, s) => argmax(row(onehots, s * N + n)));
          const fs = xs.map((xj) => v[n * C + xj]);
          expected.push(
            ...(M === 1 ? reinforceGradient(row(logits, n), xs[0], fs[0]) : rlooGradient(row(logits, n), xs, fs)),
          );
        }
      }
      tf.dispose([l, vt]);
      await settleDeferredChecks();
      out.push({
        label: e.label(o),
        maxError: maxAbsDiff(got, expected),
        ok: allClose(got, expected, TOLERANCE.gradient.atol, TOLERANCE.gradient.rtol),
      });
    } catch (err) {
      // a backend that cannot run the op (e.g. a synchronous read on webgpu) fails this row, not the whole check
      out.push({
        label: e.label(o),
        maxError: Infinity,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return out;
}

/** A training run as compared: its losses, its initial and final weights. */
export interface RunTrace {
  losses: number[];
  initial: Float32Array;
  weights: Float32Array;
}

/**
 * How far a run is from the reference run (TOLERANCE): the same initial weights, losses and final
 * weights within tolerance.
 */
export function trainingAgreement(
  run: RunTrace,
  ref: RunTrace,
): { maxLossRelError: number; weightRelError: number; ok: boolean } {
  const maxLossRelError =
    run.losses.length !== ref.losses.length
      ? Infinity
      : Math.max(
          0,
          ...run.losses.map((l, k) =>
            Number.isFinite(l) ? Math.abs(l - ref.losses[k]) / Math.abs(ref.losses[k]) : Infinity,
          ),
        );
  const weightRelError = relativeDistance(run.weights, ref.weights, ref.initial);
  const ok =
    maxLossRelError <= TOLERANCE.lossRel &&
    weightRelError <= TOLERANCE.weightRel &&
    maxAbsDiff(run.initial, ref.initial) === 0;
  return { maxLossRelError, weightRelError, ok };
}

/** What disagrees with its reference, named (empty: nothing). */
export function mismatches(result: Pick<CheckResult, 'estimators' | 'training'>): string[] {
  const t = result.training;
  return [
    ...result.estimators.filter((e) => !e.ok).map((e) => `${e.label} gradient`),
    ...(t.ok ? [] : [`training on ${t.backend} vs ${t.reference}`]),
  ];
}

/**
 * `steps` training steps of the E3 VAE (8×4, batch 100, ZGR, Adam lr 1e-3, grey MNIST targets)
 * on the backend and on the reference, from the same seed, steps alternating between the two;
 * every step's loss is read (await data()) to time it whole.
 */
async function compareTraining(backend: string, steps: number): Promise<TrainingCheck> {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const { batchTargets, loadMnist } = require('../lib/data/mnist') as typeof import('../lib/data/mnist');
  const { resolveEstimator } = require('../lib/estimators/spec') as typeof import('../lib/estimators/spec');
  const { settleDeferredChecks } = require('../lib/estimators/validate') as typeof import('../lib/estimators/validate');
  const { trainStep } = require('../lib/training/vae-task') as typeof import('../lib/training/vae-task');
  const lib = {
    ...(require('../lib/models/adam') as typeof import('../lib/models/adam')),
    ...(require('../lib/models/vae') as typeof import('../lib/models/vae')),
    ...(require('../lib/random') as typeof import('../lib/random')),
  };
  const { useExplicitTransposeMatMulGradient } = require('../lib/backend') as typeof import('../lib/backend');
  const reference = backend === 'wasm' ? 'cpu' : 'wasm';
  if (reference === 'wasm') {
    require('@tensorflow/tfjs-backend-wasm');
    useExplicitTransposeMatMulGradient(); // as every wasm run has it (global: the backend gets the same products)
  }
  const batch = 100;
  const data = loadMnist('train', { limit: steps * batch });
  const estimator = resolveEstimator({ name: 'zgr' });
  // one model, optimiser and stream per backend, each made while its backend is active (tensors never cross)
  const runs: {
    name: string;
    vae: Vae;
    adam: Adam;
    rng: Random;
    initial: Float32Array;
    losses: number[];
    ms: number[];
  }[] = [];
  for (const name of [backend, reference]) {
    if (!(await tf.setBackend(name))) throw new Error(`gpu-check: the ${name} backend did not start`);
    const root = lib.Random.fromSeed(0);
    const vae = lib.Vae.create({ C: 8, numLatents: 4 }, root.split());
    runs.push({
      name,
      vae,
      adam: new lib.Adam(vae.variables(), { lr: 1e-3 }),
      rng: root.split(),
      initial: await lib.packVariables(vae.variables()),
      losses: [],
      ms: [],
    });
  }
  for (let k = 0; k < steps; k++) {
    const targets = batchTargets(
      data,
      Array.from({ length: batch }, (_, i) => k * batch + i),
      'grey',
    );
    for (const r of runs) {
      await tf.setBackend(r.name);
      const t0 = performance.now();
      const loss = trainStep(r.vae, r.adam, targets, estimator, r.rng);
      r.losses.push((await loss.data())[0]);
      r.ms.push(performance.now() - t0);
      loss.dispose();
      await settleDeferredChecks();
    }
  }
  const weights: Float32Array[] = [];
  for (const r of runs) {
    await tf.setBackend(r.name);
    weights.push(await lib.packVariables(r.vae.variables()));
    r.adam.dispose();
    r.vae.dispose();
  }
  await tf.setBackend(backend);
  const rate = (ms: number[]) =>
    ms.length > 1 ? (ms.length - 1) / (ms.slice(1).reduce((s, t) => s + t, 0) / 1000) : NaN;
  return {
    backend,
    reference,
    steps,
    ...trainingAgreement({ ...runs[0], weights: weights[0] }, { ...runs[1], weights: weights[1] }),
    stepsPerSecond: Object.fromEntries(runs.map((r) => [r.name, rate(r.ms)])),
    firstStepMs: Object.fromEntries(runs.map((r) => [r.name, r.ms[0]])),
  };
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
    return execFileSync('nvidia-smi', ['-L'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 20_000,
    }).trim();
  } catch {
    return undefined;
  }
}

async function main({ values: args }: { values: OptionValues<typeof COMMAND.options> }): Promise<number> {
  if (args.probe) {
    const r = await probe(args.size, args.repeat, args.steps);
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
  const result = JSON.parse(line.slice(MARK.length)) as CheckResult;
  const verdict = judge(result, child.stderr, expected);
  const smi = nvidiaSmi();
  // the lines of TensorFlow's log that say whether it found the GPU
  const GPU_LOG_LINES = [
    'Created device',
    'Could not load dynamic library',
    'Skipping registering GPU',
    'CUDA_ERROR',
    'cuda_diagnostics',
    'kernel driver does not appear',
  ];
  const interesting = child.stderr.split('\n').filter((l) => GPU_LOG_LINES.some((s) => l.includes(s)));
  if (args.json) {
    console.log(
      JSON.stringify(
        { ...result, ...verdict, nvidiaSmi: smi ?? null, variant: process.env.ZGR_VARIANT ?? null },
        null,
        2,
      ),
    );
  } else {
    const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
    console.log(`variant:  ${process.env.ZGR_VARIANT ?? '(not in the image)'}`);
    console.log(
      `backend:  ${result.backend} ` +
        `(${result.chosenBy}${result.skipped.length ? `; did not start: ${result.skipped.join(', ')}` : ''})`,
    );
    if (result.backendPackage)
      console.log(
        `package:  ${result.backendPackage}${result.libtensorflow ? `, libtensorflow ${result.libtensorflow}` : ''}`,
      );
    console.log(`device:   ${verdict.device}`);
    console.log(`nvidia-smi: ${smi ? smi.split('\n').join('; ') : '(not available)'}`);
    console.log(
      `matmul:   ${result.size}x${result.size} float32, first ${f(result.firstMs)} ms ` +
        `(includes kernel compilation), median of ${result.repeat} ${f(result.medianMs)} ms = ` +
        `${f(result.gflops)} GFLOP/s`,
    );
    for (const l of interesting) console.log(`  tf: ${l.trim()}`);
    const { atol, rtol } = TOLERANCE.gradient;
    for (const e of result.estimators) {
      const error = `max |op − float64| ${e.maxError.toExponential(1)}; tolerance ${atol} + ${rtol}·|float64|`;
      const outcome = e.error != null ? `ERROR ${e.error}` : `${e.ok ? 'ok' : 'MISMATCH'} (${error})`;
      console.log(`gradient: ${e.label.padEnd(26)} vs float64: ${outcome}`);
    }
    const t = result.training;
    console.log(
      `training: ${t.steps} VAE steps (8×4, ZGR) on ${t.backend} vs ${t.reference}: ` +
        `${t.ok ? 'ok' : 'MISMATCH'} (losses: max relative difference ` +
        `${t.maxLossRelError.toExponential(1)}, tolerance ${TOLERANCE.lossRel}; final weights: ` +
        `‖w − w_ref‖ / ‖w_ref − w_0‖ = ${t.weightRelError.toExponential(1)}, tolerance ` +
        `${TOLERANCE.weightRel})`,
    );
    for (const name of [t.backend, t.reference])
      console.log(
        `steps/s:  ${name.padEnd(10)} ${t.stepsPerSecond[name].toFixed(2)} (first step ` +
          `${f(t.firstStepMs[name])} ms; alternating with ` +
          `${name === t.backend ? t.reference : t.backend})`,
      );
    for (const n of verdict.notes) console.log(`note:     ${n}`);
  }
  const wrong = mismatches(result);
  if (wrong.length > 0) {
    console.error(
      `gpu-check: FAILED — the ${result.backend} backend disagrees with its reference: ${wrong.join(', ')}`,
    );
    return 3;
  }
  if (verdict.expectGpu && !verdict.onGpu) {
    console.error('gpu-check: FAILED — a GPU was expected but the computation runs on the CPU (see the notes above)');
    return 1;
  }
  console.log(
    `gpu-check: ok — ${verdict.onGpu ? 'on the GPU' : 'on the CPU'}${verdict.expectGpu ? '' : ' (no GPU expected)'}`,
  );
  return 0;
}

if (require.main === module) runCommand(COMMAND, main);

/**
 * Choosing the tfjs backend, once, and recording it.
 *
 * Order: `tensorflow` (tfjs-node or tfjs-node-gpu, when installed) > `wasm` > `cpu`.
 * `webgpu` (npm `webgpu` + `@tensorflow/tfjs-backend-webgpu`, optional dependencies) is opt-in:
 * `ZGR_BACKEND=webgpu`, which the webgpu Docker image sets. Probing it would load Dawn, whose
 * native warnings land on every process's stderr, and where the only adapter is a software Vulkan
 * driver (Mesa's lavapipe) it runs at ~0.1× wasm (PLATFORM.md); the software adapter is still
 * refused for the automatic choice when ZGR_AUTO_WEBGPU=1 asks to probe it.
 * `ZGR_BACKEND=name` overrides, and then a backend that does not start is an error (tfjs would
 * silently fall back).
 * On wasm the BatchMatMul gradient is replaced by one with explicit transposes (PLATFORM.md:
 * tfjs-wasm's transposed matMul is 10–25x slower; gradients stay bit-identical).
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** why this one: 'ZGR_BACKEND' or 'best available' */
  chosenBy: string;
  /** backends tried before it and why they did not start */
  skipped: string[];
}

let chosen: BackendInfo | undefined;

/**
 * tfjs's own console warnings off: its PROD flag, which in tfjs 4.22 gates only those warnings
 * (tfjs-core log.ts; the tfjs maintainers' answer to silencing them). The cpu backend greets
 * every Node process with a banner recommending tfjs-node, which initBackend prefers anyway when
 * it is installed. Backends start with the warnings on (tryBackend), so one that fails says why.
 * Done once when this module loads: scripts, tests and the notebook kernel (kernel-preload.ts).
 */
export function quietTfjs(): void {
  tf.env().set('PROD', true);
}
quietTfjs();
/** WebGPU adapters that are the CPU: Mesa's lavapipe (llvmpipe), SwiftShader, fallback adapters. */
export const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software|cpu/i;

/** The WebGPU adapter's description when it is a software one, else null (call after loading the webgpu package). */
async function softwareWebGpuAdapter(): Promise<string | null> {
  type Adapter = { info?: Record<string, unknown>; isFallbackAdapter?: boolean };
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter: (o?: object) => Promise<Adapter | null> } } })
    .navigator?.gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter == null) return null; // no adapter: the backend will not start anyway
  const info = adapter.info ?? {};
  const text = ['vendor', 'architecture', 'device', 'description']
    .map((k) => info[k])
    .filter((v) => typeof v === 'string' && v !== '')
    .join(' ');
  return adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE_ADAPTER.test(text)
    ? text || 'fallback adapter'
    : null;
}

/** Register a backend's package with tfjs; false when the package is not installed. */
function loadBackendPackage(name: BackendName): boolean {
  try {
    if (name === 'tensorflow') {
      try {
        require('@tensorflow/tfjs-node-gpu');
      } catch {
        require('@tensorflow/tfjs-node');
      }
    } else if (name === 'webgpu') {
      // Dawn for Node (npm `webgpu`) provides navigator.gpu, which the tfjs webgpu backend needs
      const dawn = require('webgpu');
      const g = globalThis as { navigator?: { gpu?: unknown } };
      Object.assign(globalThis, dawn.globals ?? {});
      if (g.navigator == null)
        Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
      g.navigator!.gpu ??= dawn.create([]);
      require('@tensorflow/tfjs-backend-webgpu');
    } else if (name === 'wasm') {
      require('@tensorflow/tfjs-backend-wasm');
    }
    return true;
  } catch {
    return false;
  }
}

/** Try to make `name` the active backend; true when it initialised. */
async function tryBackend(name: BackendName): Promise<boolean> {
  if (!loadBackendPackage(name)) return false;
  const prod = tf.env().getBool('PROD');
  tf.env().set('PROD', false); // tfjs says why a backend does not start
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  } finally {
    tf.env().set('PROD', prod);
  }
}

/**
 * Pick and start the backend (once per process; later calls return the first choice).
 * `preferred` (or env ZGR_BACKEND) names one backend that must start.
 */
export async function initBackend(
  preferred: string | undefined = process.env.ZGR_BACKEND,
  quiet = false,
): Promise<BackendInfo> {
  if (chosen && (preferred == null || preferred === '' || preferred === chosen.name)) return chosen;
  if (preferred != null && preferred !== '') {
    if (!BACKENDS.includes(preferred as BackendName)) {
      throw new Error(
        `initBackend: ZGR_BACKEND must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(preferred)}`,
      );
    }
    if (!(await tryBackend(preferred as BackendName))) {
      throw new Error(
        `initBackend: backend ${JSON.stringify(preferred)} was requested (ZGR_BACKEND) ` +
          'but did not start; is its package installed?',
      );
    }
    chosen = { name: preferred as BackendName, chosenBy: 'ZGR_BACKEND', skipped: [] };
  } else {
    const skipped: string[] = [];
    const probeWebGpu = process.env.ZGR_AUTO_WEBGPU === '1';
    for (const name of BACKENDS.filter((b) => b !== 'webgpu' || probeWebGpu)) {
      const software = name === 'webgpu' && loadBackendPackage(name) ? await softwareWebGpuAdapter() : null;
      if (software != null) {
        skipped.push(`webgpu (software adapter: ${software})`);
        continue;
      }
      if (await tryBackend(name)) {
        chosen = { name, chosenBy: 'best available', skipped };
        break;
      }
      skipped.push(name);
    }
    if (!chosen) throw new Error('initBackend: no tfjs backend started (tried ' + BACKENDS.join(', ') + ')');
  }
  if (chosen.name === 'wasm') useExplicitTransposeMatMulGradient();
  if (!quiet) console.error(`[zgr-companion] tfjs backend: ${chosen.name} (${chosen.chosenBy})`);
  return chosen;
}

/** The backend chosen by `initBackend`, or an error when none was chosen yet. */
export function backendInfo(): BackendInfo {
  if (!chosen) throw new Error('backendInfo: call `await initBackend()` first');
  return chosen;
}

/** matMul(op(a), op(b)) with transposes done as separate ops instead of matMul's flags. */
function matMulExplicit(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  const swapLast = (t: tf.Tensor) => {
    const perm = [...Array(t.rank).keys()];
    [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
    return tf.transpose(t, perm);
  };
  return tf.matMul(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b);
}

/** The stock BatchMatMul gradient of tfjs-core, kept for the test that the fix agrees with it. */
export const stockBatchMatMulGradient = tf.getGradient('BatchMatMul')!;

/**
 * BatchMatMul gradient with explicit transposes: the same products as tfjs-core's gradient
 * (same operands, same summation order), without the slow transposed kernels of tfjs-wasm.
 */
export const explicitTransposeBatchMatMulGradient: tf.GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const g = dy as tf.Tensor;
    if (!transposeA && !transposeB)
      return { a: () => matMulExplicit(g, b, false, true), b: () => matMulExplicit(a, g, true, false) };
    if (!transposeA && transposeB)
      return { a: () => matMulExplicit(g, b, false, false), b: () => matMulExplicit(g, a, true, false) };
    if (transposeA && !transposeB)
      return { a: () => matMulExplicit(b, g, false, true), b: () => matMulExplicit(a, g, false, false) };
    return { a: () => matMulExplicit(b, g, true, true), b: () => matMulExplicit(g, a, true, true) };
  },
};

/** Install the explicit-transpose BatchMatMul gradient (global in tfjs's gradient registry). */
export function useExplicitTransposeMatMulGradient(): void {
  tf.registerGradient(explicitTransposeBatchMatMulGradient);
}

/** Restore tfjs-core's own BatchMatMul gradient. */
export function useStockMatMulGradient(): void {
  tf.registerGradient(stockBatchMatMulGradient);
}

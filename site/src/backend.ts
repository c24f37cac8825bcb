/**
 * The tfjs backend of the page, from ?backend=webgl|wasm|cpu (default webgl). The package never
 * picks one (its entry leaves that to the user's tfjs); the page does, and says what ran:
 * - webgl: when the browser gives no WebGL context, or tfjs cannot start on it, the page says
 *   so and falls back to cpu;
 * - wasm: over http(s) the binaries are fetched from wasm/ next to the page (setWasmPaths);
 *   from file:// Chromium refuses to fetch file URLs, so the page loads wasm-inline.js (the same
 *   binaries as data: URLs, written by scripts/site-build.mjs) and hands those to setWasmPaths;
 *   threads stay off (they need a cross-origin-isolated page, which neither route gives);
 * - cpu: plain JavaScript.
 * Panels (a) and (b) are float64 JavaScript and do not depend on the backend; panel (c), the
 * toy optimisation, runs the package's estimator ops on it.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** what the URL asked for (null: nothing, so the default) */
  requested: string | null;
  /** the backend that runs */
  active: string;
  /** what happened, in words, when it is not what was asked for ('' when it is) */
  note: string;
  /** whether the browser gives a WebGL context (null: not checked, another backend was asked for) */
  webglAvailable: boolean | null;
  /** how the wasm binaries were found ('' unless wasm runs) */
  wasmSource: string;
}

declare global {
  interface Window {
    __zgrWasmBinaries?: Record<string, string>;
  }
}

function webglAvailable(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) != null;
  } catch {
    return false;
  }
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

/** Start tfjs on `name`; false (and nothing thrown) when it cannot start. */
async function start(name: string): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    tf.tidy(() => tf.tensor1d([1, 2, 3]).sum().dataSync()); // a first kernel: the backend really runs
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

export async function selectBackend(requested: string | null): Promise<BackendInfo> {
  const notes: string[] = [];
  let wanted: BackendName = 'webgl';
  if (requested != null) {
    if ((BACKENDS as readonly string[]).includes(requested)) wanted = requested as BackendName;
    else notes.push(`unknown backend "${requested}" (choose webgl, wasm or cpu): using webgl`);
  }
  let gl: boolean | null = null;
  let wasmSource = '';
  if (wanted === 'webgl') {
    gl = webglAvailable();
    if (!gl) notes.push('WebGL is not available in this browser: falling back to the cpu backend');
    else if (await start('webgl'))
      return { requested, active: 'webgl', note: notes.join('; '), webglAvailable: gl, wasmSource };
    else notes.push('WebGL is there but tfjs could not start its webgl backend: falling back to cpu');
  } else if (wanted === 'wasm') {
    try {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (location.protocol === 'file:') {
        await loadScript('wasm-inline.js');
        if (window.__zgrWasmBinaries == null) throw new Error('wasm-inline.js did not define the binaries');
        setWasmPaths(window.__zgrWasmBinaries, true);
        wasmSource = 'binaries inlined as data: URLs (wasm-inline.js; file:// pages cannot fetch wasm/*.wasm)';
      } else {
        setWasmPaths(new URL('wasm/', location.href).href);
        wasmSource = `binaries fetched from ${new URL('wasm/', location.href).href}`;
      }
      if (await start('wasm'))
        return { requested, active: 'wasm', note: notes.join('; '), webglAvailable: gl, wasmSource };
      notes.push('the wasm backend did not start: falling back to cpu');
    } catch (e) {
      notes.push(`the wasm backend did not start (${e instanceof Error ? e.message : String(e)}): falling back to cpu`);
    }
    wasmSource = '';
  }
  if (!(await start('cpu'))) throw new Error('tfjs: not even the cpu backend starts');
  return { requested, active: 'cpu', note: notes.join('; '), webglAvailable: gl, wasmSource };
}

/**
 * Showing a multi-mime display bundle in a tslab notebook.
 *
 * tslab's public `display` API sends one mime type per output (`display.raw(type, data)` builds
 * `{ [type]: data }`), but a figure must go out as ONE display_data with the plotly JSON and a
 * static image together: JupyterLab falls back to the next mime type of the same bundle when the
 * plotly renderer is missing, classic Notebook, nbconvert and GitHub show the image. So we call
 * the function tslab's `display.raw` itself calls, `lastWriteDisplayData` of tslab's jupyter
 * module (tslab 1.0.22, dist/jupyter.js), with the whole bundle. If a later tslab drops it, we
 * fall back to the public API (`display.svg`) and lose only the interactive part.
 */

type WriteDisplayData = (
  content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;

/** The loaded module at `request`, if the running process already loaded it (no loading here). */
function loadedModule(request: string): Record<string, unknown> | null {
  try {
    return (require.cache[require.resolve(request)]?.exports as Record<string, unknown> | undefined) ?? null;
  } catch {
    return null; // tslab not installed
  }
}

/** True when this process is a tslab kernel (its kernel entry module is loaded). */
export function inTslabKernel(): boolean {
  return loadedModule('tslab/dist/main.js') != null || loadedModule('tslab/dist/jupyter.js') != null;
}

/**
 * Send `bundle` (mime type → data; binary data as base64 strings) as one display_data of the
 * running cell. Returns how it was shown: 'bundle', 'svg-only' (fallback), or 'none' outside a
 * kernel.
 */
export function displayBundle(
  bundle: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
): 'bundle' | 'svg-only' | 'none' {
  if (!inTslabKernel()) return 'none';
  const write = loadedModule('tslab/dist/jupyter.js')?.lastWriteDisplayData;
  if (typeof write === 'function') {
    (write as WriteDisplayData)({ data: bundle, metadata, transient: {} }, false);
    return 'bundle';
  }
  const tslab = require('tslab') as { display: { svg(s: string): void; text(s: string): void } };
  if (typeof bundle['image/svg+xml'] === 'string') tslab.display.svg(bundle['image/svg+xml'] as string);
  else tslab.display.text(String(bundle['text/plain'] ?? ''));
  return 'svg-only';
}

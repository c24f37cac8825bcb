/**
 * Jupyter notebooks (.ipynb, nbformat 4) as `jupyter nbconvert --to notebook --execute` reads and
 * writes them, for the Node-only executor (scripts/tslab-executor.ts): read with multi-line
 * strings joined (nbformat's rejoin_lines), outputs made from kernel messages as nbclient makes
 * them (nbformat's output_from_msg), consecutive streams merged as nbconvert's coalesce_streams
 * does, and written byte for byte as nbformat writes: strings split into lines, keys sorted,
 * one-space indentation, non-ASCII kept, Python's float spelling, a final newline.
 */

export type MimeBundle = Record<string, unknown>;

export interface Output {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error';
  name?: string;
  text?: string;
  data?: MimeBundle;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface Cell {
  cell_type: string;
  id?: string;
  source: string;
  metadata: Record<string, unknown>;
  execution_count?: number | null;
  outputs?: Output[];
  attachments?: Record<string, MimeBundle>;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown> & { kernelspec?: { name?: string }; language_info?: unknown };
  nbformat: number;
  nbformat_minor: number;
}

/** The kernel message types that become outputs, and their content. */
export interface OutputMessage {
  msg_type: 'stream' | 'display_data' | 'update_display_data' | 'execute_result' | 'error';
  content: Record<string, unknown>;
}

const joined = (v: unknown): unknown => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join('') : v);

/** Mime types whose string values nbformat stores as lists of lines (besides text/*). */
const SPLIT_MIMES = new Set(['application/javascript', 'image/svg+xml']);
const isSplitMime = (key: string) => key.startsWith('text/') || SPLIT_MIMES.has(key);

function mapBundle(bundle: MimeBundle | undefined, f: (v: unknown) => unknown): MimeBundle | undefined {
  if (bundle == null) return bundle;
  return Object.fromEntries(Object.entries(bundle).map(([k, v]) => [k, isSplitMime(k) ? f(v) : v]));
}

/** Parse .ipynb text (nbformat 4) with its line lists joined into strings. */
export function parseNotebook(text: string): Notebook {
  const nb = JSON.parse(text) as Notebook;
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells))
    throw new Error(`not an nbformat 4 notebook (nbformat ${JSON.stringify(nb.nbformat)})`);
  for (const cell of nb.cells) {
    cell.source = joined(cell.source) as string;
    cell.metadata ??= {};
    if (cell.attachments)
      for (const k of Object.keys(cell.attachments)) cell.attachments[k] = mapBundle(cell.attachments[k], joined)!;
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'stream') out.text = joined(out.text) as string;
      else if (out.data) out.data = mapBundle(out.data, joined);
    }
  }
  return nb;
}

/** nbformat's output_from_msg: the output a kernel message becomes (update_display_data: a display_data). */
export function outputFromMessage(msg: OutputMessage): Output {
  const c = msg.content;
  switch (msg.msg_type) {
    case 'stream':
      return { output_type: 'stream', name: String(c.name), text: String(c.text ?? '') };
    case 'display_data':
    case 'update_display_data':
      return {
        output_type: 'display_data',
        data: (c.data ?? {}) as MimeBundle,
        metadata: (c.metadata ?? {}) as Record<string, unknown>,
      };
    case 'execute_result':
      return {
        output_type: 'execute_result',
        data: (c.data ?? {}) as MimeBundle,
        metadata: (c.metadata ?? {}) as Record<string, unknown>,
        execution_count: (c.execution_count ?? null) as number | null,
      };
    case 'error':
      return {
        output_type: 'error',
        ename: String(c.ename ?? ''),
        evalue: String(c.evalue ?? ''),
        traceback: (c.traceback ?? []) as string[],
      };
  }
}

/** nbconvert's coalesce_streams: merge consecutive streams of one name, drop text overwritten by a bare \r. */
export function coalesceStreams(outputs: readonly Output[]): Output[] {
  const merged: Output[] = [];
  for (const out of outputs) {
    const last = merged[merged.length - 1];
    if (out.output_type === 'stream' && last?.output_type === 'stream' && last.name === out.name)
      last.text = (last.text ?? '') + (out.text ?? '');
    else merged.push(out.output_type === 'stream' ? { ...out } : out);
  }
  // Python's re `.` is anything but \n (JavaScript's also stops at \r, \u2028, \u2029)
  for (const out of merged)
    if (out.output_type === 'stream' && out.text?.includes('\r')) out.text = out.text.replace(/[^\n]*\r(?=[^\n])/g, '');
  return merged;
}

/** Python's str.splitlines(keepends=True). */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  const breaks = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push(text.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Python's repr of a float, for a number that JSON gave Python as one (ints stay digits). */
export function pythonNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`a notebook cannot hold ${x}`);
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return x.toFixed(0) === '-0' ? '0' : x.toFixed(0);
  const [mantissa, exp] = x.toExponential().split('e'); // shortest round-trip digits, as repr
  const e = Number(exp);
  if (e >= -4 && e < 16) return String(x); // positional in both languages here
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Compare by code point, as Python sorts str keys. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": ")). */
export function pythonJson(value: unknown, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value); // same escapes as Python's
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'boolean') return String(value);
  const inner = indent + ' ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + pythonJson(v === undefined ? null : v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort(byCodePoint);
    if (keys.length === 0) return '{}';
    const entry = (k: string) =>
      `${inner}${JSON.stringify(k)}: ${pythonJson((value as Record<string, unknown>)[k], inner)}`;
    return `{\n${keys.map(entry).join(',\n')}\n${indent}}`;
  }
  throw new Error(`a notebook cannot hold a ${typeof value}`);
}

/** nbformat's split_lines and strip_transient, on a copy. */
function forWriting(nb: Notebook): Notebook {
  const split = (v: unknown) => (typeof v === 'string' ? splitLines(v) : v);
  const metadata = { ...nb.metadata };
  for (const k of ['orig_nbformat', 'orig_nbformat_minor', 'signature']) delete metadata[k];
  const cells = nb.cells.map((cell) => {
    const { trusted: _trusted, ...cellMetadata } = cell.metadata ?? {};
    const out: Record<string, unknown> = { ...cell, metadata: cellMetadata, source: split(cell.source) };
    if (cell.attachments)
      out.attachments = Object.fromEntries(Object.entries(cell.attachments).map(([k, b]) => [k, mapBundle(b, split)]));
    if (cell.cell_type === 'code' && cell.outputs) {
      out.outputs = cell.outputs.map((o) =>
        o.output_type === 'stream'
          ? { ...o, text: split(o.text) }
          : o.data
            ? { ...o, data: mapBundle(o.data, split) }
            : o,
      );
    }
    return out as unknown as Cell;
  });
  return { ...nb, metadata, cells };
}

/** The .ipynb text nbformat.writes gives for `nb` (plus nbconvert's final newline). */
export function serializeNotebook(nb: Notebook): string {
  return pythonJson(forWriting(nb)) + '\n';
}

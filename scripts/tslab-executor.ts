/**
 * The Node-only notebook executor: runs a notebook's code cells through tslab's own converter,
 * executor and Jupyter handler in a child Node process (scripts/tslab-kernel.ts: tslab's kernel
 * minus ZeroMQ), and collects each cell's outputs as Jupyter's executor (nbclient, with
 * nbconvert's coalesce_streams) records them: stdout/stderr streams, display_data with the whole
 * mime bundle (tslab's `display` API and lib/plots/display.ts), updates of displays by id,
 * execution counts, the kernel's language_info. It stops at the first failing cell, as
 * nbconvert does, and reports the cell and tslab's message (tslab writes it to the cell's stderr).
 *
 *   const result = await executeNotebook('notebooks/01-estimators-tour.ipynb', { timeoutS: 600 });
 *   if (result.failure == null) fs.writeFileSync(file, serializeNotebook(result.notebook));
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { coalesceStreams, outputFromMessage, parseNotebook, type Cell, type Notebook, type Output } from './ipynb';

/** What went wrong in a cell; the same record scripts/nbconvert-config.py prints for nbconvert. */
export interface CellFailure {
  cell: number;
  execution_count: number | null;
  kind: 'error' | 'async' | 'timeout' | 'died';
  source: string;
  message: string;
}

export interface ExecuteOptions {
  /** the kernel's working directory (default: the notebook's folder) */
  cwd?: string;
  /** the kernel's environment (default: this process's) */
  env?: NodeJS.ProcessEnv;
  /** seconds per cell (default: no limit) */
  timeoutS?: number;
  /** modules the kernel loads first (`node --require`), e.g. scripts/kernel-preload.js */
  preload?: string[];
  /** called as each code cell starts */
  onCell?: (index: number, executionCount: number) => void;
}

export interface ExecutionResult {
  /** the notebook with the outputs of the cells run (all of them unless `failure`) */
  notebook: Notebook;
  failure: CellFailure | null;
  /** tslab's version, as the kernel reported it */
  tslab: string;
  /** what the kernel process printed outside any cell (its own stdout/stderr) */
  kernelLog: string;
}

type KernelMessage =
  | { type: 'ready'; language_info: Record<string, unknown>; tslab: string }
  | { type: 'stream'; cell: number; name: string; text: string }
  | { type: 'display'; cell: number; content: Record<string, unknown>; update: boolean }
  | { type: 'reply'; cell: number; status: string; execution_count?: number };

/** tslab's own process handlers print these into the cell's stderr (main.js). */
const ASYNC_FAILURE_PREFIXES = ['UnhandledPromiseRejection:', 'UncaughtException:'];

const stderrOf = (cell: Cell) =>
  (cell.outputs ?? [])
    .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
    .map((o) => o.text ?? '')
    .join('');

/** The child process and a queue of its messages. */
class Kernel {
  private readonly queue: KernelMessage[] = [];
  private wake: (() => void) | null = null;
  exited: string | null = null;
  log = '';

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: KernelMessage) => this.push(m));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.log += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.log += d));
    child.on('exit', (code, signal) => {
      this.exited = signal ? `signal ${signal}` : `exit code ${code}`;
      this.wake?.();
    });
  }

  private push(m: KernelMessage): void {
    this.queue.push(m);
    this.wake?.();
  }

  /** The next message; null when the kernel exited or `deadline` (ms since epoch) passed. */
  async next(deadline: number): Promise<KernelMessage | null> {
    while (this.queue.length === 0) {
      if (this.exited != null || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(deadline - Date.now(), 2 ** 31 - 1));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.queue.shift()!;
  }

  send(message: Record<string, unknown>): void {
    if (this.exited == null && this.child.connected) this.child.send(message);
  }

  /** Ask the kernel to end; kill it if it is still there after `graceMs`. */
  async shutdown(graceMs = 5000): Promise<void> {
    if (this.exited != null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

function startKernel(options: ExecuteOptions, cwd: string): Kernel {
  const script = path.join(__dirname, 'tslab-kernel.js');
  const child = fork(script, [], {
    cwd,
    env: options.env ?? process.env,
    execArgv: (options.preload ?? []).flatMap((p) => ['--require', p]),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Kernel(child);
}

/**
 * nbclient's bookkeeping of outputs with a display_id: a display_data with an id is recorded
 * where it lands; a later display_data or update_display_data with that id replaces the data
 * and metadata of every recorded output.
 */
class DisplayIds {
  private readonly where = new Map<string, { outputs: Output[]; index: number }[]>();

  update(id: string, out: Output): void {
    for (const { outputs, index } of this.where.get(id) ?? [])
      outputs[index] = { ...outputs[index], data: out.data, metadata: out.metadata };
  }

  record(id: string, outputs: Output[], index: number): void {
    this.where.set(id, [...(this.where.get(id) ?? []), { outputs, index }]);
  }
}

/** Add one kernel message to the cell's outputs, as nbclient's process_message does. */
function collect(cell: Cell, m: Extract<KernelMessage, { type: 'stream' | 'display' }>, ids: DisplayIds): void {
  const outputs = (cell.outputs ??= []);
  if (m.type === 'stream') {
    outputs.push(outputFromMessage({ msg_type: 'stream', content: { name: m.name, text: m.text } }));
    return;
  }
  const msgType = m.update ? 'update_display_data' : 'display_data';
  const out = outputFromMessage({ msg_type: msgType, content: m.content });
  const id = (m.content.transient as { display_id?: string } | undefined)?.display_id;
  if (id) ids.update(id, out);
  if (msgType === 'update_display_data') return;
  if (id) ids.record(id, outputs, outputs.length);
  outputs.push(out);
}

/** Run one cell; resolves with the kernel's reply, or the reason there was none. */
async function runCell(
  kernel: Kernel,
  cell: Cell,
  index: number,
  timeoutS: number | undefined,
  ids: DisplayIds,
): Promise<{ status: string; execution_count?: number } | { lost: 'timeout' | 'died' }> {
  cell.outputs = [];
  kernel.send({ type: 'execute', cell: index, code: cell.source });
  const deadline = timeoutS != null ? Date.now() + timeoutS * 1000 : Infinity;
  for (;;) {
    const m = await kernel.next(deadline);
    if (m == null) return { lost: kernel.exited != null ? 'died' : 'timeout' };
    // output of a cell that already replied: nbclient ignores it too (its parent is done)
    if (m.type === 'ready' || m.cell !== index) continue;
    if (m.type === 'reply') return m;
    collect(cell, m, ids);
  }
}

/** The failure of cell `index`, or null: an error reply, or tslab's report of an async failure in its stderr. */
function cellFailure(
  cell: Cell,
  index: number,
  reply: Awaited<ReturnType<typeof runCell>>,
  kernel: Kernel,
  timeoutS: number | undefined,
): CellFailure | null {
  const base = { cell: index, execution_count: cell.execution_count ?? null, source: cell.source };
  if ('lost' in reply) {
    const message =
      reply.lost === 'timeout'
        ? `the cell ran longer than ${timeoutS} s (ZGR_CELL_TIMEOUT)`
        : `the kernel process ended (${kernel.exited}) while the cell ran`;
    return {
      ...base,
      kind: reply.lost,
      message: [stderrOf(cell), message, kernel.log.trim()].filter((s) => s.trim() !== '').join('\n'),
    };
  }
  if (reply.status !== 'ok')
    return {
      ...base,
      kind: 'error',
      message: stderrOf(cell).trim() || `(the kernel gave no message; status ${reply.status})`,
    };
  const err = stderrOf(cell);
  if (ASYNC_FAILURE_PREFIXES.some((p) => err.includes(p))) return { ...base, kind: 'async', message: err };
  return null;
}

/** Wait for the kernel's ready message (tslab loaded, converter warm). */
async function waitReady(kernel: Kernel): Promise<Extract<KernelMessage, { type: 'ready' }>> {
  const m = await kernel.next(Date.now() + 120_000);
  if (m?.type !== 'ready')
    throw new Error(`the tslab kernel did not start (${kernel.exited ?? 'no answer in 120 s'}):\n${kernel.log.trim()}`);
  return m;
}

/**
 * Execute `file` (an .ipynb whose kernel is tslab) in a fresh tslab kernel process; the notebook
 * file itself is not touched. Cells with blank source are skipped, as nbclient skips them.
 */
export async function executeNotebook(file: string, options: ExecuteOptions = {}): Promise<ExecutionResult> {
  const notebook = parseNotebook(fs.readFileSync(file, 'utf8'));
  const kernel = startKernel(options, options.cwd ?? path.dirname(path.resolve(file)));
  const ids = new DisplayIds();
  let failure: CellFailure | null = null;
  let tslab = '?';
  try {
    const ready = await waitReady(kernel);
    tslab = ready.tslab;
    notebook.metadata.language_info = ready.language_info;
    let count = 0;
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code' || cell.source.trim() === '') continue;
      options.onCell?.(index, ++count);
      const reply = await runCell(kernel, cell, index, options.timeoutS, ids);
      cell.execution_count = 'lost' in reply ? count : (reply.execution_count ?? count);
      failure = cellFailure(cell, index, reply, kernel, options.timeoutS);
      if (failure) break;
    }
  } finally {
    await kernel.shutdown();
  }
  for (const cell of notebook.cells) if (cell.outputs) cell.outputs = coalesceStreams(cell.outputs);
  return { notebook, failure, tslab, kernelLog: kernel.log };
}

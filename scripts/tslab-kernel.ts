/**
 * The child process of the Node-only executor (scripts/tslab-executor.ts): tslab's kernel
 * without its ZeroMQ transport. It builds what `tslab kernel` builds (tslab/dist/main.js,
 * startKernel): tslab's TypeScript converter (converter.js, createConverter), its executor
 * (executor.js, createExecutor) and its Jupyter handler (jupyter.js, JupyterHandlerImpl), and
 * calls the handler's handleExecute for each cell, as the ZeroMQ server does for an
 * execute_request. The handler itself redirects process.stdout/stderr to the cell's stream
 * callback and sets lastWriteDisplayData (which tslab's `display` API and lib/plots/display.ts
 * call), so cells run exactly as in the kernel; only the messages go over Node's IPC channel
 * instead of ZeroMQ:
 *
 *   parent → child   { type: 'execute', cell, code }       { type: 'shutdown' }
 *   child → parent   { type: 'ready', language_info, tslab }
 *                    { type: 'stream', cell, name, text }   { type: 'display', cell, content, update }
 *                    { type: 'reply', cell, status, execution_count }
 *
 * Run with cwd = the notebook's folder (tslab compiles cells with rootDir = cwd).
 */
import * as path from 'node:path';

interface Converter {
  close(): void;
}
interface ConverterSet {
  readonly node: Converter;
  readonly browser: Converter;
  close(): void;
}
type WriteStream = (name: string, text: string) => void;
type WriteDisplayData = (content: unknown, update: boolean) => void;
interface JupyterHandler {
  handleKernel(): { language_info: Record<string, unknown> };
  handleExecute(
    req: { code: string },
    writeStream: WriteStream,
    writeDisplayData: WriteDisplayData,
  ): Promise<{ status: string; execution_count?: number }>;
  close(): void;
}

/**
 * tslab's modules, loaded from the notebook's folder as the kernel would load them (a clear error if
 * its internals moved).
 */
function loadTslab() {
  const req = (m: string) =>
    require(require.resolve(m, { paths: [process.cwd(), __dirname] })) as Record<string, unknown>;
  const converter = req('tslab/dist/converter.js');
  const executor = req('tslab/dist/executor.js');
  const jupyter = req('tslab/dist/jupyter.js');
  const version = (req('tslab/package.json') as { version?: string }).version ?? '?';
  const missing = [
    ['converter.js', 'createConverter', converter.createConverter],
    ['executor.js', 'createExecutor', executor.createExecutor],
    ['jupyter.js', 'JupyterHandlerImpl', jupyter.JupyterHandlerImpl],
  ].filter(([, , f]) => typeof f !== 'function');
  if (missing.length > 0)
    throw new Error(
      `tslab ${version} lacks ` +
        `${missing.map(([file, name]) => `${name} in dist/${file}`).join(', ')} (written for ` +
        `tslab 1.0.22); use --executor jupyter`,
    );
  return {
    version,
    createConverter: converter.createConverter as (o: { isJS: boolean; isBrowser: boolean }) => Converter,
    createExecutor: executor.createExecutor as (
      rootDir: string,
      convs: ConverterSet,
      out: { log: (...a: unknown[]) => void; error: (...a: unknown[]) => void },
    ) => unknown,
    JupyterHandlerImpl: jupyter.JupyterHandlerImpl as new (executor: unknown, isJs: boolean) => JupyterHandler,
  };
}

/** tslab's ConverterSetImpl (main.js; not exported): one converter per mode, made at first use. */
function converterSet(create: (o: { isJS: boolean; isBrowser: boolean }) => Converter): ConverterSet {
  let node: Converter | undefined;
  let browser: Converter | undefined;
  return {
    get node() {
      return (node ??= create({ isJS: false, isBrowser: false }));
    },
    get browser() {
      return (browser ??= create({ isJS: false, isBrowser: true }));
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
}

function send(message: Record<string, unknown>): void {
  if (process.connected) process.send!(message);
}

/** startKernel without the ZeroMQ server: the handler, tslab's process handlers, and the IPC loop. */
function main(): void {
  if (!process.send)
    throw new Error(`${path.basename(__filename)} is the child of scripts/tslab-executor.ts (it needs an IPC channel)`);
  const tslab = loadTslab();
  const convs = converterSet(tslab.createConverter);
  void convs.node; // warm the converter, as startKernel does
  const executor = tslab.createExecutor(process.cwd(), convs, {
    log: (...a: unknown[]) => console.log(...a),
    error: (...a: unknown[]) => console.error(...a),
  });
  const handler = new tslab.JupyterHandlerImpl(executor, false);
  // tslab's own handlers (main.js): the message lands in the running cell's stderr
  process.on('uncaughtException', (err) => console.error('UncaughtException:', err));
  process.on('unhandledRejection', (reason) => console.error('UnhandledPromiseRejection:', reason));
  // SIGINT interrupts a cell in the kernel; here the parent stops the whole run instead

  process.on('message', (msg: { type: string; cell?: number; code?: string }) => {
    if (msg.type === 'execute') {
      const cell = msg.cell;
      const writeStream: WriteStream = (name, text) => send({ type: 'stream', cell, name, text });
      const writeDisplayData: WriteDisplayData = (content, update) => send({ type: 'display', cell, content, update });
      void handler
        .handleExecute({ code: msg.code ?? '' }, writeStream, writeDisplayData)
        .then((reply) => send({ type: 'reply', cell, ...reply }));
    } else if (msg.type === 'shutdown') {
      handler.close();
      process.disconnect();
      // what the notebook left running (timers, a browser) gets a moment, then the process ends
      setTimeout(() => process.exit(0), 1000);
    }
  });
  send({ type: 'ready', language_info: handler.handleKernel().language_info, tslab: tslab.version });
}

main();

/**
 * Loaded into every tslab kernel of this project (`node --require` in the kernelspec that
 * scripts/jupyter.ts writes). When env ZGR_ASYNC_FAILURES_FILE is set (npm run reproduce sets it
 * per notebook), every unhandled promise rejection and uncaught exception is appended to that
 * file as one JSON line. tslab only logs these to the running cell's stderr, and a rejection that
 * fires after its cell has finished is logged to no cell at all; the runner reads the file and
 * fails the notebook either way. Without the variable it only quiets tfjs (below).
 *
 * It also turns tfjs's own console warnings off (lib/backend.ts quietTfjs), so that a new
 * notebook's first tensor does not print tfjs's "running TensorFlow.js in Node.js" banner in red.
 */
import * as fs from 'node:fs';
import { quietTfjs } from '../lib/backend';

quietTfjs();

const file = process.env.ZGR_ASYNC_FAILURES_FILE;
if (file) {
  const record = (kind: string, err: unknown) => {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    // tslab's heartbeat loop throws "Socket is closed" when the kernel's zeromq sockets close at
    // shutdown (seen about once in 7 container runs): the kernel's transport, not notebook code
    // (no notebook here uses sockets, so the message alone identifies it)
    if (/^Error: Socket is closed/.test(message)) return;
    try {
      fs.appendFileSync(file, JSON.stringify({ kind, message }) + '\n');
    } catch {
      // nowhere to report: tslab still logs it
    }
  };
  process.on('unhandledRejection', (reason) => record('unhandled promise rejection', reason));
  // a monitor only observes: tslab's own handler still decides what happens
  process.on('uncaughtExceptionMonitor', (err) => record('uncaught exception', err));
}

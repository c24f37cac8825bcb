/**
 * The folder of one resumable run, `<resultsDir>/<key>/`, and the files in it:
 *   result.json          the run's result so far, rewritten after every epoch
 *   checkpoint.json      where to resume: the caller's record plus the name of its state file
 *   checkpoint-e<N>.bin  the state after epoch N (float32 little-endian); one is kept at a time
 *   snapshot-e<N>.bin    weights kept after epoch N, for later analysis
 * Every file is written atomically (write.ts), and a state file before the JSON that points at
 * it, so a run killed at any moment (even kill -9) leaves a checkpoint that reads back whole.
 * The store knows nothing of what is trained: records are the caller's JSON, states float arrays.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './write';

const RESULT = 'result.json';
const CHECKPOINT = 'checkpoint.json';
const CHECKPOINT_STATE = /^checkpoint-e\d+\.bin$/;

/** What a checkpoint record must hold: the run it belongs to and the epoch it was taken after. */
export interface CheckpointRecord {
  key: string;
  epoch: number;
}

/** The bytes of float32 values, in the platform's byte order (little-endian on x86 and ARM). */
export function floatsToBytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A file of float32 values back as an array. */
export function readFloats(file: string): Float32Array {
  const b = fs.readFileSync(file);
  if (b.byteLength % 4 !== 0) throw new Error(`${file}: ${b.byteLength} bytes is not a whole number of float32 values`);
  const out = new Float32Array(b.byteLength / 4);
  floatsToBytes(out).set(b);
  return out;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${file}: cannot be read as JSON (${(err as Error).message}); delete it to start the run over`);
  }
}

/** The files of one run, in its folder `<resultsDir>/<key>`. */
export class RunFolder {
  /** the folder's path: `<resultsDir>/<key>` */
  readonly dir: string;

  constructor(
    resultsDir: string,
    readonly key: string,
  ) {
    this.dir = path.join(resultsDir, key);
  }

  /** Create the folder (a run that has started shows up even before its first checkpoint). */
  create(): void {
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /** The stored result (finished or not), or null when the run never wrote one. */
  readResult<R>(): R | null {
    return readJson<R>(path.join(this.dir, RESULT));
  }

  writeResult<R>(result: R): void {
    writeJsonAtomic(path.join(this.dir, RESULT), result);
  }

  /** The last checkpoint of this run with its state, or null when there is none (or it is another run's). */
  readCheckpoint<M extends CheckpointRecord>(): { record: M; state: Float32Array; stateFile: string } | null {
    const saved = readJson<M & { file: string }>(path.join(this.dir, CHECKPOINT));
    if (saved == null || saved.key !== this.key) return null;
    const stateFile = path.join(this.dir, saved.file);
    return { record: saved, state: readFloats(stateFile), stateFile };
  }

  /** Checkpoint: the state file first, then the JSON that points at it, then the older state files go. */
  writeCheckpoint<M extends CheckpointRecord>(record: M, state: Float32Array): void {
    const file = `checkpoint-e${record.epoch}.bin`;
    writeFileAtomic(path.join(this.dir, file), floatsToBytes(state));
    writeJsonAtomic(path.join(this.dir, CHECKPOINT), { ...record, file });
    this.removeStates((old) => old !== file);
  }

  /** Delete the checkpoint and its state (once the result is final: the state is MBs per run). */
  clearCheckpoint(): void {
    fs.rmSync(path.join(this.dir, CHECKPOINT), { force: true });
    this.removeStates(() => true);
  }

  snapshotFile(epoch: number): string {
    return path.join(this.dir, `snapshot-e${epoch}.bin`);
  }

  writeSnapshot(epoch: number, weights: Float32Array): void {
    writeFileAtomic(this.snapshotFile(epoch), floatsToBytes(weights));
  }

  /** The weights kept after `epoch`, or null when there is no such snapshot. */
  readSnapshot(epoch: number): Float32Array | null {
    const file = this.snapshotFile(epoch);
    return fs.existsSync(file) ? readFloats(file) : null;
  }

  private removeStates(which: (file: string) => boolean): void {
    for (const old of fs.readdirSync(this.dir))
      if (CHECKPOINT_STATE.test(old) && which(old)) fs.rmSync(path.join(this.dir, old), { force: true });
  }
}

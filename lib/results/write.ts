/**
 * The one atomic writer: every result and figure file is written to a temporary file in the same
 * folder and renamed over the target, so a reader (or a crashed run) never sees half a file.
 * rename(2) is atomic only within one file system, hence "same folder", not os.tmpdir().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let counter = 0;

/** Write `content` to `file` atomically (creating its folder); returns the absolute path. */
export function writeFileAtomic(file: string, content: string | Uint8Array): string {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // unique per process and call; *.tmp is git-ignored
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${counter++}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd); // the bytes are on disk before the name points at them
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return target;
}

/**
 * Write `data` as JSON (2-space indent, trailing newline) atomically. Non-finite numbers have no
 * JSON form: they are an error here rather than a silent `null`.
 */
export function writeJsonAtomic(file: string, data: unknown): string {
  const text = JSON.stringify(
    data,
    (key, value) => {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new Error(`writeJsonAtomic: ${file}: ${JSON.stringify(key)} is ${value}, which JSON cannot hold`);
      }
      return value;
    },
    2,
  );
  return writeFileAtomic(file, text + '\n');
}

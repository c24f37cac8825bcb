/**
 * Bias, variance, MSE and cosine of any registry estimator on an enumerable problem (PAPER.md E1):
 * exact (enumeration) for estimators that are functions of the sample; for ST-GS and GR-MCK, exact
 * over the sample and Monte Carlo over the noise given the sample, with calibrated standard
 * errors (replicates and the delta method, lib/exact/quality.ts). The moments themselves and the
 * scale-free metrics of C7 come along as `moments` and `quality`.
 */
import { dot } from '../math/vector';
import type { EstimatorOptions } from '../estimators/registry';
import { resolvePathwise } from '../estimators/spec';
import type { Random } from '../random';
import { conditionalMoments, exactMoments, type Moments } from './estimator-moments';
import { draws, estimatorStats, exactGradient, perVariable, type EstimatorStats, type Problem } from './moments';
import { estimatorQuality, type Quality } from './quality';

export interface StatsWithError extends EstimatorStats {
  method: 'exact' | 'monte-carlo';
  /** standard errors (0 when exact): of each mean entry, of the bias norm, of the variance */
  se: { mean: number[][]; biasNorm: number; variance: number };
  /** noise draws per joint state (0 when exact) */
  samplesPerState: number;
  /**
   * E_x E‖g − E[g | x]‖², the part of the variance due to the noise given the sample (0 for
   * functions of the sample). Averaging K independent noise draws (GR-MCK) divides it by K:
   * variance_K = (variance − noiseVariance) + noiseVariance / K.
   */
  noiseVariance: number;
  /** E g and E‖g‖² (with replicates when Monte Carlo) */
  moments: Moments;
  /** scale-free metrics with intervals (C7) */
  quality: Quality;
}

/** Independent replicates of the Monte Carlo part (batch means for the standard errors). */
export const REPLICATES = 20;

/** Stats of the registry estimator `name` with `options` on a float64 problem (logits = log p). */
export function registryStats(
  problem: Problem<number>,
  name: string,
  options: EstimatorOptions = {},
  mc: { samplesPerState?: number; rng?: Random } = {},
): StatsWithError {
  const { row: e, options: o } = resolvePathwise({ name, options }, 'registryStats');
  if (e.forward !== 'sample')
    throw new Error(`registryStats: ${name} has a relaxed forward value; v at a one-hot sample does not apply`);
  const logits = problem.p.map((pi) => pi.map(Math.log));
  const zeros = problem.p.map((pi) => pi.map(() => 0));
  const all = draws(problem);
  const grad = exactGradient(problem).gradient.flat();
  const n = grad.length;
  if (e.sampleFunction) {
    const stats = estimatorStats(
      problem,
      perVariable((i, x, v) => e.gradient(logits[i], v, o, { x, gumbel: [] })),
    );
    const moments = exactMoments(n, (add) =>
      all.forEach(({ prob, draw }) =>
        add(
          prob,
          draw.state.flatMap((x, i) => e.gradient(logits[i], draw.v[i], o, { x, gumbel: [] })),
        ),
      ),
    );
    return {
      ...stats,
      method: 'exact',
      se: { mean: zeros, biasNorm: 0, variance: 0 },
      samplesPerState: 0,
      noiseVariance: 0,
      moments,
      quality: estimatorQuality(grad, moments),
    };
  }
  const { rng } = mc;
  const N = mc.samplesPerState ?? 2000;
  if (rng == null || e.givenSample == null)
    throw new Error(`registryStats: ${name} needs Monte Carlo: option rng is required`);
  if (!Number.isInteger(N) || N < 2 * REPLICATES)
    throw new Error(`registryStats: samplesPerState must be an integer ≥ ${2 * REPLICATES}, got ${N}`);
  const drawsPerReplicate = Math.ceil(N / REPLICATES);
  const gradNorm = Math.sqrt(dot(grad, grad));
  let cosine = 0; // E[cos(g, ∇)] over all draws
  let mse = 0;
  const [moments, conditionalMean] = conditionalMoments(
    n,
    { replicates: REPLICATES, drawsPerReplicate, Ks: [1, Infinity] },
    (add) => {
      for (const { prob, draw } of all) {
        const w = prob / (REPLICATES * drawsPerReplicate);
        add(prob, () => {
          const g = draw.state.flatMap((x, i) => e.givenSample!(logits[i], x, draw.v[i], o, rng));
          const gg = dot(g, g);
          if (gg > 0 && gradNorm > 0) cosine += (w * dot(g, grad)) / (Math.sqrt(gg) * gradNorm);
          mse += w * g.reduce((s, gj, j) => s + (gj - grad[j]) ** 2, 0);
          return g;
        });
      }
    },
  );
  const quality = estimatorQuality(grad, moments);
  const mean = Array.from(moments.mean);
  const bias = mean.map((m, j) => m - grad[j]);
  const R = moments.replicates.length;
  const seMean = mean.map((m, j) =>
    Math.sqrt(moments.replicates.reduce((s, r) => s + (r.mean[j] - m) ** 2, 0) / (R * (R - 1))),
  );
  const shape = <T>(flat: T[]) => {
    let k = 0;
    return problem.p.map((pi) => pi.map(() => flat[k++]));
  };
  const std = quality.relativeStd.estimate * gradNorm;
  return {
    method: 'monte-carlo',
    mean: shape(mean),
    bias: shape(bias),
    biasNorm: quality.relativeBias.estimate * gradNorm,
    variance: std * std,
    mse,
    cosine,
    se: {
      mean: shape(seMean),
      biasNorm: quality.relativeBias.se * gradNorm,
      variance: 2 * std * quality.relativeStd.se * gradNorm,
    },
    samplesPerState: REPLICATES * drawsPerReplicate,
    noiseVariance: moments.secondMoment - conditionalMean.secondMoment,
    moments,
    quality,
  };
}

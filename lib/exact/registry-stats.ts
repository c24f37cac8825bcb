/**
 * Bias, variance, MSE and cosine of any registry estimator on an enumerable problem (PAPER.md E1):
 * exact (enumeration) for estimators that are functions of the sample; for ST-GS and GR-MCK, exact
 * over the sample and Monte Carlo over the noise given the sample, with standard errors.
 */
import { estimator, withDefaults, type EstimatorOptions } from '../estimators/registry';
import type { Random } from '../random';
import { draws, estimatorStats, exactGradient, perVariable, type EstimatorStats, type Problem } from './moments';

export interface StatsWithError extends EstimatorStats {
  method: 'exact' | 'monte-carlo';
  /** standard errors (0 when exact) */
  se: { mean: number[][]; biasNorm: number; variance: number };
  /** noise draws per joint state (0 when exact) */
  samplesPerState: number;
  /**
   * E_x E‖g − E[g | x]‖², the part of the variance due to the noise given the sample (0 for
   * functions of the sample). Averaging K independent noise draws (GR-MCK) divides it by K:
   * variance_K = (variance − noiseVariance) + noiseVariance / K.
   */
  noiseVariance: number;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, aj, j) => s + aj * b[j], 0);

/** Stats of the registry estimator `name` with `options` on a float64 problem (logits = log p). */
export function registryStats(
  problem: Problem<number>,
  name: string,
  options: EstimatorOptions = {},
  mc: { samplesPerState?: number; rng?: Random } = {},
): StatsWithError {
  const e = estimator(name);
  if (e.forward !== 'sample') throw new Error(`registryStats: ${name} has a relaxed forward value; v at a one-hot sample does not apply`);
  const o = withDefaults(e, options);
  const logits = problem.p.map((pi) => pi.map(Math.log));
  const zeros = problem.p.map((pi) => pi.map(() => 0));
  if (e.sampleFunction) {
    const stats = estimatorStats(
      problem,
      perVariable((i, x, v) => e.gradient(logits[i], v, o, { x, gumbel: [] })),
    );
    return { ...stats, method: 'exact', se: { mean: zeros, biasNorm: 0, variance: 0 }, samplesPerState: 0, noiseVariance: 0 };
  }
  const { rng } = mc;
  const N = mc.samplesPerState ?? 2000;
  if (rng == null || e.givenSample == null) throw new Error(`registryStats: ${name} needs Monte Carlo: option rng is required`);
  if (!Number.isInteger(N) || N < 2) throw new Error(`registryStats: samplesPerState must be an integer ≥ 2, got ${N}`);
  const grad = exactGradient(problem).gradient.flat();
  const gradNorm = Math.sqrt(dot(grad, grad));
  const n = grad.length;
  const mean = new Array<number>(n).fill(0);
  const meanVar = new Array<number>(n).fill(0); // Σ_s P(s)² Var_s(g_j) / N
  let secondMoment = 0; // E‖g‖²
  let secondMomentVar = 0;
  let mse = 0;
  let cosine = 0;
  let noiseVariance = 0;
  for (const { prob, draw } of draws(problem)) {
    const sum = new Array<number>(n).fill(0);
    const sumSq = new Array<number>(n).fill(0);
    let normSq = 0;
    let normSqSq = 0;
    let errSq = 0;
    let cos = 0;
    for (let k = 0; k < N; k++) {
      const g = draw.state.flatMap((x, i) => e.givenSample!(logits[i], x, draw.v[i], o, rng));
      g.forEach((gj, j) => {
        sum[j] += gj;
        sumSq[j] += gj * gj;
      });
      const gg = dot(g, g);
      normSq += gg;
      normSqSq += gg * gg;
      errSq += g.reduce((s, gj, j) => s + (gj - grad[j]) ** 2, 0);
      if (gg > 0 && gradNorm > 0) cos += dot(g, grad) / (Math.sqrt(gg) * gradNorm);
    }
    noiseVariance += (prob * (normSq / N - dot(sum, sum) / (N * N)) * N) / (N - 1);
    sum.forEach((sj, j) => {
      const m = sj / N;
      mean[j] += prob * m;
      meanVar[j] += (prob * prob * Math.max(0, sumSq[j] / N - m * m)) / (N - 1);
    });
    const m2 = normSq / N;
    secondMoment += prob * m2;
    secondMomentVar += (prob * prob * Math.max(0, normSqSq / N - m2 * m2)) / (N - 1);
    mse += (prob * errSq) / N;
    cosine += (prob * cos) / N;
  }
  const bias = mean.map((m, j) => m - grad[j]);
  const shape = <T>(flat: T[]) => {
    let k = 0;
    return problem.p.map((pi) => pi.map(() => flat[k++]));
  };
  const seMean = meanVar.map(Math.sqrt);
  return {
    method: 'monte-carlo',
    mean: shape(mean),
    bias: shape(bias),
    biasNorm: Math.sqrt(dot(bias, bias)),
    variance: secondMoment - dot(mean, mean),
    mse,
    cosine,
    se: { mean: shape(seMean), biasNorm: Math.sqrt(dot(seMean, seMean)), variance: Math.sqrt(secondMomentVar) },
    samplesPerState: N,
    noiseVariance,
  };
}

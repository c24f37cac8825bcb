/**
 * The cost of cold Gumbel-Rao (notebook 03; claims C1, C4, C7 — the problem is ours): on a random
 * quadratic of two categorical variables, GR-MCK's bias, noise variance and MSE against tau for
 * several K, with ZGR's exact MSE as the reference. One set of Monte Carlo runs (ST-GS = GR-MC1,
 * given each sample) serves every K, since averaging K independent perturbations divides the
 * noise variance by K and leaves the mean alone:
 *     MSE_K(tau) = ‖bias(tau)‖² + (variance − noiseVariance)(tau) + noiseVariance(tau) / K
 */
import { registryStats } from '../exact/registry-stats';
import { randomPolynomialProblem } from '../exact/toy-problems';
import { float64 } from '../math/field';
import { Random } from '../random';
import type { ProfileName } from '../results/profile';

export interface ColdGrConfig {
  /** temperatures of the sweep */
  taus: number[];
  /** numbers of perturbations K of GR-MCK */
  Ks: number[];
  /** noise draws per joint state of the Monte Carlo (per tau) */
  samplesPerState: number;
  /** categories of the problem's variables */
  Cs: number[];
  /** seed of the problem (its coefficients and probabilities) */
  problemSeed: number;
}

const logSpace = (from: number, to: number, n: number) =>
  Array.from({ length: n }, (_, k) => from * (to / from) ** (k / (n - 1)));

const QUICK: ColdGrConfig = {
  taus: logSpace(0.02, 2, 9),
  Ks: [1, 10, 100, 1000],
  samplesPerState: 3000,
  Cs: [3, 3],
  problemSeed: 7,
};

export const COLD_GR_PROFILES: Record<ProfileName, ColdGrConfig> = {
  quick: QUICK,
  medium: QUICK, // no committed medium runs: the quick settings
  long: QUICK, // likewise
  paper: { taus: logSpace(0.01, 4, 17), Ks: [1, 10, 100, 1000], samplesPerState: 40000, Cs: [3, 3], problemSeed: 7 },
};

export interface ColdGrRow {
  tau: number;
  biasNorm: number;
  biasSE: number;
  variance: number;
  noiseVariance: number;
  /** MSE of GR-MCK for each K of the config, same order */
  mse: number[];
}

export interface ColdGrResult {
  rows: ColdGrRow[];
  Ks: number[];
  zgr: { biasNorm: number; variance: number; mse: number };
  st: { biasNorm: number; variance: number; mse: number };
  /** the smallest MSE of GR-MCK over the taus, per K */
  bestGrMse: number[];
  /** the ST-ZGR family (exact), a from 0 (ST) to 1 (ZGR): the bias–variance curve of C7 */
  stZgrFamily: { a: number; biasNorm: number; variance: number; mse: number }[];
}

export function runColdGr(config: ColdGrConfig, seed = 1): ColdGrResult {
  const problem = randomPolynomialProblem(float64, Random.fromSeed(config.problemSeed), config.Cs, 2);
  const rng = Random.fromSeed(seed);
  const rows = config.taus.map((tau) => {
    const s = registryStats(problem, 'stGs', { tau }, { samplesPerState: config.samplesPerState, rng });
    const between = s.variance - s.noiseVariance;
    return {
      tau,
      biasNorm: s.biasNorm,
      biasSE: s.se.biasNorm,
      variance: s.variance,
      noiseVariance: s.noiseVariance,
      mse: config.Ks.map((K) => s.biasNorm ** 2 + between + s.noiseVariance / K),
    };
  });
  const pick = (name: string) => {
    const s = registryStats(problem, name);
    return { biasNorm: s.biasNorm, variance: s.variance, mse: s.mse };
  };
  return {
    rows,
    Ks: config.Ks,
    zgr: pick('zgr'),
    st: pick('st'),
    bestGrMse: config.Ks.map((_, k) => Math.min(...rows.map((r) => r.mse[k]))),
    stZgrFamily: Array.from({ length: 11 }, (_, k) => {
      const s = registryStats(problem, 'stZgr', { a: k / 10 });
      return { a: k / 10, biasNorm: s.biasNorm, variance: s.variance, mse: s.mse };
    }),
  };
}

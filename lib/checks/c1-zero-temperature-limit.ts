/**
 * C1, zero-temperature limit (PAPER.md): E[J_tau(logits + G) | argmax = x] → ZGR's Jacobian
 *     (diag(p) − p pᵀ + (e_x − p)(e_x − p)ᵀ) / 2
 * as tau → 0, the deviation shrinking about linearly in tau; hence GR-MCK → ZGR.
 * C = 2: quadrature; C > 2: Monte Carlo over the conditional Gumbel draw, with standard errors.
 * c1ZeroTemperatureLimit measures one case; c1Verdict judges cases against C1_THRESHOLDS, and
 * c1ColdGrVerdict judges what the limit does to GR-MCK on a toy problem (runColdGr, notebook 03).
 */
import { checkIndex, checkLogitsArray, checkTemperature } from '../estimators/validate';
import {
  conditionalJacobianBinary,
  conditionalJacobianMC,
  maxAbsDifference,
  zgrJacobian,
  type Matrix,
} from '../exact/tempered-jacobian';
import { logLogSlope } from '../math/slope';
import { softmax } from '../math/softmax';
import type { Random } from '../random';
import { atLeast, atMost, claimReport, formatShort, inRange, type ClaimReport, type Comparison } from './report';

export interface C1Row {
  tau: number;
  /** max_ij |E[J_tau | x] − J_ZGR|_ij */
  deviation: number;
  /** largest standard error of an entry (0 for quadrature) */
  se: number;
  conditionalJacobian: Matrix;
}

export interface C1Result {
  method: 'quadrature' | 'monte-carlo';
  zgrJacobian: Matrix;
  rows: C1Row[];
  /** least-squares slope of log(deviation) against log(tau): about 1 when the deviation is linear in tau */
  slope: number;
}

export function c1ZeroTemperatureLimit(args: {
  logits: number[];
  x: number;
  taus: number[];
  /** Monte Carlo samples per tau (C > 2) */
  samples?: number;
  rng?: Random;
}): C1Result {
  const { logits, x, taus } = args;
  checkLogitsArray('c1ZeroTemperatureLimit', logits);
  checkIndex('c1ZeroTemperatureLimit', x, logits.length);
  taus.forEach((tau) => checkTemperature('c1ZeroTemperatureLimit', 'tau', tau));
  const target = zgrJacobian(softmax(logits), x);
  const binary = logits.length === 2;
  if (!binary && args.rng == null)
    throw new Error('c1ZeroTemperatureLimit: option rng is required for C > 2 (Monte Carlo)');
  const rows = taus.map((tau) => {
    const mc = binary ? undefined : conditionalJacobianMC(logits, x, tau, args.samples ?? 100000, args.rng!);
    const J = mc ? mc.mean : conditionalJacobianBinary(logits, x, tau);
    const se = mc ? Math.max(...mc.se.flat()) : 0;
    return { tau, deviation: maxAbsDifference(J, target), se, conditionalJacobian: J };
  });
  return {
    method: binary ? 'quadrature' : 'monte-carlo',
    zgrJacobian: target,
    rows,
    slope: logLogSlope(
      rows.map((r) => r.tau),
      rows.map((r) => r.deviation),
    ),
  };
}

/** The rules of C1, for notebook 03 and test/claims/c1-zero-temperature-limit.test.ts alike. */
export const C1_THRESHOLDS = {
  /** C = 2, by quadrature (errors far below the effects) */
  quadrature: {
    /**
     * the slope is read over tau ≤ maxTau, where deviation / tau has settled (for logits
     * (0.3, −0.4), x = 1 it still rises at tau = 0.1)
     */
    maxTau: 0.01,
    /** log–log slope of the deviation against tau: linear */
    slope: [0.98, 1.02],
    /** the sweep reaches tau ≤ coldTau, where the deviation is below maxColdDeviation: the limit is reached */
    coldTau: 0.001,
    maxColdDeviation: 2e-4,
  },
  /** C > 2, by Monte Carlo: J_tau's variance grows as tau falls, so such a sweep stops near tau = 1/16 */
  monteCarlo: {
    maxTau: 0.5,
    /**
     * about linear: over tau in [1/16, 1/2] the deviation falls with slope ≈ 0.8–0.9, short of the
     * asymptotic 1, which the quadrature cases reach only below tau ≈ 0.02
     */
    slope: [0.6, 1.4],
    /**
     * the deviation at the coldest tau is below the one at the warmest tau ≤ maxTau by this many standard
     * errors (of both)
     */
    minDropInSE: 5,
  },
  /** GR-MCK on a toy quadratic (runColdGr), at the coldest tau of its sweep, against ZGR's exact moments */
  coldGr: {
    /** the K whose MSE is compared */
    K: 1000,
    /** |MSE of GR-MCK − ZGR's| ÷ ZGR's (Monte Carlo error of the quick profile: a few %) */
    maxMseGap: 0.2,
    /** |variance over x of E[g | x] − ZGR's variance| ÷ ZGR's variance */
    maxVarianceGap: 0.2,
    /** GR's bias at the coldest tau ÷ at the warmest */
    maxColdToWarmBias: 0.2,
    /**
     * the noise given x, which GR-MCK divides by K, grows like 1/tau (C4): log–log slope over tau
     * ≤ maxNoiseTau (measured −1.15 … −1.18)
     */
    maxNoiseTau: 0.2,
    noiseSlope: [-1.4, -0.7],
  },
} as const;

const STATEMENT =
  'E[J_τ(logits + G) | argmax = x] → J_ZGR(x) as τ → 0, the deviation shrinking about linearly in τ (so GR-MCK → ZGR)';

/** Rows with tau ≤ maxTau, warmest first. */
const coldRows = (r: C1Result, maxTau: number) => r.rows.filter((q) => q.tau <= maxTau).sort((a, b) => b.tau - a.tau);

/** The slope of log deviation against log tau over rows. */
const deviationSlope = (rows: readonly C1Row[]) =>
  logLogSlope(
    rows.map((q) => q.tau),
    rows.map((q) => q.deviation),
  );

/** The C1 verdict on labelled cases of c1ZeroTemperatureLimit, each judged by the rules of its method. */
export function c1Verdict(cases: readonly { label: string; result: C1Result }[]): ClaimReport<typeof C1_THRESHOLDS> {
  const comparisons = cases.flatMap(({ label, result }): Comparison[] => {
    if (result.method === 'quadrature') {
      const t = C1_THRESHOLDS.quadrature;
      const rows = coldRows(result, t.maxTau);
      const coldest = result.rows.reduce((a, b) => (b.tau < a.tau ? b : a));
      return [
        inRange(
          `slope (${label})`,
          `${label}: log–log slope of the deviation over τ ≤ ${t.maxTau}`,
          deviationSlope(rows),
          t.slope,
        ),
        atMost(`coldest tau (${label})`, `${label}: coldest τ of the sweep`, coldest.tau, t.coldTau),
        atMost(
          `coldest deviation (${label})`,
          `${label}: deviation at τ = ${coldest.tau}`,
          coldest.deviation,
          t.maxColdDeviation,
        ),
      ];
    }
    const t = C1_THRESHOLDS.monteCarlo;
    const rows = coldRows(result, t.maxTau);
    const [warm, cold] = [rows[0], rows[rows.length - 1]];
    const drop = warm && cold ? (warm.deviation - cold.deviation) / (warm.se + cold.se) : NaN;
    return [
      inRange(
        `slope (${label})`,
        `${label}: log–log slope of the deviation over τ ≤ ${t.maxTau}`,
        deviationSlope(rows),
        t.slope,
      ),
      atLeast(
        `drop in SE (${label})`,
        `${label}: drop of the deviation from τ = ${warm?.tau} to ${cold?.tau}, in standard errors`,
        drop,
        t.minDropInSE,
      ),
    ];
  });
  return claimReport('C1', STATEMENT, C1_THRESHOLDS, comparisons);
}

/** What c1ColdGrVerdict reads (runColdGr's result has this shape): GR-MCK against tau, and ZGR's exact moments. */
export interface ColdGrSweep {
  Ks: readonly number[];
  rows: readonly { tau: number; biasNorm: number; variance: number; noiseVariance: number; mse: readonly number[] }[];
  zgr: { variance: number; mse: number };
}

/**
 * The C1 verdict on GR-MCK as tau → 0 on a toy problem: its MSE and its variance over x approach
 * ZGR's, its bias vanishes; its noise grows like 1/tau.
 */
export function c1ColdGrVerdict(cold: ColdGrSweep): ClaimReport<typeof C1_THRESHOLDS> {
  const t = C1_THRESHOLDS.coldGr;
  const rows = [...cold.rows].sort((a, b) => a.tau - b.tau);
  const [coldest, warmest] = [rows[0], rows[rows.length - 1]];
  const k = cold.Ks.indexOf(t.K);
  const noisy = rows.filter((r) => r.tau <= t.maxNoiseTau);
  const gap = (a: number, b: number) => Math.abs(a - b) / b;
  const at = `at τ = ${formatShort(coldest?.tau)}`;
  return claimReport(
    'C1',
    'GR-MCK → ZGR as τ → 0 and K → ∞, on a toy quadratic; the noise GR-MCK averages over K grows like 1/τ (C4)',
    C1_THRESHOLDS,
    [
      atMost(
        'mseGap',
        `GR-MC${t.K}’s MSE ${at} vs ZGR’s exact MSE, relative gap`,
        k < 0 ? NaN : gap(coldest?.mse[k], cold.zgr.mse),
        t.maxMseGap,
      ),
      atMost(
        'varianceGap',
        `variance over x of E[g | x] ${at} vs ZGR’s variance, relative gap`,
        gap(coldest?.variance - coldest?.noiseVariance, cold.zgr.variance),
        t.maxVarianceGap,
      ),
      atMost(
        'coldToWarmBias',
        `GR’s bias ${at} ÷ at τ = ${formatShort(warmest?.tau)}`,
        coldest?.biasNorm / warmest?.biasNorm,
        t.maxColdToWarmBias,
      ),
      inRange(
        'noiseSlope',
        `log–log slope of the noise given x over τ ≤ ${t.maxNoiseTau}`,
        logLogSlope(
          noisy.map((r) => r.tau),
          noisy.map((r) => r.noiseVariance),
        ),
        t.noiseSlope,
      ),
    ],
  );
}

/**
 * C6, cost (PAPER.md): ZGR costs about what ST costs; GR-MCK's cost grows linearly in K.
 * Judged on E6's wall times (runE6 in lib/experiments/e6-cost.ts), measured on whatever machine
 * runs them, possibly a loaded one: so the rules hold ratios and a slope to generous bounds.
 * c6Verdict judges the times against C6_THRESHOLDS.
 */
import { logLogSlopeOfLargerHalf } from '../math/slope';
import { atLeast, atMost, claimReport, inRange, type ClaimReport } from './report';

/**
 * What C6 is judged on (E6Result has this shape): per estimator its times relative to ST's, and
 * GR-MCK's time per call against K.
 */
export interface CostTimes {
  rows: readonly {
    estimator: string;
    options: Readonly<Record<string, number>>;
    /** ms per call (sample + backward) */
    callMs: number;
    /** callMs ÷ ST's, measured in the same rounds */
    callRatio: number;
    /** ms per toy training step ÷ ST's */
    stepRatio: number;
  }[];
  grByK: readonly { K: number; callMs: number }[];
}

/** The rules of C6, for notebook 05 and test/claims/c6-cost.test.ts alike. */
export const C6_THRESHOLDS = {
  /** ZGR's time per call ÷ ST's, at most (the lower quartile over rounds on a loaded 2-core machine: 1.06–1.14) */
  maxZgrCallRatio: 1.5,
  /**
   * ZGR's time per toy training step ÷ ST's, at most: a step takes a fraction of a ms, mostly fixed
   * overhead, so this ratio is the noisier
   */
  maxZgrStepRatio: 2,
  /**
   * log–log slope of GR-MCK's time per call against K over the larger half of the K values: 1 is linear
   * (a square root would read 0.5, a square 2)
   */
  grSlope: [0.7, 1.4],
  /** GR-MC100's call costs at least this many of ZGR's, so that "about what ST costs" is small against something */
  minGr100OverZgr: 10,
} as const;

/**
 * The log–log slope of GR-MCK's time per call against K over the larger half of the K values, where
 * the work proportional to K outweighs a call's fixed cost.
 */
export function grCostSlope(grByK: CostTimes['grByK']): number {
  return logLogSlopeOfLargerHalf(
    grByK.map((r) => r.K),
    grByK.map((r) => r.callMs),
  );
}

/** The C6 verdict on E6's times: they must hold rows for ZGR and for GR-MCK with K = 100, and a K sweep of GR-MCK. */
export function c6Verdict(times: CostTimes): ClaimReport<typeof C6_THRESHOLDS> {
  const t = C6_THRESHOLDS;
  const zgr = times.rows.find((r) => r.estimator === 'zgr');
  const gr100 = times.rows.find((r) => r.estimator === 'grMck' && r.options.K === 100);
  const Ks = [...times.grByK].sort((a, b) => a.K - b.K).map((r) => r.K);
  return claimReport('C6', 'ZGR costs about what ST costs; GR-MCK costs grow linearly in K', t, [
    atMost('zgrCallRatio', 'ZGR’s time per call ÷ ST’s', zgr?.callRatio ?? NaN, t.maxZgrCallRatio),
    atMost('zgrStepRatio', 'ZGR’s time per toy training step ÷ ST’s', zgr?.stepRatio ?? NaN, t.maxZgrStepRatio),
    inRange(
      'grSlope',
      `log–log slope of GR-MCK’s time per call against K over K ∈ {${Ks.slice(Math.floor(Ks.length / 2)).join(', ')}}`,
      grCostSlope(times.grByK),
      t.grSlope,
    ),
    atLeast(
      'gr100OverZgr',
      'GR-MC100’s time per call ÷ ZGR’s',
      (gr100?.callMs ?? NaN) / (zgr?.callMs ?? NaN),
      t.minGr100OverZgr,
    ),
  ]);
}

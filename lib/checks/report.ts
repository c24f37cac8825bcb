/**
 * A claim's verdict (a check returns a verdict). Every check in lib/checks ends in a
 * ClaimReport: the numbers it measured, the thresholds it held them against — one named constant
 * beside the check (C1_THRESHOLDS …) — and whether the claim holds. The notebook prints the
 * summary and throws through assertHolds; the test asserts `holds`. So a rule is written once.
 */

export type ClaimId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6' | 'C7' | 'E2' | 'E4' | 'E5';

/** One rule of a claim: a measured number held against its threshold. */
export interface Comparison {
  /** the measurement's key in ClaimReport.measured */
  name: string;
  value: number;
  /** the rule with its numbers: "… log–log slope of the deviation = 0.995, in [0.98, 1.02]" */
  text: string;
  holds: boolean;
}

export interface ClaimReport<Thresholds = unknown> {
  claim: ClaimId;
  /** the claim in one line (PAPER.md) */
  statement: string;
  /** every comparison holds (a NaN, e.g. from a missing measurement, never does) */
  holds: boolean;
  /** the measured numbers, by name */
  measured: Record<string, number>;
  /** what they were held against: the check's named constant */
  thresholds: Thresholds;
  comparisons: Comparison[];
  /** "C1 holds: <statement>", then a ✓ or ✗ line per comparison */
  summary: string;
}

/**
 * A measured number: 3 significant digits (an exponent for very small and large ones); short ones
 * (integers, 0.001) as they are.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x) || Number(x.toPrecision(3)) === x) return String(x);
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? x.toPrecision(3) : x.toExponential(2);
}

/**
 * A threshold or an input such as tau, as short as it was written: 3 significant digits at most (1/3
 * as 0.333, 0.5 as 0.5).
 */
export const formatShort = (x: number): string => String(Number(x.toPrecision(3)));

/** lo ≤ value ≤ hi */
export function inRange(name: string, what: string, value: number, [lo, hi]: readonly [number, number]): Comparison {
  return {
    name,
    value,
    text: `${what} = ${formatNumber(value)}, in [${formatShort(lo)}, ${formatShort(hi)}]`,
    holds: value >= lo && value <= hi,
  };
}

/** value ≤ max */
export function atMost(name: string, what: string, value: number, max: number): Comparison {
  return { name, value, text: `${what} = ${formatNumber(value)}, ≤ ${formatShort(max)}`, holds: value <= max };
}

/** value ≥ min */
export function atLeast(name: string, what: string, value: number, min: number): Comparison {
  return { name, value, text: `${what} = ${formatNumber(value)}, ≥ ${formatShort(min)}`, holds: value >= min };
}

/** The report of a claim from its comparisons (at least one, names unique). */
export function claimReport<Thresholds>(
  claim: ClaimId,
  statement: string,
  thresholds: Thresholds,
  comparisons: readonly Comparison[],
): ClaimReport<Thresholds> {
  if (comparisons.length === 0)
    throw new Error(`${claim}: a verdict needs at least one comparison (were the measurements empty?)`);
  const names = comparisons.map((c) => c.name);
  const repeated = names.find((n, k) => names.indexOf(n) !== k);
  if (repeated !== undefined)
    throw new Error(`${claim}: two comparisons are named "${repeated}" (give the cases distinct labels)`);
  const holds = comparisons.every((c) => c.holds);
  return {
    claim,
    statement,
    holds,
    measured: Object.fromEntries(comparisons.map((c) => [c.name, c.value])),
    thresholds,
    comparisons: [...comparisons],
    summary: [
      `${claim} ${holds ? 'holds' : 'FAILS'}: ${statement}`,
      ...comparisons.map((c) => `  ${c.holds ? '✓' : '✗'} ${c.text}`),
    ].join('\n'),
  };
}

/** Throws the summary when the claim does not hold: a notebook that only prints cannot fail. */
export function assertHolds(report: ClaimReport): void {
  if (!report.holds) throw new Error(report.summary);
}

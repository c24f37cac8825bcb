/**
 * E2, toy optimisation (PAPER.md E2): the verdict on the finished runs, for notebook 04 and
 * test/claims/e2-toy-optimisation.test.ts alike. Two rules:
 *   1. ST stalls where C3 says it is biased — on the polynomial toy with q = 2 ST's expected
 *      gradient p (1 − p)(p − 0.45) · 2/n vanishes at p = 0.45, where
 *          E f = 0.45 · 0.55² + 0.55 · 0.45² = 0.2475   (min f = 0.45² = 0.2025);
 *      ST's final E f (best seed) stays within `stallSlack` of it, and ZGR's (worst seed) is
 *      below ST's (best seed) by more than `zgrBelowSt`;
 *   2. ZGR is not worse than GR-MC10 at τ = 0.5 (a necessary condition of C7): on every problem
 *      ZGR's final mean E f is at most GR-MCK's plus `grMargin` of the initial gap E f(η = 0) − min f.
 * It takes the measurements (lib/experiments/e2-toy.ts's curves) and computes nothing else.
 */
import { atLeast, atMost, claimReport, type ClaimReport } from './report';

/**
 * One problem's runs: its slug, label and min f, and per estimator the exact E f per recorded step
 * (mean, min and max over seeds).
 */
export interface E2Outcome {
  problem: { slug: string; label: string; minimum: number };
  curves: readonly {
    estimator: string;
    label: string;
    mean: readonly number[];
    min: readonly number[];
    max: readonly number[];
  }[];
}

/** ST's stationary value on the polynomial toy with q: E f at p = c, f = |b − c|^q, c = 0.45. */
export function polynomialStall(q: number, c = 0.45): number {
  return c * (1 - c) ** q + (1 - c) * c ** q;
}

/** The rules of E2, named once (PAPER.md E2; the margins are ours). */
export const E2_THRESHOLDS = {
  /** the problem of rule 1: the polynomial toy with q = 2 */
  stallProblem: 'polynomial-q2',
  /** ST's stationary E f there: polynomialStall(2) = 0.2475 */
  stStall: polynomialStall(2),
  /** ST's best final E f stays above stStall − stallSlack */
  stallSlack: 0.005,
  /** ZGR's worst final E f is below ST's best by at least this */
  zgrBelowSt: 0.01,
  /** ZGR's final mean E f ≤ GR-MCK's + grMargin × (E f(η = 0) − min f), on every problem */
  grMargin: 0.05,
} as const;

const last = (values: readonly number[]) => values[values.length - 1];

function curveOf(outcome: E2Outcome, name: string): E2Outcome['curves'][number] {
  const c = outcome.curves.find((k) => k.estimator === name);
  if (c == null)
    throw new Error(
      `e2Verdict: problem ${outcome.problem.slug} has no ${name} curve ` +
        `(estimators: ${outcome.curves.map((k) => k.estimator).join(', ')})`,
    );
  return c;
}

/** The E2 verdict on every problem's runs (the stall problem among them). */
export function e2Verdict(outcomes: readonly E2Outcome[]): ClaimReport<typeof E2_THRESHOLDS> {
  const T = E2_THRESHOLDS;
  const stall = outcomes.find((o) => o.problem.slug === T.stallProblem);
  if (stall == null)
    throw new Error(`e2Verdict: no ${T.stallProblem} problem among ${outcomes.map((o) => o.problem.slug).join(', ')}`);
  const [st, zgr] = [curveOf(stall, 'st'), curveOf(stall, 'zgr')];
  const q2 = stall.problem.label;
  return claimReport('E2', 'ST stalls where C3 says it is biased, and ZGR trains no worse than GR-MC10(τ = 0.5)', T, [
    atLeast(
      'stFinalBest',
      `${q2}: ST's final E f, best seed (stationary value ${T.stStall.toFixed(4)} − ${T.stallSlack})`,
      last(st.min),
      T.stStall - T.stallSlack,
    ),
    atLeast(
      'zgrBelowSt',
      `${q2}: ST's final E f (best seed) − ZGR's (worst seed)`,
      last(st.min) - last(zgr.max),
      T.zgrBelowSt,
    ),
    ...outcomes.map((o) => {
      const [z, gr] = [curveOf(o, 'zgr'), curveOf(o, 'grMck')];
      const gap0 = z.mean[0] - o.problem.minimum;
      return atMost(
        `zgrVsGr:${o.problem.slug}`,
        `${o.problem.label}: (ZGR − ${gr.label}) final mean E f ÷ initial gap ${gap0.toFixed(4)}`,
        (last(z.mean) - last(gr.mean)) / gap0,
        T.grMargin,
      );
    }),
  ]);
}

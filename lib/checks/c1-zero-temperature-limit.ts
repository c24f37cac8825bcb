/**
 * C1, zero-temperature limit (PAPER.md): E[J_tau(logits + G) | argmax = x] → ZGR's Jacobian
 *     (diag(p) − p pᵀ + (e_x − p)(e_x − p)ᵀ) / 2
 * as tau → 0, the deviation shrinking about linearly in tau; hence GR-MCK → ZGR.
 * C = 2: quadrature; C > 2: Monte Carlo over the conditional Gumbel draw, with standard errors.
 */
import { softmax } from '../estimators/softmax';
import { checkIndex, checkLogitsArray, checkTemperature } from '../estimators/validate';
import {
  conditionalJacobianBinary, conditionalJacobianMC, maxAbsDifference, zgrJacobian, type Matrix,
} from '../exact/tempered-jacobian';
import type { Random } from '../random';

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

/** Slope of the least-squares line through (log x, log y). */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  const sxy = lx.reduce((s, x, i) => s + (x - mx) * (ly[i] - my), 0);
  const sxx = lx.reduce((s, x) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
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
  if (!binary && args.rng == null) throw new Error('c1ZeroTemperatureLimit: option rng is required for C > 2 (Monte Carlo)');
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
    slope: logLogSlope(rows.map((r) => r.tau), rows.map((r) => r.deviation)),
  };
}

/**
 * The log–log slope: the exponent s of a power law y ∝ x^s, read off a few measurements. The claims
 * are power laws in tau or K (C1: deviation ∝ tau; C4: variance ∝ 1/tau; C6: cost ∝ K).
 */

/**
 * Slope of the least-squares line through (log x, log y):
 *     s = Σ (lx − mean lx)(ly − mean ly) / Σ (lx − mean lx)²
 * @example logLogSlope([1, 2, 4], [3, 6, 12])   // → 1
 */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  const sxy = lx.reduce((s, x, i) => s + (x - mx) * (ly[i] - my), 0);
  const sxx = lx.reduce((s, x) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

/**
 * The log–log slope over the larger half of the x values, where the part of y that grows as x^s
 * outweighs a fixed cost (C6: GR-MCK's time per call against K). Points in any order.
 * @example logLogSlopeOfLargerHalf([1000, 1, 100, 10], [200, 5, 20, 5])   // → 1
 */
export function logLogSlopeOfLargerHalf(xs: readonly number[], ys: readonly number[]): number {
  const top = xs
    .map((x, i) => ({ x, y: ys[i] }))
    .sort((a, b) => a.x - b.x)
    .slice(Math.floor(xs.length / 2));
  return logLogSlope(
    top.map((p) => p.x),
    top.map((p) => p.y),
  );
}

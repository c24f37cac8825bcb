/**
 * Float64 vectors (arrays or typed arrays): inner product, Euclidean norm, relative error; the
 * field-generic inner product is dotIn (field.ts), sample statistics are in stats.ts.
 */
import { dotIn, float64 } from './field';

/** ⟨a, b⟩ = Σ_j a_j b_j */
export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => dotIn(float64, a, b);

/** ‖a‖ = √⟨a, a⟩ */
export const norm = (a: ArrayLike<number>): number => Math.sqrt(dot(a, a));

/** ‖a − b‖ / ‖b‖ (b the reference) */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    ref += b[i] ** 2;
  }
  return Math.sqrt(diff / ref);
}

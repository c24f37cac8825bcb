/** Float64 vectors (arrays or typed arrays): inner product and Euclidean norm; the field-generic form is dotIn (field.ts). */
import { dotIn, float64 } from './field';

/** ⟨a, b⟩ = Σ_j a_j b_j */
export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => dotIn(float64, a, b);

/** ‖a‖ = √⟨a, a⟩ */
export const norm = (a: ArrayLike<number>): number => Math.sqrt(dot(a, a));

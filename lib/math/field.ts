/**
 * A tiny number field, so that a formula used both in float64 and in exact rational arithmetic is
 * written once. `float64` is plain JavaScript numbers; `rational` is mathjs's Fraction (exact,
 * arbitrary precision), used by the equality claims C2–C5.
 */
import { fraction, type Fraction } from 'mathjs';

export interface Field<T> {
  readonly name: string;
  zero: T;
  one: T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  /** For `rational`, the simplest fraction mathjs finds for n (0.1 → 1/10): build exact values from integers. */
  fromNumber(n: number): T;
  toNumber(a: T): number;
  equals(a: T, b: T): boolean;
  toString(a: T): string;
}

export const float64: Field<number> = {
  name: 'float64',
  zero: 0,
  one: 1,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  fromNumber: (n) => n,
  toNumber: (a) => a,
  equals: (a, b) => a === b,
  toString: (a) => String(a),
};

export const rational: Field<Fraction> = {
  name: 'rational',
  zero: fraction(0),
  one: fraction(1),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  neg: (a) => a.neg(),
  fromNumber: (n) => fraction(n),
  toNumber: (a) => a.valueOf(),
  equals: (a, b) => a.equals(b),
  toString: (a) => a.toFraction(),
};

/** A rational from a string such as "3/7" or a numerator and denominator. */
export function frac(n: number | string, d?: number): Fraction {
  return d === undefined ? fraction(n as string) : fraction(n as number, d);
}

/** Σ_j a_j b_j in a field (arrays or typed arrays). */
export function dotIn<T>(F: Field<T>, a: ArrayLike<T>, b: ArrayLike<T>): T {
  let s = F.zero;
  for (let j = 0; j < a.length; j++) s = F.add(s, F.mul(a[j], b[j]));
  return s;
}

/** Σ_j a_j in a field. */
export function sumIn<T>(F: Field<T>, a: readonly T[]): T {
  let s = F.zero;
  for (const aj of a) s = F.add(s, aj);
  return s;
}

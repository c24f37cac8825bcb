/**
 * Enumeration of the joint states of independent categorical variables (PAPER.md E1).
 * A state is one index per variable; z is the concatenation of their one-hot vectors.
 */
import type { Field } from '../math/field';

/** Every joint state of variables with Cs[i] categories, in lexicographic order. */
export function* jointStates(Cs: readonly number[]): Generator<number[]> {
  Cs.forEach((C, i) => {
    if (!Number.isInteger(C) || C < 2)
      throw new Error(`jointStates: every variable needs C ≥ 2 categories; Cs[${i}] = ${C}`);
  });
  const state = Cs.map(() => 0);
  for (;;) {
    yield [...state];
    let i = Cs.length - 1;
    while (i >= 0 && ++state[i] === Cs[i]) state[i--] = 0;
    if (i < 0) return;
  }
}

/** The number of joint states, Π_i C_i. */
export const numJointStates = (Cs: readonly number[]): number => Cs.reduce((a, C) => a * C, 1);

/** z = concatenated one-hot vectors of a state, in a field. */
export function oneHotConcat<T>(F: Field<T>, Cs: readonly number[], state: readonly number[]): T[] {
  const z: T[] = [];
  Cs.forEach((C, i) => {
    for (let j = 0; j < C; j++) z.push(j === state[i] ? F.one : F.zero);
  });
  return z;
}

/** P(state) = Π_i p_i[state_i]. */
export function stateProbability<T>(F: Field<T>, p: readonly (readonly T[])[], state: readonly number[]): T {
  return state.reduce((acc, x, i) => F.mul(acc, p[i][x]), F.one);
}

/** Split a concatenated vector back into per-variable slices. */
export function splitByVariable<T>(Cs: readonly number[], z: readonly T[]): T[][] {
  let offset = 0;
  return Cs.map((C) => z.slice(offset, (offset += C)));
}

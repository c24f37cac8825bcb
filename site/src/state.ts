/**
 * What the explorer shows is a function of this state: the problem (C, logits, f), the estimators
 * and their options, the Monte Carlo seed and the optimiser. It reads from and writes to the URL's
 * query (so a view can be shared, and tests can open a fixed one).
 */
import { resolveEstimator } from '../../lib/package';
import { FUNCTION_NAMES, TOY_QS, type FunctionName } from './problem';

/** The estimators the page offers (registry names), in the order of the legend. */
export const CHOICES = [
  { name: 'st' },
  { name: 'darn' },
  { name: 'zgr' },
  { name: 'stZgr' },
  { name: 'stGs' },
  { name: 'grMck' },
  { name: 'reinmax' },
  { name: 'rloo' },
] as const;

/** The sliders, each setting the registry option of its name. */
export const SLIDERS = ['tau', 'K', 'a', 'M'] as const;

export type ChoiceName = (typeof CHOICES)[number]['name'];

/** Slider stops (a slider moves along an index into these). */
export const TAUS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.3, 1.5, 2, 3] as const;
export const KS = [1, 2, 5, 10, 20, 50, 100] as const;
export const MS = [2, 3, 4, 8] as const;
export const LRS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5] as const;
export const C_RANGE = [2, 6] as const;
export const LOGIT_RANGE = [-3, 3] as const;

export interface State {
  C: number;
  logits: number[];
  fn: FunctionName;
  /** exponent of the polynomial toy */
  q: number;
  /** seed of the polynomials' coefficients */
  fseed: number;
  chosen: Record<ChoiceName, boolean>;
  tau: number;
  K: number;
  a: number;
  M: number;
  /** seed of every Monte Carlo draw and of the optimisation's samples */
  seed: number;
  lr: number;
  steps: number;
}

export const DEFAULT_STATE: State = {
  C: 4,
  logits: [1, 0.5, -0.5, -1],
  fn: 'quadratic',
  q: 2,
  fseed: 2023,
  chosen: { st: true, darn: true, zgr: true, stZgr: true, stGs: true, grMck: true, reinmax: true, rloo: true },
  tau: 0.5,
  K: 10,
  a: 0.5,
  M: 2,
  seed: 1,
  lr: 0.1,
  steps: 300,
};

/**
 * The registry options of a chosen estimator, from the sliders: each option of its registry row that a
 * slider sets (ST's t: none, its default).
 */
export function optionsOf(name: ChoiceName, s: State): Record<string, number> {
  const row = resolveEstimator({ name }).row;
  const o: Record<string, number> = {};
  for (const slider of SLIDERS) if (slider in row.options) o[slider] = s[slider];
  return o;
}

export const chosenNames = (s: State): ChoiceName[] => CHOICES.map((c) => c.name).filter((n) => s.chosen[n]);

const nearest = (values: readonly number[], v: number) =>
  values.reduce((best, x) => (Math.abs(x - v) < Math.abs(best - v) ? x : best), values[0]);
const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));
const round = (v: number, step: number) => Number((Math.round(v / step) * step).toFixed(10));

/** A state from a query string (unknown or invalid values fall back to the defaults, and are listed). */
export function stateFromQuery(query: string): { state: State; ignored: string[] } {
  const q = new URLSearchParams(query);
  const s: State = structuredClone(DEFAULT_STATE);
  const ignored: string[] = [];
  const num = (key: string): number | null => {
    const raw = q.get(key);
    if (raw == null) return null;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) {
      ignored.push(`${key}=${raw}`);
      return null;
    }
    return v;
  };
  const C = num('C');
  if (C != null) s.C = clamp(Math.round(C), C_RANGE);
  const logits = q.get('logits');
  if (logits != null) {
    const values = logits.split(',').map(Number);
    if (values.some((v) => !Number.isFinite(v))) ignored.push(`logits=${logits}`);
    else s.logits = values.map((v) => clamp(v, LOGIT_RANGE));
  }
  s.logits = Array.from({ length: s.C }, (_, j) => s.logits[j] ?? 0);
  const fn = q.get('f');
  if (fn != null) {
    if ((FUNCTION_NAMES as readonly string[]).includes(fn)) s.fn = fn as FunctionName;
    else ignored.push(`f=${fn}`);
  }
  const qv = num('q');
  if (qv != null) s.q = nearest(TOY_QS, qv);
  const fseed = num('fseed');
  if (fseed != null) s.fseed = Math.max(0, Math.round(fseed));
  const est = q.get('est');
  if (est != null) {
    const names = est.split(',').filter((n) => n !== '');
    for (const c of CHOICES) s.chosen[c.name] = names.includes(c.name);
    for (const n of names) if (!CHOICES.some((c) => c.name === n)) ignored.push(`est=${n}`);
  }
  const tau = num('tau');
  if (tau != null) s.tau = nearest(TAUS, tau);
  const K = num('K');
  if (K != null) s.K = nearest(KS, K);
  const a = num('a');
  if (a != null) s.a = round(clamp(a, [0, 1]), 0.05);
  const M = num('M');
  if (M != null) s.M = nearest(MS, M);
  const seed = num('seed');
  if (seed != null) s.seed = Math.max(0, Math.round(seed));
  const lr = num('lr');
  if (lr != null) s.lr = nearest(LRS, lr);
  const steps = num('steps');
  if (steps != null) s.steps = clamp(Math.round(steps), [10, 5000]);
  return { state: s, ignored };
}

/** The query string of a state (backend kept from the current URL). */
export function queryOfState(s: State, backend: string | null): string {
  const q = new URLSearchParams();
  if (backend) q.set('backend', backend);
  q.set('C', String(s.C));
  q.set('logits', s.logits.map((l) => String(Number(l.toFixed(2)))).join(','));
  q.set('f', s.fn);
  if (s.fn === 'toy') q.set('q', String(s.q));
  else q.set('fseed', String(s.fseed));
  q.set('est', chosenNames(s).join(','));
  q.set('tau', String(s.tau));
  q.set('K', String(s.K));
  q.set('a', String(s.a));
  q.set('M', String(s.M));
  q.set('seed', String(s.seed));
  q.set('lr', String(s.lr));
  q.set('steps', String(s.steps));
  return q.toString();
}

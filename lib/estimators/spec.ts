/**
 * An estimator by name, with its options: `{ name: 'grMck', options: { tau: 0.5, K: 100 } }`. The
 * one path from a name to an estimator: `resolveEstimator` checks a spec against its registry row
 * (registry.ts: known name, known option names, each value valid for its kind) and fills in the
 * defaults; `estimatorStyle` gives its label, colour and family for figures; `estimatorId` a short
 * id for file names and run keys. A resolved pathwise estimator runs through the registry's
 * `sampleOp`, a score-function one through its row's `surrogate`, a binary one through its row's
 * `op` (the sample drawn from the stream).
 * @example estimatorId({ name: 'grMck', options: { tau: 0.5, K: 100 } })   // → "grMck-K100-tau0.5"
 */
import {
  ALL_ESTIMATORS,
  withDefaults,
  type EstimatorFamily,
  type EstimatorOptions,
  type OptionKind,
  type BinaryEstimator,
  type PathwiseEstimator,
  type ScoreEstimator,
} from './registry';
import { checkA, checkEta, checkK, checkM, checkTemperature } from './validate';

/** An estimator by registry name, with its options (defaults filled in where it has them). */
export interface EstimatorSpec {
  name: string;
  options?: EstimatorOptions;
}

/** A checked spec: its registry row and every option filled in, told apart by the row's kind. */
export type ResolvedEstimator =
  | { kind: 'pathwise'; name: string; row: PathwiseEstimator; options: EstimatorOptions }
  | { kind: 'score'; name: string; row: ScoreEstimator; options: EstimatorOptions }
  | { kind: 'binary'; name: string; row: BinaryEstimator; options: EstimatorOptions };

/** A resolved estimator of a categorical variable: pathwise or score-function. */
export type ResolvedCategorical = Exclude<ResolvedEstimator, { kind: 'binary' }>;

/** A resolved pathwise estimator (what has an op and a float64 form). */
export type ResolvedPathwise = Extract<ResolvedEstimator, { kind: 'pathwise' }>;

/** The check of each kind of option (validate.ts): a value valid for its kind, or an error naming option and value. */
const CHECKS: Record<OptionKind, (where: string, key: string, value: unknown) => number> = {
  temperature: checkTemperature,
  K: (where, _key, value) => checkK(where, value),
  a: (where, _key, value) => checkA(where, value),
  M: (where, _key, value) => checkM(where, value),
  eta: (where, _key, value) => checkEta(where, value),
};

/** Check a spec: a known name, known option names, and valid option values (by their kind). */
export function resolveEstimator(spec: EstimatorSpec): ResolvedEstimator {
  const row = ALL_ESTIMATORS.find((r) => r.name === spec?.name);
  if (row == null) {
    const known = ALL_ESTIMATORS.map((r) => r.name).join(', ');
    throw new Error(`resolveEstimator: unknown estimator ${JSON.stringify(spec?.name)} (known: ${known})`);
  }
  const where = `estimator ${JSON.stringify(spec.name)}`;
  const given = spec.options ?? {};
  for (const key of Object.keys(given)) {
    if (!(key in row.options)) {
      throw new Error(
        `${where}: unknown option ${JSON.stringify(key)} (options: ${Object.keys(row.options).join(', ') || 'none'})`,
      );
    }
  }
  const options = withDefaults(row, given);
  for (const [key, option] of Object.entries(row.options)) {
    if (options[key] === undefined) throw new Error(`${where}: option ${key} is required (${option.doc})`);
    CHECKS[option.kind](where, key, options[key]);
  }
  switch (row.kind) {
    case 'pathwise':
      return { kind: 'pathwise', name: row.name, row, options };
    case 'score':
      return { kind: 'score', name: row.name, row, options };
    case 'binary':
      return { kind: 'binary', name: row.name, row, options };
  }
}

/** Why an estimator of this kind cannot stand where `wanted` is needed (for error messages). */
const KIND_NOTE: Record<ResolvedEstimator['kind'], string> = {
  pathwise: 'a pathwise estimator',
  score: 'a score-function estimator (it takes the loss of each sample, not v)',
  binary: 'a binary estimator (one logit per unit: a layer with two levels, not a categorical variable)',
};

/**
 * A resolved estimator of a categorical variable (pathwise or score-function); `where` names the
 * caller in the error.
 */
export function resolveCategorical(spec: EstimatorSpec, where: string): ResolvedCategorical {
  const r = resolveEstimator(spec);
  if (r.kind === 'binary') throw new Error(`${where}: ${r.name} is ${KIND_NOTE.binary}`);
  return r;
}

/** resolveEstimator for code that needs the op or the float64 form; `where` names the caller in the error. */
export function resolvePathwise(spec: EstimatorSpec, where: string): ResolvedPathwise {
  const r = resolveEstimator(spec);
  if (r.kind !== 'pathwise') throw new Error(`${where}: ${r.name} is ${KIND_NOTE[r.kind]}`);
  return r;
}

/** How figures draw an estimator: legend label, colour, and the family they group it in. */
export interface EstimatorStyle {
  /** e.g. "GR-MC100(τ=0.5)", "RLOO(M=2)" */
  label: string;
  /** '#rrggbb', one per estimator in every figure */
  colour: string;
  /** e.g. "GR-MCK(τ)" for ST-GS and GR-MCK (registry.ts) */
  family: EstimatorFamily;
}

/** The label, colour and family of an estimator spec (checked, defaults filled in). */
export function estimatorStyle(spec: EstimatorSpec): EstimatorStyle {
  const r = resolveEstimator(spec);
  return { label: r.row.label(r.options), colour: r.row.colour, family: r.row.family };
}

/** The legend label alone, e.g. "GR-MC100(τ=0.5)": estimatorStyle(spec).label. */
export function estimatorLabel(spec: EstimatorSpec): string {
  return estimatorStyle(spec).label;
}

/** A short file-name-safe id with the options, e.g. "grMck-K100-tau0.5", "rloo-M2", "zgr" (run keys use it). */
export function estimatorId(spec: EstimatorSpec): string {
  const r = resolveEstimator(spec);
  const opts = Object.keys(r.options)
    .sort()
    .map((k) => `${k}${r.options[k]}`);
  return [r.name, ...opts].join('-');
}

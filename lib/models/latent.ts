/**
 * Plugging a gradient estimator into a model by name: `{ name: 'grMck', options: { tau: 0.5,
 * K: 100 } }`. Pathwise estimators come from the registry (lib/estimators/registry.ts): their
 * op replaces the categorical sample of the latent layer. RLOO(M), a score-function estimator,
 * needs the loss of each of its M samples and enters through its surrogate loss
 * (lib/estimators/reinforce.ts). All noise is drawn from the one random stream.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { ESTIMATORS, SCORE_ESTIMATORS, estimator, withDefaults, type CategoricalEstimator, type EstimatorOptions, type OpNoise } from '../estimators/registry';
import { exponentialTensor, gumbelMaxIndex, gumbelTensor } from '../estimators/sample';
import { checkA, checkK, checkM, checkTemperature } from '../estimators/validate';

/** An estimator by registry name, with its options (defaults filled in where it has them). */
export interface EstimatorSpec {
  name: string;
  options?: EstimatorOptions;
}

/** A checked spec: a pathwise registry row with full options, or RLOO with its M. */
export type ResolvedEstimator =
  | { kind: 'pathwise'; name: string; row: CategoricalEstimator; options: EstimatorOptions }
  | { kind: 'score'; name: 'rloo'; options: { M: number } };

/** Names a model accepts: every categorical estimator of the registry, and 'rloo'. */
export const MODEL_ESTIMATORS: readonly string[] = [...ESTIMATORS.map((e) => e.name), 'rloo'];

/** Check a spec: a known name, known option names, and valid option values (by their kind). */
export function resolveEstimator(spec: EstimatorSpec): ResolvedEstimator {
  const where = `estimator ${JSON.stringify(spec?.name)}`;
  const given = spec.options ?? {};
  const row =
    spec.name === 'rloo' ? SCORE_ESTIMATORS.find((r) => r.name === 'rloo')! : ESTIMATORS.find((r) => r.name === spec.name);
  if (row == null) throw new Error(`${where}: unknown estimator (known: ${MODEL_ESTIMATORS.join(', ')})`);
  for (const key of Object.keys(given)) {
    if (!(key in row.options)) {
      throw new Error(`${where}: unknown option ${JSON.stringify(key)} (options: ${Object.keys(row.options).join(', ') || 'none'})`);
    }
  }
  const options = withDefaults(row, given);
  for (const [key, spec_] of Object.entries(row.options)) {
    const value = options[key];
    if (value === undefined) throw new Error(`${where}: option ${key} is required (${spec_.doc})`);
    if (spec_.kind === 'temperature') checkTemperature(where, key, value);
    else if (spec_.kind === 'K') checkK(where, value);
    else if (spec_.kind === 'a') checkA(where, value);
    else checkM(where, value);
  }
  if (spec.name === 'rloo') return { kind: 'score', name: 'rloo', options: { M: options.M } };
  return { kind: 'pathwise', name: spec.name, row: estimator(spec.name), options };
}

/** The legend label, e.g. "GR-MC100(τ=0.5)" or "RLOO(M=2)". */
export function estimatorLabel(spec: EstimatorSpec): string {
  const r = resolveEstimator(spec);
  return r.kind === 'score' ? SCORE_ESTIMATORS[1].label(r.options) : r.row.label(r.options);
}

/** A short file-name-safe id with the options, e.g. "grMck-K100-tau0.5", "zgr". */
export function estimatorId(spec: EstimatorSpec): string {
  const r = resolveEstimator(spec);
  const opts = Object.keys(r.options).sort().map((k) => `${k}${(r.options as EstimatorOptions)[k]}`);
  return [r.name, ...opts].join('-');
}

/**
 * The random quantities of one pathwise estimator call, drawn from `rng`: Gumbel noise G, the
 * sample x = argmax(logits + G) (Gumbel-max) and, for estimators with option K (GR-MCK),
 * Exp(1) noise [K, ...logits.shape] for the conditional perturbations.
 */
export function drawNoise(r: ResolvedEstimator & { kind: 'pathwise' }, logits: tf.Tensor, rng: Random): OpNoise {
  const gumbel = gumbelTensor(rng, logits.shape); //                 [..., C]
  const x = gumbelMaxIndex(logits, gumbel); //                        [...]
  const exponentials = r.row.options.K != null ? exponentialTensor(rng, [r.options.K, ...logits.shape]) : undefined;
  return { x, gumbel, exponentials };
}

/** The latent sample [..., C] of a pathwise estimator: forward value and custom gradient. */
export function sampleLatent(r: ResolvedEstimator & { kind: 'pathwise' }, logits: tf.Tensor, rng: Random): tf.Tensor {
  return tf.tidy(() => r.row.op(logits, r.options, drawNoise(r, logits, rng)));
}

/**
 * How a series names itself: by estimator (registry colour and label) or by an explicit label
 * and colour (references such as the exact gradient). Shared by the figure builders.
 */
import type { EstimatorOptions } from '../estimators/registry';
import { estimatorStyle, REFERENCE_COLOUR } from './style';

export interface SeriesStyle {
  /** registry name of the estimator ('zgr', 'st', …): colour and label come from the registry */
  estimator?: string;
  /** the estimator's options, for its label (e.g. { tau: 0.5 }) */
  options?: EstimatorOptions;
  /** legend label; default the estimator's label (required without an estimator) */
  label?: string;
  /** '#rrggbb'; default the estimator's colour, or REFERENCE_COLOUR */
  colour?: string;
}

/** The label and colour a series is drawn with. */
export function resolveStyle(where: string, s: SeriesStyle): { label: string; colour: string } {
  if (s.estimator != null) {
    const style = estimatorStyle(s.estimator, s.options);
    return { label: s.label ?? style.label, colour: s.colour ?? style.colour };
  }
  if (s.label == null) throw new Error(`${where}: a series needs an estimator name or a label`);
  return { label: s.label, colour: s.colour ?? REFERENCE_COLOUR };
}

/** Throw, naming the series, unless `values` are `n` finite numbers. */
export function checkValues(where: string, label: string, what: string, values: readonly number[], n: number): void {
  if (values.length !== n) throw new Error(`${where}: series ${JSON.stringify(label)}: ${what} has ${values.length} values, expected ${n}`);
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${where}: series ${JSON.stringify(label)}: ${what}[${bad}] is ${values[bad]}, not a finite number`);
}

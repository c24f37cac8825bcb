/**
 * The estimator registry: one row per estimator, with its name, label, colour, family, options and
 * what it takes to run it. A pathwise row ('pathwise': ST, ZGR, GR-MCK, …) has both forms, the
 * tfjs op and the float64 gradient, behind one uniform signature; a score-function row ('score':
 * REINFORCE, RLOO) has its surrogate loss and its coefficients (reinforce.ts); a binary row
 * ('binary': binary ST and ZGR, binary.ts) has the op and float64 form for one logit per unit.
 * The contract test, the experiments and the figures are all driven by it: adding an estimator is
 * one row. Code calls an estimator by name through spec.ts (resolveEstimator, estimatorStyle) and
 * draws its noise with `sampleOp` below (a binary op draws its own sample from the stream).
 * @example estimator('zgr').gradient([0, 0], [1, 0], {}, { x: 0, gumbel: [] })   // → [0.25, −0.25]
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { exponentialTensor, gumbelMaxIndex, gumbelTensor } from './sample';
import { darn, darnGradient } from './darn';
import { gs, gsGradient } from './gs';
import { conditionalGumbel, grMck, grMckGradient } from './gr-mck';
import {
  reinforce,
  reinforceCoefficients,
  rloo,
  rlooCoefficients,
  type ScoreCoefficients,
  type SampleLoss,
} from './reinforce';
import { reinmax, reinmaxGradient } from './reinmax';
import { st, stGradient, stTau, stTauGradient } from './st';
import { gst, gstGradient } from './gst';
import { reinmaxRao, reinmaxRaoGradient } from './reinmax-rao';
import { reinmaxCv, reinmaxCvGradient } from './reinmax-cv';
import { stGs, stGsGradient } from './st-gs';
import { stZgr, stZgrGradient } from './st-zgr';
import { zgr, zgrGradient } from './zgr';
import { stBinary, stBinaryGradient, zgrBinary, zgrBinaryGradient, type BinaryOptions } from './binary';

/** Kinds of options, each with its own validation rule (validate.ts). */
export type OptionKind = 'temperature' | 'K' | 'a' | 'M' | 'eta';

export interface OptionSpec {
  kind: OptionKind;
  /** value used when the caller gives none (undefined: required) */
  default?: number;
  /** what it means, for docs and tables */
  doc: string;
}

export type EstimatorOptions = Record<string, number>;

/** The random quantities of one call, as tensors: sample, Gumbel noise, Exp(1) noise [K, ..., C]. */
export interface OpNoise {
  x: tf.Tensor;
  gumbel: tf.Tensor;
  exponentials?: tf.Tensor;
}

/** The same random quantities for one categorical variable in float64. */
export interface Noise64 {
  x: number;
  gumbel: number[];
  exponentials?: number[][];
}

/** The families figures group estimators in (see `family` below). */
export type EstimatorFamily =
  | 'ST(t)'
  | 'DARN'
  | 'ST-ZGR(a)'
  | 'GS(τ)'
  | 'GR-MCK(τ)'
  | 'ReinMax(τ)'
  | 'ST(τ)·1/τ'
  | 'GST(τ)'
  | 'ReinMax-Rao(τ)'
  | 'ReinMax-CV(τ)'
  | 'REINFORCE'
  | 'RLOO(M)';

/** What every row has: how it is named, drawn and configured. */
interface EstimatorRowBase {
  name: string;
  /** label with the options filled in, e.g. "GR-MC100 (τ=0.5)" */
  label(options?: EstimatorOptions): string;
  /** one colour for this estimator in every figure */
  colour: string;
  /**
   * the family it is a member of, as figures group estimators: where it has an option, the curve
   * along it (ST-GS and GR-MCK are one family, "GR-MCK(τ)", ST-GS being GR-MC1; ZGR is ST-ZGR(a = 1))
   */
  family: EstimatorFamily;
  options: Record<string, OptionSpec>;
  /** claims of PAPER.md this estimator takes part in */
  claims: string[];
}

/** A pathwise estimator: its op replaces the categorical sample, and its backward is the estimate. */
export interface PathwiseEstimator extends EstimatorRowBase {
  kind: 'pathwise';
  /** 'sample': forward is a one-hot sample; 'relaxed': forward is the relaxed sample (GS) */
  forward: 'sample' | 'relaxed';
  /** E[g] depends only on the sample (no continuous noise): exact moments by enumeration */
  sampleFunction: boolean;
  /** the tfjs op with every random quantity given */
  op(logits: tf.Tensor, options: EstimatorOptions, noise: OpNoise): tf.Tensor;
  /** the float64 gradient w.r.t. the logits of one variable, same noise */
  gradient(logits: readonly number[], v: readonly number[], options: EstimatorOptions, noise: Noise64): number[];
  /**
   * For estimators driven by continuous noise (ST-GS, GR-MCK, ReinMax-Rao, ReinMax-CV): one float64
   * estimate given the sample x, with the noise drawn from its conditional distribution given x.
   * Exact analysis enumerates x and averages this by Monte Carlo.
   */
  givenSample?(
    logits: readonly number[],
    x: number,
    v: readonly number[],
    options: EstimatorOptions,
    rng: Random,
  ): number[];
}

/** A score-function estimator: it needs the loss of each sample, not its gradient. */
export interface ScoreEstimator extends EstimatorRowBase {
  kind: 'score';
  /**
   * The surrogate loss (reinforce.ts): its value is the Monte Carlo estimate of the objective, and
   * its gradient w.r.t. the logits is the estimator. `loss` maps one-hot samples [M, ...batch, C]
   * to per-sample losses [M, ...lead] (M = onehot.shape[0]).
   */
  surrogate(logits: tf.Tensor, options: EstimatorOptions, loss: SampleLoss, rng: Random): tf.Tensor;
  /** M, the number of samples (loss evaluations) it draws with these options */
  samples(options: EstimatorOptions): number;
  /**
   * Its coefficients c_s from the per-sample losses f [M, ...lead] (reinforce.ts): with reinforce.ts's
   * `scoreTerm` they give the estimator for a joint sample of many variables (e.g. a whole net).
   */
  coefficients: ScoreCoefficients;
}

/**
 * A binary estimator (binary.ts; claim C5): one logit a per unit, p = σ(a), sample b ∈ {0, 1}.
 * Drawn and labelled like its categorical twin, which it equals on two categories with logits
 * [0, a] given the same sample.
 */
export interface BinaryEstimator extends EstimatorRowBase {
  kind: 'binary';
  /** the categorical row it equals on two categories (claim C5 for ZGR) */
  twin: string;
  /** the tfjs op: the sample b given in `noise.b` (float32 0/1, the logits' shape), else drawn from `noise.rng` */
  op(logits: tf.Tensor, options: EstimatorOptions, noise: BinaryOptions): tf.Tensor;
  /** the float64 gradient w.r.t. the logit a, at the sample b and upstream derivative d */
  gradient(a: number, b: number, d: number, options: EstimatorOptions): number;
}

/** One row of the registry, told apart by `kind`. */
export type EstimatorRow = PathwiseEstimator | ScoreEstimator | BinaryEstimator;

/** A row for a categorical variable: what a VAE's latents or E2's toy take. */
export type CategoricalEstimator = PathwiseEstimator | ScoreEstimator;

/** K rows of Exp(1) noise of length C, for the conditional Gumbel draw of GR-MCK. */
const exponentialRows = (rng: Random, K: number, C: number) =>
  Array.from({ length: K }, () => Array.from(rng.exponential(C)));

const fmt = (n: number) => String(Number(n.toPrecision(3)));

/** The categorical rows: the pathwise estimators, then the score-function ones. */
export const CATEGORICAL_ESTIMATORS: readonly CategoricalEstimator[] = [
  {
    name: 'st',
    kind: 'pathwise',
    family: 'ST(t)',
    label: (o = {}) => (o.t != null && o.t !== 1 ? `ST(t=${fmt(o.t)})` : 'ST'),
    colour: '#1f77b4',
    forward: 'sample',
    options: { t: { kind: 'temperature', default: 1, doc: 'backward temperature of ST(t)' } },
    claims: ['C2', 'C3', 'C4', 'C6', 'C7'],
    sampleFunction: true,
    op: (logits, o, n) => st(logits, { x: n.x, t: o.t }),
    gradient: (logits, v, o, n) => stGradient(logits, n.x, v, { t: o.t }),
  },
  {
    name: 'darn',
    kind: 'pathwise',
    family: 'DARN',
    label: () => 'DARN',
    colour: '#2ca02c',
    forward: 'sample',
    options: {},
    claims: ['C2', 'C3', 'C4', 'C5', 'C7'],
    sampleFunction: true,
    op: (logits, _o, n) => darn(logits, { x: n.x }),
    gradient: (logits, v, _o, n) => darnGradient(logits, n.x, v),
  },
  {
    name: 'zgr',
    kind: 'pathwise',
    family: 'ST-ZGR(a)',
    label: () => 'ZGR',
    colour: '#d62728',
    forward: 'sample',
    options: {},
    claims: ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7'],
    sampleFunction: true,
    op: (logits, _o, n) => zgr(logits, { x: n.x }),
    gradient: (logits, v, _o, n) => zgrGradient(logits, n.x, v),
  },
  {
    name: 'stZgr',
    kind: 'pathwise',
    family: 'ST-ZGR(a)',
    label: (o = {}) => `ST-ZGR(a=${fmt(o.a ?? 0.5)})`,
    colour: '#ff7f0e',
    forward: 'sample',
    options: { a: { kind: 'a', default: 0.5, doc: 'weight of ZGR, from ST (0) to ZGR (1)' } },
    claims: ['C7'],
    sampleFunction: true,
    op: (logits, o, n) => stZgr(logits, { x: n.x, a: o.a }),
    gradient: (logits, v, o, n) => stZgrGradient(logits, n.x, v, { a: o.a }),
  },
  {
    name: 'gs',
    kind: 'pathwise',
    family: 'GS(τ)',
    label: (o = {}) => `GS(τ=${fmt(o.tau ?? 1)})`,
    colour: '#9467bd',
    forward: 'relaxed',
    options: { tau: { kind: 'temperature', default: 1, doc: 'temperature of the relaxation' } },
    claims: [],
    sampleFunction: false,
    op: (logits, o, n) => gs(logits, { tau: o.tau, gumbel: n.gumbel }),
    gradient: (logits, v, o, n) => gsGradient(logits, v, { tau: o.tau }, n.gumbel),
  },
  {
    name: 'stGs',
    kind: 'pathwise',
    family: 'GR-MCK(τ)',
    label: (o = {}) => `ST-GS(τ=${fmt(o.tau ?? 1)})`,
    colour: '#8c564b',
    forward: 'sample',
    options: { tau: { kind: 'temperature', default: 1, doc: 'temperature of the backward relaxation' } },
    claims: ['C4', 'C7'],
    sampleFunction: false,
    op: (logits, o, n) => stGs(logits, { tau: o.tau, gumbel: n.gumbel }),
    gradient: (logits, v, o, n) => stGsGradient(logits, v, { tau: o.tau }, n.gumbel),
    // given x, ST-GS's noise is the Gumbel conditioned on argmax = x: GR-MCK with K = 1 (tested)
    givenSample: (logits, x, v, o, rng) =>
      grMckGradient(logits, x, v, { tau: o.tau, K: 1 }, exponentialRows(rng, 1, logits.length)),
  },
  {
    name: 'grMck',
    kind: 'pathwise',
    family: 'GR-MCK(τ)',
    label: (o = {}) => `GR-MC${o.K ?? 10}(τ=${fmt(o.tau ?? 1)})`,
    colour: '#e377c2',
    forward: 'sample',
    options: {
      tau: { kind: 'temperature', default: 1, doc: 'temperature of the relaxation' },
      K: { kind: 'K', default: 10, doc: 'number of conditional Gumbel perturbations averaged' },
    },
    claims: ['C1', 'C4', 'C6', 'C7'],
    sampleFunction: false,
    op: (logits, o, n) => grMck(logits, { x: n.x, tau: o.tau, K: o.K, exponentials: n.exponentials }),
    gradient: (logits, v, o, n) => grMckGradient(logits, n.x, v, { tau: o.tau, K: o.K }, n.exponentials!),
    givenSample: (logits, x, v, o, rng) =>
      grMckGradient(logits, x, v, { tau: o.tau, K: o.K }, exponentialRows(rng, o.K, logits.length)),
  },
  {
    // τ = 1 is ZGR sample by sample (test/estimators/reinmax.test.ts), so the default is ReinMax's
    // own tuned 8×4 value (PAPER.md E3), and labels say where τ = 1 or τ < 1 leaves its terms
    name: 'reinmax',
    kind: 'pathwise',
    family: 'ReinMax(τ)',
    label: (o = {}) => {
      const tau = o.tau ?? 1.3;
      if (tau === 1) return 'ReinMax(τ=1) ≡ ZGR';
      return tau < 1 ? `ReinMax(τ=${fmt(tau)}; official API refuses τ<1)` : `ReinMax(τ=${fmt(tau)})`;
    },
    colour: '#17becf',
    forward: 'sample',
    options: {
      tau: {
        kind: 'temperature',
        default: 1.3,
        doc:
          "temperature of the softmax inside π; default 1.3, ReinMax's tuned 8×4 value; " +
          'its official API refuses τ < 1 ("prefers tau >= 1"), and τ = 1 is ZGR',
      },
    },
    claims: ['C7'],
    sampleFunction: true,
    op: (logits, o, n) => reinmax(logits, { x: n.x, tau: o.tau }),
    gradient: (logits, v, o, n) => reinmaxGradient(logits, n.x, v, { tau: o.tau }),
  },
  {
    // ST on the E3 protocol's convention (ReinMax's code): backward through softmax(logits / τ)
    // WITH the factor 1/τ, i.e. ST(t = τ) / τ (st.ts); default τ = 1.3, the ST 8×4 cell of PAPER.md E3
    name: 'stTau',
    kind: 'pathwise',
    family: 'ST(τ)·1/τ',
    label: (o = {}) => `ST(τ=${fmt(o.tau ?? 1.3)})·1/τ`,
    colour: '#aec7e8',
    forward: 'sample',
    options: {
      tau: {
        kind: 'temperature',
        default: 1.3,
        doc:
          "temperature of softmax(logits/τ), differentiated with its 1/τ factor (ReinMax's ST); " +
          'default 1.3, the ST 8×4 cell of PAPER.md E3',
      },
    },
    claims: [],
    sampleFunction: true,
    op: (logits, o, n) => stTau(logits, { x: n.x, tau: o.tau }),
    gradient: (logits, v, o, n) => stTauGradient(logits, n.x, v, { tau: o.tau }),
  },
  {
    name: 'gst',
    kind: 'pathwise',
    family: 'GST(τ)',
    label: (o = {}) => `GST-1.0(τ=${fmt(o.tau ?? 1)})`,
    colour: '#393b79',
    forward: 'sample',
    options: {
      tau: {
        kind: 'temperature',
        default: 1,
        doc:
          'temperature of the backward softmax at the gapped logits; ' +
          'default 1.0, the GST-1.0 8×4 cell of PAPER.md E3',
      },
    },
    claims: [],
    sampleFunction: true,
    op: (logits, o, n) => gst(logits, { x: n.x, tau: o.tau }),
    gradient: (logits, v, o, n) => gstGradient(logits, n.x, v, { tau: o.tau }),
  },
  {
    // Wang & Bui 2026 (PAPER.md E3): defaults τ = 0.7, K = 32 of the public reimplementation
    name: 'reinmaxRao',
    kind: 'pathwise',
    family: 'ReinMax-Rao(τ)',
    label: (o = {}) => `ReinMax-Rao${o.K ?? 32}(τ=${fmt(o.tau ?? 0.7)})`,
    colour: '#637939',
    forward: 'sample',
    options: {
      tau: {
        kind: 'temperature',
        default: 0.7,
        doc: 'temperature of the Gumbel-Rao Jacobian at θ_D = log((p + e_x)/2)',
      },
      K: { kind: 'K', default: 32, doc: 'number of conditional Gumbel perturbations at θ_D averaged' },
    },
    claims: [],
    sampleFunction: false,
    op: (logits, o, n) => reinmaxRao(logits, { x: n.x, tau: o.tau, K: o.K, exponentials: n.exponentials }),
    gradient: (logits, v, o, n) => reinmaxRaoGradient(logits, n.x, v, { tau: o.tau, K: o.K }, n.exponentials!),
    givenSample: (logits, x, v, o, rng) =>
      reinmaxRaoGradient(logits, x, v, { tau: o.tau, K: o.K }, exponentialRows(rng, o.K, logits.length)),
  },
  {
    // Wang & Bui 2026 (PAPER.md E3; reinmax-cv.ts): defaults τ = 0.7, K = 32, η = 1.5 of the public reimplementation
    name: 'reinmaxCv',
    kind: 'pathwise',
    family: 'ReinMax-CV(τ)',
    label: (o = {}) => `ReinMax-CV${o.K ?? 32}(τ=${fmt(o.tau ?? 0.7)}, η=${fmt(o.eta ?? 1.5)})`,
    colour: '#7b4173',
    forward: 'sample',
    options: {
      tau: {
        kind: 'temperature',
        default: 0.7,
        doc:
          "temperature of the control variate's Jacobians (GR and ST-GS at θ_D = log((p + e_x)/2)); " +
          "ReinMax's own term is at τ = 1",
      },
      K: { kind: 'K', default: 32, doc: 'number of conditional Gumbel perturbations at θ_D averaged by the GR term' },
      eta: {
        kind: 'eta',
        default: 1.5,
        doc: 'weight η of the control variate GR − ST-GS (0: ReinMax at τ = 1, i.e. ZGR)',
      },
    },
    claims: [],
    sampleFunction: false,
    op: (logits, o, n) =>
      reinmaxCv(logits, { x: n.x, gumbel: n.gumbel, tau: o.tau, K: o.K, eta: o.eta, exponentials: n.exponentials }),
    gradient: (logits, v, o, n) =>
      reinmaxCvGradient(logits, n.x, v, { tau: o.tau, K: o.K, eta: o.eta }, n.gumbel, n.exponentials!),
    givenSample: (logits, x, v, o, rng) => {
      // the sample's own noise given x: G = s − logits, s = logits + G conditioned on argmax = x; then K rows for GR
      const [E, ...rows] = exponentialRows(rng, 1 + o.K, logits.length);
      const G = conditionalGumbel(logits, x, E).map((s, j) => s - logits[j]);
      return reinmaxCvGradient(logits, x, v, { tau: o.tau, K: o.K, eta: o.eta }, G, rows);
    },
  },
  {
    name: 'reinforce',
    kind: 'score',
    family: 'REINFORCE',
    label: () => 'REINFORCE',
    colour: '#7f7f7f',
    options: {},
    claims: [],
    surrogate: (logits, _o, loss, rng) => reinforce(logits, { rng, M: 1 }, loss),
    samples: () => 1,
    coefficients: reinforceCoefficients,
  },
  {
    name: 'rloo',
    kind: 'score',
    family: 'RLOO(M)',
    label: (o = {}) => `RLOO(M=${o.M ?? 2})`,
    colour: '#bcbd22',
    options: { M: { kind: 'M', default: 2, doc: 'number of samples, each needing a loss evaluation' } },
    claims: ['C7'],
    surrogate: (logits, o, loss, rng) => rloo(logits, { rng, M: o.M }, loss),
    samples: (o) => o.M,
    coefficients: rlooCoefficients,
  },
];

/** A binary row, drawn like its categorical twin: the twin's colour and family, its label + " (binary)". */
function binaryRow(
  name: string,
  twinName: string,
  op: BinaryEstimator['op'],
  gradient: BinaryEstimator['gradient'],
  claims: string[],
): BinaryEstimator {
  const twin = CATEGORICAL_ESTIMATORS.find((r) => r.name === twinName)!;
  const label = `${twin.label()} (binary)`;
  return {
    name,
    kind: 'binary',
    family: twin.family,
    label: () => label,
    colour: twin.colour,
    twin: twinName,
    options: {},
    claims,
    op,
    gradient,
  };
}

/** The binary rows (binary.ts): for quantised layers with two levels (PAPER.md E5). */
export const BINARY_ESTIMATORS: readonly BinaryEstimator[] = [
  binaryRow(
    'stBinary',
    'st',
    (logits, _o, noise) => stBinary(logits, noise),
    (a, b, d) => stBinaryGradient(a, b, d),
    [],
  ),
  binaryRow(
    'zgrBinary',
    'zgr',
    (logits, _o, noise) => zgrBinary(logits, noise),
    (a, b, d) => zgrBinaryGradient(a, b, d),
    ['C5'],
  ),
];

/** Every row: categorical (pathwise, then score-function), then binary. */
export const ALL_ESTIMATORS: readonly EstimatorRow[] = [...CATEGORICAL_ESTIMATORS, ...BINARY_ESTIMATORS];

/** The pathwise rows, in registry order: what the contract test and the exact analysis iterate. */
export const ESTIMATORS: readonly PathwiseEstimator[] = ALL_ESTIMATORS.filter(
  (e): e is PathwiseEstimator => e.kind === 'pathwise',
);

/** The pathwise row of an estimator, by name; an error lists the known names. */
export function estimator(name: string): PathwiseEstimator {
  const e = ESTIMATORS.find((r) => r.name === name);
  if (!e) {
    const known = ESTIMATORS.map((r) => r.name).join(', ');
    throw new Error(`estimator: unknown pathwise estimator ${JSON.stringify(name)} (known: ${known})`);
  }
  return e;
}

/** The estimator's options with defaults filled in. */
export function withDefaults(
  e: { options: Record<string, OptionSpec> },
  options: EstimatorOptions = {},
): EstimatorOptions {
  const out: EstimatorOptions = {};
  for (const [key, spec] of Object.entries(e.options)) if (spec.default != null) out[key] = spec.default;
  return { ...out, ...options };
}

/**
 * Run a pathwise op with its noise drawn from `rng`, in this order: Gumbel noise G [..., C], the
 * sample x = argmax(logits + G), and Exp(1) noise [K, ..., C] when the estimator has a K. The one
 * noise drawer: experiments and models call any pathwise estimator by name through it.
 */
export function sampleOp(e: PathwiseEstimator, logits: tf.Tensor, options: EstimatorOptions, rng: Random): tf.Tensor {
  return tf.tidy(() => {
    const gumbel = gumbelTensor(rng, logits.shape); //    [..., C]
    const x = gumbelMaxIndex(logits, gumbel); //           [...]
    const K = options.K;
    const exponentials =
      K != null && Number.isInteger(K) && K > 0 ? exponentialTensor(rng, [K, ...logits.shape]) : undefined;
    return e.op(logits, options, { x, gumbel, exponentials });
  });
}

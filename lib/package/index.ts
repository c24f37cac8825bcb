/**
 * @zgr/estimators — the browser-safe entry (issue 12). Re-exports only, and only of modules whose
 * import graph is free of Node builtins (no fs/path/crypto/child_process, no data loaders, no
 * results writers, no Chromium/Jupyter plumbing, no tfjs-node, no wasm backend): the estimators
 * (tfjs ops with custom gradients and their float64 / field forms), the registry and spec, Random,
 * the shared math, the exact analysis, the claim checks that need no trained model, the figure
 * style and the pure figure builders (lineFigure, groupedBarFigure, biasVarianceFigure: plotly
 * specs as plain JSON). test/package/entry.test.ts fails if the graph reaches a Node builtin;
 * `npm run package` builds packages/estimators from this file.
 *
 * It imports '@tensorflow/tfjs' (the package's peer dependency) and never selects a backend: the
 * user's tfjs picks one (webgl/cpu in a browser; cpu, or tfjs-node once imported, in Node).
 */
export { Random } from '../random';

// estimators: tfjs ops (custom gradients) and float64 / field forms
export { st, stGradient, stGradientOf, stTau, stTauGradient, type StOptions } from '../estimators/st';
export { darn, darnGradient, darnGradientOf } from '../estimators/darn';
export { zgr, zgrGradient, zgrGradientOf, zgrBackward } from '../estimators/zgr';
export { stZgr, stZgrGradient, stZgrGradientOf, type StZgrOptions } from '../estimators/st-zgr';
export { gs, gsGradient, temperedJacobianProduct, type GsOptions } from '../estimators/gs';
export { stGs, stGsGradient, type StGsOptions } from '../estimators/st-gs';
export {
  grMck,
  grMckGradient,
  conditionalGumbel,
  conditionalGumbelTensor,
  type GrMckOptions,
} from '../estimators/gr-mck';
export { reinmax, reinmaxGradient, reinmaxBackward, type ReinmaxOptions } from '../estimators/reinmax';
export { gst, gstGradient, gappedLogits, type GstOptions } from '../estimators/gst';
export { reinmaxRao, reinmaxRaoGradient, thetaD, type ReinmaxRaoOptions } from '../estimators/reinmax-rao';
export { reinmaxCv, reinmaxCvGradient, type ReinmaxCvOptions } from '../estimators/reinmax-cv';
export {
  reinforce,
  rloo,
  reinforceGradient,
  rlooGradient,
  reinforceGradientOf,
  rlooGradientOf,
  stopGradient,
  scoreTerm,
  reinforceCoefficients,
  rlooCoefficients,
  type SampleLoss,
  type ScoreOptions,
  type ScoreCoefficients,
} from '../estimators/reinforce';
export {
  stBinary,
  zgrBinary,
  stBinaryGradient,
  zgrBinaryGradient,
  darnBinaryGradient,
  type BinaryOptions,
} from '../estimators/binary';
export type { SampleOptions } from '../estimators/sample';
// input checks deferred on backends whose data is not on the host (webgpu, webgl): read and throw
export { settleDeferredChecks, pendingChecks } from '../estimators/validate';
export {
  ESTIMATORS,
  ALL_ESTIMATORS,
  CATEGORICAL_ESTIMATORS,
  BINARY_ESTIMATORS,
  estimator,
  withDefaults,
  sampleOp,
  type EstimatorRow,
  type PathwiseEstimator,
  type ScoreEstimator,
  type BinaryEstimator,
  type CategoricalEstimator,
  type EstimatorOptions,
  type OptionKind,
  type OptionSpec,
  type OpNoise,
  type Noise64,
} from '../estimators/registry';
export {
  resolveEstimator,
  resolvePathwise,
  resolveCategorical,
  estimatorStyle,
  estimatorLabel,
  estimatorId,
  type EstimatorSpec,
  type ResolvedEstimator,
  type ResolvedPathwise,
  type ResolvedCategorical,
  type EstimatorStyle,
} from '../estimators/spec';

// shared math: fields, softmax, vectors, slopes
export { float64, rational, frac, type Field } from '../math/field';
export { softmax, logSumExp, softmaxJacobianProduct } from '../math/softmax';
export { dot, norm } from '../math/vector';
export { logLogSlope } from '../math/slope';

// exact analysis
export { polynomialLoss, quadraticLoss, type Loss, type Monomial } from '../exact/polynomial';
export { jointStates, numJointStates, oneHotConcat, stateProbability } from '../exact/enumerate';
export {
  exactGradient,
  estimatorMean,
  estimatorStats,
  perVariable,
  type Problem,
  type Draw,
  type SampleEstimator,
  type EstimatorStats,
} from '../exact/moments';
export { registryStats, type StatsWithError } from '../exact/registry-stats';
export {
  randomProbabilities,
  randomRationalProbabilities,
  randomSampleCase,
  randomPolynomialProblem,
  randomRationalProblem,
  type SampleCase,
} from '../exact/toy-problems';
export {
  temperedJacobian,
  zgrJacobian,
  softmaxJacobian,
  conditionalJacobianMC,
  expectedJacobianMC,
  conditionalJacobianBinary,
  expectedJacobianBinary,
} from '../exact/tempered-jacobian';
export {
  exactMoments,
  conditionalMoments,
  rlooMoments,
  averaged,
  concatenated,
  type Moments,
} from '../exact/estimator-moments';
export { estimatorQuality, type Quality, type Interval } from '../exact/quality';
export { normalQuantile, studentQuantile } from '../math/stats';
export { latentSums, type LatentSums } from '../exact/latent-sums';
export { sampleFunctionMoments, conditionalFamilyMoments } from '../exact/latent-moments';
export {
  familyQuality,
  logitMoments,
  type MomentSource,
  type Measured,
  type EstimatorPoint,
  type FamilyGrid,
  type Block,
  type Family,
} from '../exact/family-quality';

// claim checks, each ending in a verdict (C1–C7, E2, E5's run sanity; not E4, which needs the VAE
// of lib/models, nor c7-training, which reads training results)
export { claimReport, assertHolds, type ClaimReport, type ClaimId, type Comparison } from '../checks/report';
export { e2Verdict, polynomialStall, E2_THRESHOLDS, type E2Outcome } from '../checks/e2-toy-optimisation';
export { e5RunSanity, E5_SANITY_THRESHOLDS, type E5RunOutcome } from '../checks/e5-run-sanity';
export {
  c1ZeroTemperatureLimit,
  c1Verdict,
  c1ColdGrVerdict,
  C1_THRESHOLDS,
  type C1Result,
  type C1Row,
  type ColdGrSweep,
} from '../checks/c1-zero-temperature-limit';
export { c2DecompositionGap, c2Verdict, C2_THRESHOLDS } from '../checks/c2-decomposition';
export { c3Moments, c3Verdict, C3_THRESHOLDS, isZero, type C3Result } from '../checks/c3-quadratic-unbiasedness';
export {
  c4LinearRelaxedBias,
  c4Verdict,
  C4_THRESHOLDS,
  grConditionalVariance,
  type C4Result,
  type C4Row,
} from '../checks/c4-linear';
export { c5BinaryValues, c5Verdict, C5_THRESHOLDS, type C5Values } from '../checks/c5-binary';
export { c6Verdict, C6_THRESHOLDS, grCostSlope, type CostTimes } from '../checks/c6-cost';
export {
  c7BiasVariance,
  dominance,
  neededMargin,
  C7_MARGINS,
  C7_THRESHOLDS,
  type C7Report,
} from '../checks/c7-bias-variance';

// figures: the style (one colour, label and marker per estimator, the shared font and sizes) and
// the pure builders of plotly specs (plain JSON: no plotly, no I/O). Not lib/plots/index.ts, whose
// barrel also carries the Node-bound exporter, Chromium and Jupyter plumbing.
export {
  FONT_FAMILY,
  FONT,
  FIGURE_SIZE,
  REFERENCE_COLOUR,
  DASHES,
  SYMBOLS,
  ZGR_REINMAX_LABEL,
  isReinmaxAtOne,
  mergeReinmaxIntoZgr,
  withAlpha,
  baseLayout,
  axis,
  logTicks,
  type AxisSpec,
  type Ticks,
} from '../plots/style';
export type { Figure, Trace, Layout } from '../plots/types';
export { intervalBars, standardErrorBars, type SeriesStyle, type ErrorBars } from '../plots/series';
export { lineFigure, type LineSeries, type LineFigureSpec } from '../plots/line-figure';
export { groupedBarFigure, type BarSeries, type BarFigureSpec } from '../plots/bar-figure';
export { biasVarianceFigure } from '../plots/c7-figures';

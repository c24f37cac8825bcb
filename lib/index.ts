/**
 * zgr-companion: the public API (re-exports only). See README.md for a map of estimators,
 * formulas, files, tests, notebooks and claims.
 */
export { Random } from './random';
export { initBackend, backendInfo, BACKENDS, type BackendInfo, type BackendName } from './backend';

// estimators: tfjs ops (custom gradients) and float64 / field forms
export { st, stGradient, stGradientOf, type StOptions } from './estimators/st';
export { darn, darnGradient, darnGradientOf } from './estimators/darn';
export { zgr, zgrGradient, zgrGradientOf, zgrBackward } from './estimators/zgr';
export { stZgr, stZgrGradient, stZgrGradientOf, type StZgrOptions } from './estimators/st-zgr';
export { gs, gsGradient, temperedJacobianProduct, type GsOptions } from './estimators/gs';
export { stGs, stGsGradient, type StGsOptions } from './estimators/st-gs';
export { grMck, grMckGradient, conditionalGumbel, conditionalGumbelTensor, type GrMckOptions } from './estimators/gr-mck';
export { reinmax, reinmaxGradient, type ReinmaxOptions } from './estimators/reinmax';
export {
  reinforce, rloo, reinforceGradient, rlooGradient, reinforceGradientOf, rlooGradientOf, stopGradient,
  type SampleLoss, type ScoreOptions,
} from './estimators/reinforce';
export {
  stBinary, zgrBinary, stBinaryGradient, zgrBinaryGradient, darnBinaryGradient, type BinaryOptions,
} from './estimators/binary';
export { softmax, logSumExp, softmaxJacobianProduct } from './estimators/softmax';
export type { SampleOptions } from './estimators/sample';
export {
  ESTIMATORS, SCORE_ESTIMATORS, estimator, withDefaults, colourOf,
  type CategoricalEstimator, type EstimatorOptions, type OptionSpec, type OpNoise, type Noise64,
} from './estimators/registry';

// exact analysis
export { float64, rational, frac, type Field } from './exact/field';
export { polynomialLoss, quadraticLoss, type Loss, type Monomial } from './exact/polynomial';
export { jointStates, numJointStates, oneHotConcat, stateProbability } from './exact/enumerate';
export {
  exactGradient, estimatorMean, estimatorStats, perVariable,
  type Problem, type Draw, type SampleEstimator, type EstimatorStats,
} from './exact/moments';
export { registryStats, type StatsWithError } from './exact/registry-stats';
export {
  temperedJacobian, zgrJacobian, softmaxJacobian, conditionalJacobianMC, expectedJacobianMC,
  conditionalJacobianBinary, expectedJacobianBinary,
} from './exact/tempered-jacobian';

// one check per claim (used by the tests and the notebooks)
export { c1ZeroTemperatureLimit, logLogSlope, type C1Result, type C1Row } from './checks/c1-zero-temperature-limit';
export { c2DecompositionGap } from './checks/c2-decomposition';
export { c3Moments, randomRationalProblem, randomRationalProbabilities, isZero, type C3Result } from './checks/c3-quadratic-unbiasedness';
export { c4LinearRelaxedBias, grConditionalVariance, type C4Result, type C4Row } from './checks/c4-linear';
export { c5BinaryValues, type C5Values } from './checks/c5-binary';

// results (atomic writer, provenance, profile) and plots (figure builders, the one exporter)
export * from './results';
export * from './plots';

// data, models and experiments (E2, cold GR, E3, E4, E6)
export { loadMnist, batchTargets, MNIST_SIZES, type Mnist, type Binarisation } from './data/mnist';
export { readIdx, parseIdx } from './data/idx';
export { Vae, negElboLoss, negElboPerImage, klToUniform, reconstructionLoss, type VaeShape } from './models/vae';
export { Adam, type AdamOptions } from './models/adam';
export { resolveEstimator, estimatorLabel, type EstimatorSpec } from './models/latent';
export { e2Problems, quadraticToy, polynomialToy, trainToy, runE2Problem, E2_PROFILES, type ToyProblem, type E2Config, type E2Curve } from './experiments/e2-toy';
export { runColdGr, COLD_GR_PROFILES, type ColdGrConfig, type ColdGrResult } from './experiments/cold-gr';
export { runE6, E6_PROFILES, type E6Config, type E6Result } from './experiments/e6-cost';
export {
  trainVae, runSweep, runE3, e3Profile, e3Configs, loadE3Results, E3_PROFILES,
  type VaeTrainingConfig, type VaeRunResult, type E3Profile,
} from './experiments/e3-vae-training';
export { runE4, grDominance, E4_PROFILES, exactGradient as vaeExactGradient, type E4Result, type E4Profile } from './experiments/e4-gradient-quality';

/**
 * zgr-companion: the public API (re-exports only). See README.md for a map of estimators,
 * formulas, files, tests, notebooks and claims.
 */
export { Random } from './random';
export { initBackend, backendInfo, BACKENDS, type BackendInfo, type BackendName } from './backend';

// estimators: tfjs ops (custom gradients) and float64 / field forms
export { st, stGradient, stGradientOf, stTau, stTauGradient, type StOptions } from './estimators/st';
export { darn, darnGradient, darnGradientOf } from './estimators/darn';
export { zgr, zgrGradient, zgrGradientOf, zgrBackward } from './estimators/zgr';
export { stZgr, stZgrGradient, stZgrGradientOf, type StZgrOptions } from './estimators/st-zgr';
export { gs, gsGradient, temperedJacobianProduct, type GsOptions } from './estimators/gs';
export { stGs, stGsGradient, type StGsOptions } from './estimators/st-gs';
export { grMck, grMckGradient, conditionalGumbel, conditionalGumbelTensor, type GrMckOptions } from './estimators/gr-mck';
export { reinmax, reinmaxGradient, reinmaxBackward, type ReinmaxOptions } from './estimators/reinmax';
export { gst, gstGradient, gappedLogits, type GstOptions } from './estimators/gst';
export { reinmaxRao, reinmaxRaoGradient, thetaD, type ReinmaxRaoOptions } from './estimators/reinmax-rao';
export { reinmaxCv, reinmaxCvGradient, type ReinmaxCvOptions } from './estimators/reinmax-cv';
export {
  reinforce, rloo, reinforceGradient, rlooGradient, reinforceGradientOf, rlooGradientOf, stopGradient,
  type SampleLoss, type ScoreOptions,
} from './estimators/reinforce';
export {
  stBinary, zgrBinary, stBinaryGradient, zgrBinaryGradient, darnBinaryGradient, type BinaryOptions,
} from './estimators/binary';
export type { SampleOptions } from './estimators/sample';
export {
  ESTIMATORS, ALL_ESTIMATORS, estimator, withDefaults, sampleOp,
  type EstimatorRow, type PathwiseEstimator, type ScoreEstimator, type EstimatorOptions, type OptionKind, type OptionSpec, type OpNoise, type Noise64,
} from './estimators/registry';
export {
  resolveEstimator, resolvePathwise, estimatorStyle, estimatorLabel, estimatorId,
  type EstimatorSpec, type ResolvedEstimator, type ResolvedPathwise, type EstimatorStyle,
} from './estimators/spec';

// shared math, under both estimators and exact analysis: fields, softmax, vectors, slopes
export { float64, rational, frac, type Field } from './math/field';
export { softmax, logSumExp, softmaxJacobianProduct } from './math/softmax';
export { dot, norm } from './math/vector';
export { logLogSlope } from './math/slope';

// exact analysis
export { polynomialLoss, quadraticLoss, type Loss, type Monomial } from './exact/polynomial';
export { jointStates, numJointStates, oneHotConcat, stateProbability } from './exact/enumerate';
export {
  exactGradient, estimatorMean, estimatorStats, perVariable,
  type Problem, type Draw, type SampleEstimator, type EstimatorStats,
} from './exact/moments';
export { registryStats, type StatsWithError } from './exact/registry-stats';
export {
  randomProbabilities, randomRationalProbabilities, randomSampleCase, randomPolynomialProblem, randomRationalProblem,
  type SampleCase,
} from './exact/toy-problems';
export {
  temperedJacobian, zgrJacobian, softmaxJacobian, conditionalJacobianMC, expectedJacobianMC,
  conditionalJacobianBinary, expectedJacobianBinary,
} from './exact/tempered-jacobian';

// one check per claim, each ending in a verdict (used by the tests and the notebooks)
export { claimReport, assertHolds, type ClaimReport, type ClaimId, type Comparison } from './checks/report';
export {
  c1ZeroTemperatureLimit, c1Verdict, c1ColdGrVerdict, C1_THRESHOLDS, type C1Result, type C1Row, type ColdGrSweep,
} from './checks/c1-zero-temperature-limit';
export { c2DecompositionGap, c2Verdict, C2_THRESHOLDS } from './checks/c2-decomposition';
export { c3Moments, c3Verdict, C3_THRESHOLDS, isZero, type C3Result } from './checks/c3-quadratic-unbiasedness';
export { c4LinearRelaxedBias, c4Verdict, C4_THRESHOLDS, grConditionalVariance, type C4Result, type C4Row } from './checks/c4-linear';
export { c5BinaryValues, c5Verdict, C5_THRESHOLDS, type C5Values } from './checks/c5-binary';
export { c6Verdict, C6_THRESHOLDS, grCostSlope, type CostTimes } from './checks/c6-cost';

// results (atomic writer, provenance, profile) and plots (figure builders, the one exporter)
export * from './results';
export * from './plots';

// data, models and experiments (E2, cold GR, E3, E4, E6)
export { loadMnist, batchTargets, MNIST_SIZES, type Mnist, type Binarisation } from './data/mnist';
export { readIdx, parseIdx } from './data/idx';
export { Vae, negElboLoss, negElboPerImage, klToUniform, reconstructionLoss, type VaeShape } from './models/vae';
export { Adam, type AdamOptions } from './models/adam';
export { RAdam, rectification } from './models/radam';
export { e2Problems, quadraticToy, polynomialToy, trainToy, runE2Problem, E2_PROFILES, type ToyProblem, type E2Config, type E2Curve } from './experiments/e2-toy';
export { runColdGr, COLD_GR_PROFILES, type ColdGrConfig, type ColdGrResult } from './experiments/cold-gr';
export { runE6, E6_PROFILES, type E6Config, type E6Result } from './experiments/e6-cost';
export {
  trainVae, runSweep, runE3, e3Profile, e3Configs, loadE3Results, E3_PROFILES,
  type VaeTrainingConfig, type VaeRunResult, type E3Profile,
} from './experiments/e3-vae-training';
export { runE4, E4_PROFILES, type E4Result, type E4Profile, type E4Case, type E4CheckpointResult } from './experiments/e4-gradient-quality';
export { vaeStates, autodiffGradient as vaeAutodiffGradient, type VaeStates } from './models/vae-exact';

// bias–variance measurement (C7): moments, quality metrics with intervals, the families, the verdict
export { exactMoments, conditionalMoments, rlooMoments, averaged, concatenated, type Moments } from './exact/estimator-moments';
export { estimatorQuality, type Quality, type Interval } from './exact/quality';
export { latentSums, type LatentSums } from './exact/latent-sums';
export { sampleFunctionMoments, conditionalFamilyMoments } from './exact/latent-moments';
export { familyQuality, logitMoments, type MomentSource, type EstimatorPoint, type FamilyGrid, type Block } from './exact/family-quality';
export { c7BiasVariance, dominatedBy, C7_THRESHOLDS, type C7Report } from './checks/c7-bias-variance';
export { e4ExactGradientCheck, e4ExactGradientErrors, E4_EXACT_GRADIENT_THRESHOLDS } from './checks/e4-exact-gradient';

// E5: quantised networks — the stochastic quantised layer, the classifiers, Fashion-MNIST, one training step, exact analysis
export {
  quantiser, levelLogits, levelLogits64, levelLogitSlopes64, levelValue, expectedLevel, quantise, quantisedSurrogate, resolveLayerEstimator,
  LEVEL_PRESETS, BINARY_ESTIMATORS, type Quantiser, type LevelPreset, type LayerEstimator, type BinaryEstimatorName,
} from './models/quantised-layer';
export { classLogits, sampledLogits, meanFieldLogits, classifierLoss, crossEntropy, accuracy as classifierAccuracy, type QuantisedClassifier } from './models/quantised-classifier';
export { QuantisedMlp, type QuantisedMlpShape, type QuantisedShape } from './models/quantised-mlp';
export { QuantisedConvNet, conv2dSame, type QuantisedConvShape } from './models/quantised-conv';
export {
  quantisedStates, preActivationMoments, preActivationSampleFunctionMoments, preActivationVjp, quantisedAutodiffGradient, type QuantisedStates,
} from './models/quantised-exact';
export {
  loadFashionMnist, loadFashionMnistSplits, fashionMnistDir, classSplit as fashionMnistClassSplit,
  FASHION_MNIST_PER_CLASS, FASHION_MNIST_SPLIT_SEED, FASHION_MNIST_LABELS,
} from './data/fashion-mnist';
export { loadDataset, classificationBatch, DATASETS, type DatasetName, type ClassificationBatch } from './data/classification';
export { trainStep as e5TrainStep, evaluateClassifier } from './experiments/e5-training';

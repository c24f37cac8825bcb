/**
 * zgr-companion: the public API (re-exports only). See README.md for a map of estimators,
 * formulas, files, tests, notebooks and claims.
 */
// the package's entry (lib/package/index.ts, published as @zgr/estimators): estimators, registry,
// Random, math, exact analysis, the claim checks C1–C7 that need no model, the figure style
export * from './package';
// the companion's own: backends, results, figures, data, models, experiments (Node)
export { initBackend, backendInfo, BACKENDS, type BackendInfo, type BackendName } from './backend';

// results (atomic writer, provenance, profile) and plots (figure builders, the one exporter)
export * from './results';
export * from './plots';

// data, models and experiments (E2, cold GR, E3, E4, E6)
export { loadMnist, batchTargets, MNIST_SIZES, type Mnist, type Binarisation } from './data/mnist';
export { readIdx, parseIdx } from './data/idx';
export { Vae, negElboLoss, negElboPerImage, klToUniform, reconstructionLoss, type VaeShape } from './models/vae';
export { Adam, type AdamOptions } from './models/adam';
export { RAdam, rectification } from './models/radam';
export {
  e2Problems,
  quadraticToy,
  polynomialToy,
  trainToy,
  runE2Problem,
  E2_PROFILES,
  type ToyProblem,
  type E2Config,
  type E2Curve,
} from './experiments/e2-toy';
export { runColdGr, COLD_GR_PROFILES, type ColdGrConfig, type ColdGrResult } from './experiments/cold-gr';
export { runE6, E6_PROFILES, type E6Config, type E6Result } from './experiments/e6-cost';
export {
  trainRun,
  loadResult,
  loadRunSnapshot,
  stepsPerEpoch,
  OPTIMIZERS,
  type TrainingTask,
  type Step,
  type RunConfig,
  type RunResult,
  type EpochRecord,
  type Trainable,
  type TrainOptions,
  type Optimizer,
} from './training/training-run';
export { runTaskSweep, type SweepOptions, type SweepEvent, type SweepJob } from './training/sweep';
export { TASKS, taskByName, type TaskName, type TaskInput, type TaskResult } from './training/tasks';
export {
  trainVae,
  runSweep,
  runE3,
  e3Profile,
  e3Configs,
  loadE3Results,
  E3_PROFILES,
  type VaeTrainingConfig,
  type VaeRunResult,
  type E3Profile,
} from './experiments/e3-vae-training';
export {
  runE4,
  E4_PROFILES,
  type E4Result,
  type E4Profile,
  type E4Case,
  type E4CheckpointResult,
} from './experiments/e4-gradient-quality';
export {
  vaeStates,
  autodiffGradient as vaeAutodiffGradient,
  e4ExactGradientErrors,
  type VaeStates,
} from './models/vae-exact';

// E4: the exact gradient of the VAE against autodiff
export { e4ExactGradientCheck, E4_EXACT_GRADIENT_THRESHOLDS } from './checks/e4-exact-gradient';

// E5: quantised networks — the stochastic quantised layer, the classifiers, Fashion-MNIST, one
// training step, exact analysis
export {
  quantiser,
  levelLogits,
  levelLogits64,
  levelLogitSlopes64,
  levelValue,
  expectedLevel,
  quantise,
  quantisedSurrogate,
  sampleLevels,
  LEVEL_PRESETS,
  type Quantiser,
  type LevelPreset,
} from './models/quantised-layer';
export {
  classLogits,
  sampledLogits,
  meanFieldLogits,
  classifierLoss,
  crossEntropy,
  accuracy as classifierAccuracy,
  type QuantisedClassifier,
} from './models/quantised-classifier';
export { QuantisedMlp, type QuantisedMlpShape, type QuantisedShape } from './models/quantised-mlp';
export { QuantisedConvNet, conv2dSame, type QuantisedConvShape } from './models/quantised-conv';
export {
  quantisedStates,
  preActivationMoments,
  preActivationSampleFunctionMoments,
  preActivationVjp,
  quantisedAutodiffGradient,
  quantisedExactGradientErrors,
  type QuantisedStates,
} from './models/quantised-exact';
export {
  loadFashionMnist,
  loadFashionMnistSplits,
  fashionMnistDir,
  classSplit as fashionMnistClassSplit,
  FASHION_MNIST_PER_CLASS,
  FASHION_MNIST_SPLIT_SEED,
  FASHION_MNIST_LABELS,
} from './data/fashion-mnist';
export {
  loadDataset,
  classificationBatch,
  DATASETS,
  type DatasetName,
  type ClassificationBatch,
} from './data/classification';
export {
  trainStep as e5TrainStep,
  evaluateClassifier,
  trainQuantised,
  loadE5RunResult,
  loadE5Snapshot,
  createClassifier,
  e5ResultsDir,
  E5_TASK,
  type E5Metrics,
  type E5EpochRecord,
  type E5RunResult,
} from './training/quantised-task';
export {
  normaliseE5Config,
  e5RunKey,
  E5_DEFAULTS,
  E5_MODELS,
  type E5TrainingConfig,
  type E5TrainingInput,
  type E5Model,
} from './training/quantised-config';
export {
  runE5,
  e5Profile,
  e5Configs,
  loadE5Results,
  finishedE5Results,
  e5ProfileResultsDir,
  E5_PROFILES,
  E5_ESTIMATORS,
  type E5Profile,
} from './experiments/e5-quantised-network';
export {
  measureE5Quality,
  measureQuantisedBatch,
  e5QualityNet,
  E5_QUALITY_PROFILES,
  type E5QualityProfile,
  type E5QualityResult,
  type E5Case,
  type E5Space,
} from './experiments/e5-gradient-quality';

/**
 * E4: gradient quality in the VAE (PAPER.md "Experiment protocols"; claim C7, bias–variance).
 *
 * On a configuration with few latent states (8 × 4: 8^4 = 4096 states per image) the exact
 * gradient of the batch loss w.r.t. the encoder logits η [B, L, C] is computed by enumeration.
 * The batch loss is the −ELBO averaged over a fixed evaluation batch,
 *     J(η) = (1/B) Σ_b ( E_{z~q_b} f_b(z) + KL(q_b ‖ uniform) ),   f_b(z) = −log p(x_b | z),
 * with the exact gradient of its two parts
 *     ∂/∂η_blc E f_b = Σ_{z: z_l = c} q_b(z) (f_b(z) − E f_b)          (score identity, centred)
 *     ∂/∂η_blc KL_b  = p_blc (log p_blc − Σ_c' p_blc' log p_blc')
 * The decoder does not depend on the image, so it is evaluated once on all C^L one-hot states
 * and f_b(z) = Σ_pixels softplus(y_z) − y_z · x_b for every image at once.
 *
 * Each estimator's gradient w.r.t. η comes from tf.grad of its op with the logits as input,
 * given the upstream gradient v = ∂f/∂z at the sample. All estimators are fed the same samples
 * z and Gumbel noise (common random numbers); GR-MCK draws its own conditional perturbations;
 * RLOO(M) groups M consecutive samples. Reported per estimator, over N single-sample estimates
 * ĝ of ∇J (vectors of B·L·C numbers), with g = the exact gradient:
 *     bias   = √max(0, ‖mean ĝ − g‖² − tr Cov/N)    (squared-bias estimate without its noise term)
 *     std    = √(tr Cov),   Cov = sample covariance of ĝ (N − 1)
 *     mse    = mean ‖ĝ − g‖²,   cosine = mean cos(ĝ, g)
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { batchTargets, loadMnist, MNIST_PIXELS, type Binarisation } from '../data/mnist';
import { rlooGradient } from '../estimators/reinforce';
import { gumbelMaxIndex, gumbelTensor } from '../estimators/sample';
import { drawNoise, estimatorLabel, resolveEstimator, type EstimatorSpec, type ResolvedEstimator } from '../models/latent';
import { klToUniform, reconstructionLoss, type Vae } from '../models/vae';
import { Random } from '../random';
import { repoRoot } from '../results/paths';
import { profileName, type ProfileName } from '../results/profile';
import { provenance, type Provenance } from '../results/provenance';
import { writeJsonAtomic } from '../results/write';
import { e3ResultsDir, loadSnapshot, normaliseConfig, runKey, trainVae, type VaeTrainingConfig, type VaeTrainingInput } from './e3-vae-training';

// ------------------------------------------------------------------------------ exact gradient

/** Most joint states the exact gradient enumerates (C^L). */
export const MAX_STATES = 1 << 16;

export interface ExactGradient {
  B: number;
  L: number;
  C: number;
  /** encoder logits η, [B·L·C] row-major */
  logits: Float64Array;
  /** ∇_η J, [B·L·C] */
  gradient: Float64Array;
  /** J(η) = mean over the batch of E f_b + KL_b (nats per image) */
  objective: number;
}

/** The C^L joint states as one-hot rows, [S, L, C] float32; state s has digits s_l in base C (l = 0 most significant). */
export function stateOneHots(C: number, L: number): { S: number; onehots: Float32Array; digits: Int32Array } {
  const S = C ** L;
  if (!(S <= MAX_STATES)) throw new Error(`exact E4 gradient: C^L = ${C}^${L} = ${S} states is more than ${MAX_STATES} to enumerate`);
  const onehots = new Float32Array(S * L * C);
  const digits = new Int32Array(S * L);
  for (let s = 0; s < S; s++) {
    let rest = s;
    for (let l = L - 1; l >= 0; l--) {
      const d = rest % C;
      rest = Math.floor(rest / C);
      digits[s * L + l] = d;
      onehots[(s * L + l) * C + d] = 1;
    }
  }
  return { S, onehots, digits };
}

/** f_b(z) for every state and image: [S × B] float64 (row s, column b). */
export function stateLosses(vae: Vae, x: tf.Tensor, C: number, L: number): Float64Array {
  const { S, onehots } = stateOneHots(C, L);
  return tidyValue(() => {
    const y = vae.decode(tf.tensor3d(onehots, [S, L, C])); // decoder logits of every state  [S, D]
    // f_b(z) = Σ softplus(y_z) − y_z · x_b
    const f = tf.softplus(y).sum(-1, true).sub(y.matMul(tf.transpose(x))); // [S, B]
    return Float64Array.from(f.dataSync());
  });
}

/** Run `fn` in a tf.tidy and return its plain (non-tensor) result. */
function tidyValue<T>(fn: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = fn();
  });
  return out as T;
}

/** Softmax of each row of C logits, float64. */
function softmaxRows(logits: Float64Array, C: number): Float64Array {
  const p = new Float64Array(logits.length);
  for (let r = 0; r < logits.length; r += C) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[r + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += (p[r + c] = Math.exp(logits[r + c] - m));
    for (let c = 0; c < C; c++) p[r + c] /= z;
  }
  return p;
}

/** The exact gradient of the batch loss J w.r.t. the encoder logits of `x` [B, D] (see the module doc). */
export function exactGradient(vae: Vae, x: tf.Tensor): ExactGradient {
  const { C, numLatents: L } = vae;
  const B = x.shape[0];
  const logits = tidyValue(() => Float64Array.from(vae.encode(x).dataSync()));
  const p = softmaxRows(logits, C);
  const { S, digits } = stateOneHots(C, L);
  const f = stateLosses(vae, x, C, L); // [S, B]
  const gradient = new Float64Array(B * L * C);
  const q = new Float64Array(S);
  let objective = 0;
  for (let b = 0; b < B; b++) {
    const base = b * L * C;
    // q_b(z) = Π_l p_bl(z_l);  E f_b = Σ_z q_b(z) f_b(z)
    let Ef = 0;
    for (let s = 0; s < S; s++) {
      let logq = 0;
      for (let l = 0; l < L; l++) logq += Math.log(p[base + l * C + digits[s * L + l]]);
      q[s] = Math.exp(logq);
      Ef += q[s] * f[s * B + b];
    }
    // ∂E f_b/∂η_blc = Σ_{z_l = c} q (f − E f)
    for (let s = 0; s < S; s++) {
      const w = q[s] * (f[s * B + b] - Ef);
      for (let l = 0; l < L; l++) gradient[base + l * C + digits[s * L + l]] += w;
    }
    // KL_b = Σ_l (Σ_c p log p + log C);  ∂KL_b/∂η_blc = p_blc (log p_blc − Σ_c' p log p)
    let kl = 0;
    for (let l = 0; l < L; l++) {
      let plogp = 0;
      for (let c = 0; c < C; c++) {
        const pc = p[base + l * C + c];
        if (pc > 0) plogp += pc * Math.log(pc);
      }
      kl += plogp + Math.log(C);
      for (let c = 0; c < C; c++) {
        const pc = p[base + l * C + c];
        gradient[base + l * C + c] += pc > 0 ? pc * (Math.log(pc) - plogp) : 0;
      }
    }
    objective += Ef + kl;
  }
  for (let i = 0; i < gradient.length; i++) gradient[i] /= B; // J is the batch mean
  return { B, L, C, logits, gradient, objective: objective / B };
}

// ------------------------------------------------------------------------------ estimator statistics

/** Sums of d = ĝ − g over N estimates, from which bias, std, MSE and cosine follow. */
export class GradientStats {
  n = 0;
  readonly sumD: Float64Array;
  readonly sumD2: Float64Array;
  sumCos = 0;
  private readonly exactNorm: number;

  constructor(readonly exact: Float64Array) {
    this.sumD = new Float64Array(exact.length);
    this.sumD2 = new Float64Array(exact.length);
    this.exactNorm = Math.sqrt(exact.reduce((a, g) => a + g * g, 0));
  }

  /** Add one estimate ĝ (length B·L·C). */
  add(g: ArrayLike<number>): void {
    let dot = 0;
    let norm2 = 0;
    for (let i = 0; i < g.length; i++) {
      const d = g[i] - this.exact[i];
      this.sumD[i] += d;
      this.sumD2[i] += d * d;
      dot += g[i] * this.exact[i];
      norm2 += g[i] * g[i];
    }
    this.sumCos += norm2 > 0 && this.exactNorm > 0 ? dot / (Math.sqrt(norm2) * this.exactNorm) : 0;
    this.n += 1;
  }

  /** Per-coordinate mean of ĝ − g and its standard error (for statistical tests). */
  coordinates(): { meanError: Float64Array; standardError: Float64Array } {
    const n = this.n;
    const meanError = this.sumD.map((s) => s / n);
    const standardError = this.sumD2.map((s2, i) => Math.sqrt(Math.max(0, (s2 - (this.sumD[i] * this.sumD[i]) / n) / (n - 1)) / n));
    return { meanError, standardError };
  }

  summary(): Pick<EstimatorQuality, 'samples' | 'bias' | 'biasRaw' | 'std' | 'mse' | 'cosine' | 'exactNorm'> {
    const n = this.n;
    if (n < 2) throw new Error(`GradientStats: need at least 2 estimates, got ${n}`);
    let bias2Raw = 0; // ‖mean ĝ − g‖²
    let variance = 0; // tr Cov
    let mse = 0;
    for (let i = 0; i < this.sumD.length; i++) {
      const mean = this.sumD[i] / n;
      bias2Raw += mean * mean;
      variance += Math.max(0, (this.sumD2[i] - n * mean * mean) / (n - 1));
      mse += this.sumD2[i] / n;
    }
    return {
      samples: n,
      bias: Math.sqrt(Math.max(0, bias2Raw - variance / n)),
      biasRaw: Math.sqrt(bias2Raw),
      std: Math.sqrt(variance),
      mse,
      cosine: this.sumCos / n,
      exactNorm: this.exactNorm,
    };
  }
}

export interface EstimatorQuality {
  /** registry name and full options */
  estimator: EstimatorSpec;
  label: string;
  /** curve it belongs to: 'ST(t)', 'ST-GS(τ)', 'GR-MC10(τ)', 'ReinMax(τ)', 'ST-ZGR(a)'; or its label for points */
  family: string;
  /** the value that indexes the family (t, τ or a); null for points */
  param: number | null;
  /** loss evaluations (decoder passes) per estimate: M for RLOO, 1 otherwise */
  evaluations: number;
  samples: number;
  bias: number;
  /** ‖mean ĝ − g‖ including its Monte Carlo noise */
  biasRaw: number;
  std: number;
  mse: number;
  cosine: number;
  /** ‖g‖, for relative values */
  exactNorm: number;
}

/** Family and parameter of an estimator for the bias–variance figure. */
export function familyOf(spec: EstimatorSpec): { family: string; param: number | null } {
  const r = resolveEstimator(spec);
  const o = r.options as Record<string, number>;
  switch (r.name) {
    case 'st':
      return { family: 'ST(t)', param: o.t };
    case 'stGs':
      return { family: 'ST-GS(τ)', param: o.tau };
    case 'grMck':
      return { family: `GR-MC${o.K}(τ)`, param: o.tau };
    case 'reinmax':
      return { family: 'ReinMax(τ)', param: o.tau };
    case 'stZgr':
      return { family: 'ST-ZGR(a)', param: o.a };
    default:
      return { family: estimatorLabel(spec), param: null };
  }
}

export interface SampleOptions {
  /** estimates per estimator */
  samples: number;
  /** samples processed together (a multiple of every RLOO M) */
  chunk: number;
  /** largest K·rows·L·C tensor of GR-MCK perturbations held at once */
  maxPerturbations?: number;
  progress?: (done: number, total: number) => void;
}

/** Row slice [from, to) of a tensor along axis 0 (of GR-MCK's [K, rows, ...] along axis 1). */
function rows(t: tf.Tensor, from: number, to: number, axis = 0): tf.Tensor {
  const begin = t.shape.map(() => 0);
  const size = t.shape.map((d) => d);
  begin[axis] = from;
  size[axis] = to - from;
  return tf.slice(t, begin, size);
}

/**
 * Gradient estimates of every estimator at the logits of `x` [B, D], accumulated against the
 * exact gradient. Each chunk draws n samples per image: logits are tiled to [n·B, L, C] (row
 * s·B + b is sample s of image b), the upstream v = ∂f/∂z and the losses f come from one decoder
 * pass, and every estimator's backward is applied to the same samples.
 */
export function sampleEstimators(
  vae: Vae,
  x: tf.Tensor,
  specs: readonly EstimatorSpec[],
  exact: ExactGradient,
  rng: Random,
  options: SampleOptions,
): GradientStats[] {
  const { B, L, C } = exact;
  const resolved = specs.map(resolveEstimator);
  const Ms = resolved.filter((r) => r.kind === 'score').map((r) => r.options.M as number);
  const { samples, chunk } = options;
  if (Ms.some((M) => chunk % M !== 0)) throw new Error(`sampleEstimators: chunk (${chunk}) must be a multiple of every RLOO M (${Ms})`);
  if (samples % chunk !== 0) throw new Error(`sampleEstimators: samples (${samples}) must be a multiple of chunk (${chunk})`);
  const maxPerturbations = options.maxPerturbations ?? 1 << 18; // small pieces: faster on wasm (cache)
  const stats = resolved.map(() => new GradientStats(exact.gradient));
  // the KL part of ∇J is exact and the same for every estimator
  const klGrad = new Float64Array(B * L * C);
  tf.tidy(() => {
    const g = tf.grad((l: tf.Tensor) => klToUniform(l).mean())(tf.tensor3d(Float32Array.from(exact.logits), [B, L, C]));
    klGrad.set(g.dataSync());
  });
  const D = B * L * C;
  const add = (s: GradientStats, g: Float32Array | Float64Array, n: number, scale: number) => {
    const est = new Float64Array(D);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < D; i++) est[i] = g[k * D + i] * scale + klGrad[i];
      s.add(est);
    }
  };
  for (let done = 0; done < samples; done += chunk) {
    const n = chunk;
    tf.tidy(() => {
      const logits = tf.tile(tf.tensor3d(Float32Array.from(exact.logits), [1, B * L, C]), [n, 1, 1]).reshape([n * B, L, C]); // [nB, L, C]
      const xt = tf.tile(x, [n, 1]); //                                                             [nB, D]
      const gumbel = gumbelTensor(rng, logits.shape); //                                           [nB, L, C]
      const idx = gumbelMaxIndex(logits, gumbel); //                                               [nB, L]
      const onehot = tf.oneHot(idx.reshape([-1]), C).reshape(logits.shape).toFloat(); //          [nB, L, C]
      let f: tf.Tensor | null = null;
      // v = ∂f/∂z at the sample, f_b(z) the per-image loss                                        [nB, L, C], [nB]
      const v = tf.grad((z: tf.Tensor) => {
        const fz = reconstructionLoss(vae.decode(z), xt);
        f = tf.keep(fz);
        return fz.sum();
      })(onehot);
      const fData = f!.dataSync();
      resolved.forEach((r, e) => {
        if (r.kind === 'score') {
          add(stats[e], rlooEstimates(exact.logits, idx.dataSync() as Int32Array, fData, n, B, L, C, r.options.M), n / r.options.M, 1 / B);
          return;
        }
        const g = pathwiseGradient(r, logits, idx, gumbel, v, rng, maxPerturbations); // [nB, L, C]
        add(stats[e], g, n, 1 / B);
      });
      f!.dispose();
    });
    options.progress?.(done + chunk, samples);
  }
  return stats;
}

/** tf.grad of Σ op(logits) ⊙ v w.r.t. the logits, for rows in pieces small enough for GR-MCK's noise. */
function pathwiseGradient(
  r: ResolvedEstimator & { kind: 'pathwise' },
  logits: tf.Tensor,
  idx: tf.Tensor,
  gumbel: tf.Tensor,
  v: tf.Tensor,
  rng: Random,
  maxPerturbations: number,
): Float32Array {
  const [N, L, C] = logits.shape;
  const K = r.row.options.K != null ? r.options.K : 1;
  const piece = Math.max(1, Math.floor(maxPerturbations / (K * L * C)));
  const out = new Float32Array(N * L * C);
  for (let from = 0; from < N; from += piece) {
    const to = Math.min(N, from + piece);
    tf.tidy(() => {
      const l = rows(logits, from, to);
      const noise = { x: rows(idx, from, to), gumbel: rows(gumbel, from, to), exponentials: undefined as tf.Tensor | undefined };
      if (r.row.options.K != null) noise.exponentials = drawNoise(r, l, rng).exponentials; // fresh conditional noise
      const vv = rows(v, from, to);
      const g = tf.grad((lg: tf.Tensor) => r.row.op(lg, r.options, noise).mul(vv).sum())(l);
      out.set(g.dataSync(), from * L * C);
    });
  }
  return out;
}

/**
 * RLOO(M) estimates from the shared samples: samples s = gM … gM + M − 1 form estimate g; per
 * latent variable the library's float64 rlooGradient gives 1/(M−1) Σ_s (f_s − f̄)(e_{x_s} − p).
 */
function rlooEstimates(
  logits: Float64Array,
  idx: Int32Array,
  f: ArrayLike<number>,
  n: number,
  B: number,
  L: number,
  C: number,
  M: number,
): Float64Array {
  const groups = n / M;
  const out = new Float64Array(groups * B * L * C);
  for (let g = 0; g < groups; g++) {
    for (let b = 0; b < B; b++) {
      const fs = Array.from({ length: M }, (_, m) => f[(g * M + m) * B + b]);
      for (let l = 0; l < L; l++) {
        const eta = Array.from(logits.subarray((b * L + l) * C, (b * L + l + 1) * C));
        const xs = Array.from({ length: M }, (_, m) => idx[((g * M + m) * B + b) * L + l]);
        const grad = rlooGradient(eta, xs, fs);
        out.set(grad, ((g * B + b) * L + l) * C);
      }
    }
  }
  return out;
}

/** Summaries of sampled estimators, with family, label and cost. */
export function estimatorQuality(specs: readonly EstimatorSpec[], stats: readonly GradientStats[]): EstimatorQuality[] {
  return specs.map((spec, i) => {
    const r = resolveEstimator(spec);
    return {
      estimator: { name: r.name, options: { ...r.options } },
      label: estimatorLabel(spec),
      ...familyOf(spec),
      evaluations: r.kind === 'score' ? r.options.M : 1,
      ...stats[i].summary(),
    };
  });
}

// ------------------------------------------------------------------------------ profiles and runs

/** A training checkpoint at which gradients are evaluated. */
export interface E4Checkpoint {
  name: 'init' | 'early' | 'end';
  /** epoch of the ZGR run after which the weights are taken (0 = initialisation) */
  epoch: number;
}

export interface E4Profile {
  /** latent configuration; C^numLatents states must be enumerable */
  C: number;
  numLatents: number;
  /** the ZGR training run whose weights are evaluated (E3 runner; its checkpoints become snapshots) */
  training: Omit<VaeTrainingInput, 'C' | 'numLatents' | 'snapshotEpochs'>;
  /** initialisation, early and end of training */
  checkpoints: E4Checkpoint[];
  /** images in the fixed evaluation batch (the first ones of the training split) */
  evalBatch: number;
  binarisation: Binarisation;
  /** single-sample estimates per estimator */
  samples: number;
  /** samples processed together */
  chunk: number;
  /** temperatures of the families ST(t), ST-GS(τ), GR-MCK(τ), ReinMax(τ) */
  temperatures: number[];
  /** K of the GR-MCK families */
  Ks: number[];
  /** a of the ST-ZGR family (0 = ST, 1 = ZGR) */
  as: number[];
  /** M of the RLOO points */
  Ms: number[];
  /** seed of the estimator noise */
  seed: number;
}

export const E4_PROFILES: Record<ProfileName, E4Profile> = {
  quick: {
    C: 8, // PAPER.md E4: 8 × 4, 4096 states per image
    numLatents: 4,
    // ZGR, lr 1e-3, 4 epochs on the first 5k training images (the E3 quick scale)
    training: { estimator: { name: 'zgr' }, seed: 0, lr: 1e-3, epochs: 4, trainSize: 5_000, testSize: 1_000 },
    checkpoints: [{ name: 'init', epoch: 0 }, { name: 'early', epoch: 1 }, { name: 'end', epoch: 4 }],
    evalBatch: 4, // small: keeps GR-MC1000's perturbations (K · samples · B · L · C) cheap
    binarisation: 'grey', // protocol (ReinMax)
    samples: 200, // estimates per estimator: standard errors of about 7% of std
    chunk: 20, // multiple of every M
    temperatures: [0.1, 0.3, 1, 3],
    Ks: [10, 100, 1000], // PAPER.md E4
    as: [0, 0.25, 0.5, 0.75, 1],
    Ms: [2, 4],
    seed: 0,
  },
  paper: {
    C: 8,
    numLatents: 4,
    // ZGR trained at the protocol's scale: 160 epochs on all 60k images
    training: { estimator: { name: 'zgr' }, seed: 0, lr: 1e-3, epochs: 160 },
    checkpoints: [{ name: 'init', epoch: 0 }, { name: 'early', epoch: 2 }, { name: 'end', epoch: 160 }],
    evalBatch: 20,
    binarisation: 'grey',
    samples: 2_000,
    chunk: 40,
    temperatures: [0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    Ks: [10, 100, 1000],
    as: [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1],
    Ms: [2, 4, 8],
    seed: 0,
  },
};

/** The estimators of E4: the temperature- and K-indexed families, the ST-ZGR family, the points. */
export function e4Estimators(profile: E4Profile): EstimatorSpec[] {
  const T = profile.temperatures;
  return [
    ...T.map((t) => ({ name: 'st', options: { t } })),
    ...T.map((tau) => ({ name: 'stGs', options: { tau } })),
    ...profile.Ks.flatMap((K) => T.map((tau) => ({ name: 'grMck', options: { tau, K } }))),
    ...T.map((tau) => ({ name: 'reinmax', options: { tau } })),
    ...profile.as.map((a) => ({ name: 'stZgr', options: { a } })),
    { name: 'zgr' },
    { name: 'darn' },
    ...profile.Ms.map((M) => ({ name: 'rloo', options: { M } })),
  ];
}

export interface E4CheckpointResult {
  checkpoint: E4Checkpoint;
  /** J at the checkpoint (nats per image, exact) */
  objective: number;
  exactNorm: number;
  estimators: EstimatorQuality[];
  seconds: number;
}

export interface E4Result {
  key: string;
  profile: E4Profile;
  /** the training run's key (E3 runner) */
  trainingKey: string;
  checkpoints: E4CheckpointResult[];
  provenance: Provenance;
}

/** Default folder of E4 results (git-ignored). */
export function e4ResultsDir(): string {
  return process.env.ZGR_E4_RESULTS_DIR || path.join(repoRoot(), '.cache', 'e4-gradient-quality');
}

function trainingConfig(profile: E4Profile): VaeTrainingConfig {
  return normaliseConfig({
    ...profile.training,
    C: profile.C,
    numLatents: profile.numLatents,
    binarisation: profile.binarisation,
    snapshotEpochs: profile.checkpoints.map((c) => c.epoch),
  } as VaeTrainingInput);
}

/** The key of an E4 result: a hash of the whole profile. */
export function e4Key(profile: E4Profile): string {
  const hash = createHash('sha256').update(JSON.stringify(profile)).digest('hex').slice(0, 10);
  return `${profile.C}x${profile.numLatents}-b${profile.evalBatch}-n${profile.samples}-${hash}`;
}

/**
 * E4 for a profile: train (or resume, or reuse) the ZGR run with snapshots at the checkpoints,
 * then at each checkpoint compute the exact gradient on the evaluation batch and sample every
 * estimator. The result is stored under its key; a rerun loads it.
 */
export async function runE4(
  options: { profile?: ProfileName | E4Profile; resultsDir?: string; trainingDir?: string; progress?: boolean; log?: (line: string) => void } = {},
): Promise<E4Result> {
  const profile = typeof options.profile === 'object' ? options.profile : E4_PROFILES[options.profile ?? profileName()];
  const resultsDir = options.resultsDir ?? e4ResultsDir();
  const key = e4Key(profile);
  const file = path.join(resultsDir, `${key}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as E4Result;
  const log = options.log ?? ((line: string) => options.progress !== false && process.stderr.write(line + '\n'));

  await initBackend(undefined, true);
  const started = Date.now();
  const training = trainingConfig(profile);
  const trainingDir = options.trainingDir ?? e3ResultsDir();
  await trainVae(training, { resultsDir: trainingDir, progress: options.progress === false ? false : undefined });
  const train = loadMnist('train', { limit: profile.evalBatch });
  const rng = Random.fromSeed(profile.seed);
  const targets = batchTargets(train, Array.from({ length: profile.evalBatch }, (_, i) => i), profile.binarisation, rng.split());
  const specs = e4Estimators(profile);
  const checkpoints: E4CheckpointResult[] = [];
  for (const checkpoint of profile.checkpoints) {
    const t0 = Date.now();
    const vae = loadSnapshot(training, checkpoint.epoch, trainingDir);
    const x = tf.tensor2d(targets, [profile.evalBatch, MNIST_PIXELS]);
    try {
      const exact = exactGradient(vae, x);
      const stats = sampleEstimators(vae, x, specs, exact, rng.split(), {
        samples: profile.samples,
        chunk: profile.chunk,
        progress: (done, total) => (done === total || done % (total / 4) === 0) && log(`[e4] ${checkpoint.name} (epoch ${checkpoint.epoch}): ${done}/${total} samples`),
      });
      const estimators = estimatorQuality(specs, stats);
      checkpoints.push({ checkpoint, objective: exact.objective, exactNorm: stats[0].summary().exactNorm, estimators, seconds: (Date.now() - t0) / 1000 });
    } finally {
      x.dispose();
      vae.dispose();
    }
  }
  const result: E4Result = {
    key,
    profile,
    trainingKey: runKey(training),
    checkpoints,
    provenance: provenance({ seed: profile.seed, wallTimeS: (Date.now() - started) / 1000 }),
  };
  writeJsonAtomic(file, result);
  return result;
}

/**
 * C7 at one checkpoint, as numbers: for every member of the GR family (ST-GS and GR-MCK, all τ
 * and K), the ST-ZGR member with the smallest MSE and whether it is at least as good, within
 * `tolerance` (relative). `dominated` is the fraction of GR members beaten by some ST-ZGR(a).
 */
export function grDominance(quality: readonly EstimatorQuality[], tolerance = 0.05): {
  rows: { gr: string; grMse: number; best: string; bestMse: number; dominated: boolean }[];
  dominated: number;
} {
  const family = quality.filter((q) => q.family === 'ST-ZGR(a)');
  if (family.length === 0) throw new Error('grDominance: no ST-ZGR(a) estimates');
  const best = family.reduce((a, b) => (b.mse < a.mse ? b : a));
  const gr = quality.filter((q) => q.estimator.name === 'stGs' || q.estimator.name === 'grMck');
  const rows = gr.map((q) => ({ gr: q.label, grMse: q.mse, best: best.label, bestMse: best.mse, dominated: best.mse <= q.mse * (1 + tolerance) }));
  return { rows, dominated: rows.filter((r) => r.dominated).length / Math.max(1, rows.length) };
}


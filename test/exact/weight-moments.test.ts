/**
 * E4 w.r.t. the encoder weights θ on a tiny VAE (C = 3, L = 2, hidden [6, 5], 7 inputs, B = 3):
 * the Gram blocks equal J_b J_bᵀ from tf.grad, the exact traces tr(K S) equal brute-force sums
 * over the states (and over RLOO's M-tuples of states), and the θ-space moments equal sampling
 * through the real pipeline (tfjs encoder → estimator op → decoder, tf.grad w.r.t. per-sample
 * copies of the encoder weights) within 5 standard errors.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { conditionalFamilyMoments, stGsMatrix } from '../../lib/exact/latent-moments';
import { latentSums } from '../../lib/exact/latent-sums';
import { estimatorQuality } from '../../lib/exact/quality';
import {
  conditionalFamilyWeightMoments,
  conditionalGramTraces,
  latentPairSums,
  pairIndex,
  rlooGramTrace,
  rlooWeightMoments,
  sampleFunctionGramTrace,
  sampleFunctionWeightMoments,
  weightQuality,
  weightSpaceMoments,
  type WeightImage,
  type WeightMoments,
} from '../../lib/exact/weight-moments';
import { estimator, sampleOp, withDefaults } from '../../lib/estimators/registry';
import { rlooGradient } from '../../lib/estimators/reinforce';
import { softmax } from '../../lib/math/softmax';
import { encoderGram, encoderVariables, encoderWeightCount, weightVjp } from '../../lib/models/encoder-gram';
import { resolveCategorical } from '../../lib/estimators/spec';
import { reconstructionLoss, Vae } from '../../lib/models/vae';
import { stateOneHots, upstreamAtStates } from '../../lib/models/vae-exact';
import { Random } from '../../lib/random';
import { assertClose, assertMomentsAgree, useBackend } from '../helpers';

const SHAPE = { C: 3, numLatents: 2, hidden: [6, 5], inputSize: 7 };
const B = 3;
const L = 2;
const C = 3;
const n = L * C;
const X = Array.from({ length: B * 7 }, (_, i) => (Math.cos(1.3 * i) + 1) / 2);

interface Problem {
  images: WeightImage[];
  /** ∇_b of every image, [B·L·C] */
  gradient: Float64Array;
  /** f_b(s) at [s·B + b] and v_b(s) [S·L·C] per image, for brute force */
  f: Float32Array;
  v: Float32Array[];
  S: number;
}

/**
 * The images of the batch as the caller builds them: f, v at every state (as vaeStates), sums, pair
 * sums, Gram blocks.
 */
function problem(vae: Vae, x: tf.Tensor2D): Problem {
  const states = stateOneHots(C, L);
  const S = states.shape[0];
  const logitsFlat = tf.tidy(() => vae.encode(x).dataSync());
  const f = tf.tidy(() => {
    const y = vae.decode(states);
    return tf.softplus(y).sum(-1, true).sub(y.matMul(x.transpose())).dataSync() as Float32Array; // [S, B]
  });
  const v = upstreamAtStates(vae, states, x);
  states.dispose();
  const grams = encoderGram(vae, x);
  const gradient = new Float64Array(B * n);
  const images = grams.map((gram, b) => {
    const logits = Array.from({ length: L }, (_, l) =>
      Array.from(logitsFlat.subarray((b * L + l) * C, (b * L + l + 1) * C)),
    );
    const p = logits.map((eta) => softmax(eta));
    const state = (s: number) => ({ f: f[s * B + b], v: v[b].subarray(s * n, (s + 1) * n) });
    const sums = latentSums(p, state);
    gradient.set(sums.gradient, b * n);
    return { sums, pairs: latentPairSums(p, state), logits, gram };
  });
  return { images, gradient, f, v, S };
}

/** Digits of state s (l = 0 most significant, as jointStates). */
const digitsOf = (s: number) => Array.from({ length: L }, (_, l) => Math.floor(s / C ** (L - 1 - l)) % C);
const stateProb = (p: number[][], s: number) => digitsOf(s).reduce((q, d, l) => q * p[l][d], 1);

function quadForm(K: ArrayLike<number>, g: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) s += g[i] * K[i * g.length + j] * g[j];
  return s;
}

/**
 * N single-sample estimates of G = (1/B) Σ_b J_bᵀ g_b through the real pipeline: the encoder is
 * run with N copies of its weights (batched matMul), so tf.grad w.r.t. the copies gives every
 * sample's gradient at once; [N][P] in the order of encoderVariables.
 */
function sampledWeights(
  vae: Vae,
  x: tf.Tensor2D,
  name: string,
  options: Record<string, number>,
  N: number,
  rng: Random,
): Float64Array[] {
  const r = resolveCategorical({ name, options }, 'weight-space moments');
  const P = encoderWeightCount(vae);
  let out: Float64Array[] = [];
  tf.tidy(() => {
    const params = vae.encoder.flatMap((l) => [
      tf.tile(l.W.expandDims(0), [N, 1, 1]),
      tf.tile(l.b.reshape([1, 1, -1]), [N, 1, 1]),
    ]); // [N, in, out], [N, 1, out]
    const xs = tf.tile(x.expandDims(0), [N, 1, 1]); // [N, B, D]
    const xt = xs.reshape([N * B, -1]); //              [N·B, D]
    const encode = (ps: tf.Tensor[]) => {
      let h: tf.Tensor = xs;
      for (let k = 0; k < ps.length / 2; k++) {
        h = tf.matMul(h, ps[2 * k]).add(ps[2 * k + 1]); // [N, B, out]
        if (k < ps.length / 2 - 1) h = tf.relu(h);
      }
      return h.reshape([N * B, L, C]);
    };
    let loss: (...ps: tf.Tensor[]) => tf.Scalar;
    if (r.kind === 'pathwise') {
      loss = (...ps) =>
        reconstructionLoss(vae.decode(sampleOp(r.row, encode(ps), r.options, rng)), xt)
          .sum()
          .div(B) as tf.Scalar;
    } else {
      const M = r.options.M;
      const sampleLoss = (onehot: tf.Tensor) =>
        reconstructionLoss(vae.decode(onehot), tf.tile(xt, [M, 1])).reshape([M, N * B]);
      loss = (...ps) => r.row.surrogate(encode(ps), r.options, sampleLoss, rng).div(B) as tf.Scalar;
    }
    const grads = tf
      .grads(loss)(params)
      .map((g) => g.dataSync());
    out = Array.from({ length: N }, (_, k) => {
      const G = new Float64Array(P);
      let at = 0;
      for (const g of grads) {
        const size = g.length / N;
        G.set(g.subarray(k * size, (k + 1) * size), at);
        at += size;
      }
      return G;
    });
  });
  return out;
}

describe('E4 w.r.t. the encoder weights on a tiny VAE (C = 3, L = 2, B = 3)', () => {
  before(() => useBackend('wasm'));

  it(
    'encoderGram: K_bb equals J_b J_bᵀ with J_b from tf.grad per output unit and image; ' +
      'weightVjp equals Σ_b J_bᵀ u_b',
    () => {
      const vae = Vae.create(SHAPE, Random.fromSeed(5));
      const x = tf.tensor2d(X, [B, 7]);
      const vars = encoderVariables(vae);
      const P = encoderWeightCount(vae);
      // J[b][i] = ∂η_{b,i}/∂θ, P numbers each
      const J = Array.from({ length: B }, (_, b) =>
        Array.from({ length: n }, (_, i) => {
          let row = new Float64Array(0);
          tf.tidy(() => {
            const { grads } = tf.variableGrads(
              () => vae.encode(x).reshape([B, n]).slice([b, i], [1, 1]).sum() as tf.Scalar,
              vars,
            );
            row = Float64Array.from(vars.flatMap((v) => Array.from(grads[v.name].dataSync())));
          });
          return row;
        }),
      );
      assert.equal(J[0][0].length, P);
      const grams = encoderGram(vae, x);
      for (let b = 0; b < B; b++) {
        const brute = new Float64Array(n * n);
        for (let i = 0; i < n; i++)
          for (let k = 0; k < n; k++) brute[i * n + k] = J[b][i].reduce((s, a, t) => s + a * J[b][k][t], 0);
        assertClose(grams[b], brute, { atol: 1e-5, rtol: 1e-4, context: `K_bb, image ${b}` });
      }
      const u = Float64Array.from({ length: B * n }, (_, i) => Math.sin(2.1 * i + 0.3));
      const brute = new Float64Array(P);
      for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) J[b][i].forEach((a, t) => (brute[t] += a * u[b * n + i]));
      assertClose(weightVjp(vae, x, u), brute, { atol: 1e-5, rtol: 1e-4, context: 'weightVjp' });
      x.dispose();
      vae.dispose();
    },
  );

  it(
    'latentPairSums: W^{ll}_{xx} is latentSums’ W_lx; W^{l′l}_{x′x} = (W^{ll′}_{xx′})ᵀ ' +
      'equals Σ_s q v_l′ v_lᵀ; pair weights are pair marginals',
    () => {
      const vae = Vae.create(SHAPE, Random.fromSeed(6));
      const x = tf.tensor2d(X, [B, 7]);
      const { images, v, f, S } = problem(vae, x);
      images.forEach(({ sums, pairs }, b) => {
        const p = [0, 1].map((l) => Array.from(sums.p.subarray(l * C, (l + 1) * C)));
        const diag: number[] = [];
        const ref: number[] = [];
        for (let l = 0; l < L; l++) {
          for (let xx = 0; xx < C; xx++) {
            diag.push(...pairs.W.subarray(pairIndex(L, C, l, l, xx, xx), pairIndex(L, C, l, l, xx, xx) + C * C));
            ref.push(...sums.W.subarray((l * C + xx) * C * C, (l * C + xx + 1) * C * C));
          }
        }
        assertClose(diag, ref, { atol: 1e-12, rtol: 1e-12, context: `diagonal blocks, image ${b}` });
        // the (1, 0) block by brute force, and the pair marginal of (f − c)² at (1, x'), (0, x)
        for (let x0 = 0; x0 < C; x0++) {
          for (let x1 = 0; x1 < C; x1++) {
            const W10 = new Float64Array(C * C);
            let P2 = 0;
            for (let s = 0; s < S; s++) {
              const d = digitsOf(s);
              if (d[0] !== x0 || d[1] !== x1) continue;
              const q = stateProb(p, s);
              const vs = v[b].subarray(s * n, (s + 1) * n);
              for (let j = 0; j < C; j++) for (let k = 0; k < C; k++) W10[j * C + k] += q * vs[C + j] * vs[k];
              P2 += q * (f[s * B + b] - pairs.shift) ** 2;
            }
            const at = pairIndex(L, C, 1, 0, x1, x0);
            assertClose(pairs.W.subarray(at, at + C * C), W10, {
              atol: 1e-12,
              rtol: 1e-10,
              context: `W^{10}_{${x1}${x0}}, image ${b}`,
            });
            assertClose([pairs.pairWeights[2][(C + x1) * n + x0]], [P2], {
              atol: 1e-12,
              rtol: 1e-10,
              context: `P_2, image ${b}`,
            });
          }
        }
      });
      x.dispose();
      vae.dispose();
    },
  );

  it(
    'latentPairSums with C = 4 (its written-out kernel) and C = 2 equal the definition on ' + 'random states (L = 3)',
    () => {
      const rng = Random.fromSeed(21);
      for (const Cq of [4, 2]) {
        const Lq = 3;
        const nq = Lq * Cq;
        const Sq = Cq ** Lq;
        const p = Array.from({ length: Lq }, () => softmax(Array.from(rng.gumbel(Cq))));
        const v = Array.from({ length: Sq }, () => Float64Array.from(rng.uniform(nq), (u) => u - 0.5));
        const f = Array.from(rng.uniform(Sq), (u) => 100 + u);
        const pairs = latentPairSums(p, (s) => ({ f: f[s], v: v[s] }));
        const digits = (s: number) => Array.from({ length: Lq }, (_, l) => Math.floor(s / Cq ** (Lq - 1 - l)) % Cq);
        const W = new Float64Array(pairs.W.length);
        const P1 = new Float64Array(nq * nq);
        for (let s = 0; s < Sq; s++) {
          const d = digits(s);
          const q = d.reduce((acc, x, l) => acc * p[l][x], 1);
          for (let l = 0; l < Lq; l++) {
            for (let l2 = 0; l2 < Lq; l2++) {
              P1[(l * Cq + d[l]) * nq + l2 * Cq + d[l2]] += q * (f[s] - f[0]);
              const at = pairIndex(Lq, Cq, l, l2, d[l], d[l2]);
              for (let j = 0; j < Cq; j++)
                for (let k = 0; k < Cq; k++) W[at + j * Cq + k] += q * v[s][l * Cq + j] * v[s][l2 * Cq + k];
            }
          }
        }
        assertClose(pairs.W, W, { atol: 1e-15, rtol: 1e-12, context: `W, C = ${Cq}` });
        assertClose(pairs.pairWeights[1], P1, { atol: 1e-15, rtol: 1e-12, context: `P_1, C = ${Cq}` });
      }
    },
  );

  it(
    'sample functions (ZGR, ST, DARN, ST-ZGR(0.3), ReinMax(1.3)): tr(K S) equals Σ over the ' +
      '9 states of q g_sᵀ K g_s',
    () => {
      const vae = Vae.create(SHAPE, Random.fromSeed(6));
      const x = tf.tensor2d(X, [B, 7]);
      const { images, v, S } = problem(vae, x);
      for (const [name, options] of [
        ['zgr', {}],
        ['st', {}],
        ['darn', {}],
        ['stZgr', { a: 0.3 }],
        ['reinmax', { tau: 1.3 }],
      ] as const) {
        const e = estimator(name);
        const o = withDefaults(e, options);
        images.forEach((im, b) => {
          const p = im.logits.map((eta) => softmax(eta));
          let brute = 0;
          const mean = new Float64Array(n);
          for (let s = 0; s < S; s++) {
            const d = digitsOf(s);
            const vs = v[b].subarray(s * n, (s + 1) * n);
            const g = d.flatMap((xl, l) =>
              e.gradient(im.logits[l], Array.from(vs.subarray(l * C, (l + 1) * C)), o, { x: xl, gumbel: [] }),
            );
            const q = stateProb(p, s);
            brute += q * quadForm(im.gram, g);
            g.forEach((gi, i) => (mean[i] += q * gi));
          }
          const exact = sampleFunctionGramTrace(im, name, options);
          assertClose([exact.trace], [brute], { rtol: 1e-9, context: `${name}: tr(K S), image ${b}` });
          assertClose(exact.mean, mean, { atol: 1e-12, rtol: 1e-9, context: `${name}: E g, image ${b}` });
        });
      }
      x.dispose();
      vae.dispose();
    },
  );

  it(
    'GR-MCK (the draws of conditionalFamilyMoments): from the same draws, Σ over the 9 ' +
      'states of q g_sᵀ K g_s with g_s = Ā v_s equals ((N−1) tr_∞ + tr_1)/N, and tr_K is ' +
      'linear in 1/K',
    () => {
      // Per replicate, with Ā_lx the mean of the N draws and q_lx the mean of tr(K^{ll} J W_lx Jᵀ):
      //   tr_K = Σ_lx (q_lx/K + (1 − 1/K)(N ta_lx − q_lx)/(N − 1)) + cross,   ta_lx = tr(K^{ll} Ā W_lx Āᵀ),
      // and plugging Ā in for every variable gives Σ_lx ta_lx + cross = ((N − 1) tr_∞ + tr_1)/N.
      const vae = Vae.create(SHAPE, Random.fromSeed(6));
      const x = tf.tensor2d(X, [B, 7]);
      const { images, v, S } = problem(vae, x);
      const [R, N, tau] = [3, 4, 0.7];
      images.forEach((im, b) => {
        const rng = Random.fromSeed(11 + b);
        const replay = rng.clone();
        const got = conditionalGramTraces(im, tau, [1, Infinity, 10], { replicates: R, drawsPerReplicate: N, rng });
        const p = im.logits.map((eta) => softmax(eta));
        for (let r = 0; r < R; r++) {
          // the draws in conditionalFamilyMoments' order: replicate, variable, category, draw
          const A = im.logits.map((eta, l) =>
            Array.from({ length: C }, (_, xl) => {
              const mean = new Float64Array(C * C);
              for (let k = 0; k < N; k++)
                stGsMatrix(eta, xl, tau, Array.from(replay.exponential(C))).forEach((a, i) => (mean[i] += a / N));
              return mean;
            }),
          );
          let brute = 0;
          const mean = new Float64Array(n);
          for (let s = 0; s < S; s++) {
            const vs = v[b].subarray(s * n, (s + 1) * n);
            const g = digitsOf(s).flatMap((xl, l) =>
              Array.from({ length: C }, (_, j) =>
                A[l][xl].subarray(j * C, (j + 1) * C).reduce((acc, a, k) => acc + a * vs[l * C + k], 0),
              ),
            );
            const q = stateProb(p, s);
            brute += q * quadForm(im.gram, g);
            g.forEach((gi, i) => (mean[i] += q * gi));
          }
          const [t1, tInf, t10] = got[r].traces;
          assertClose(got[r].mean, mean, { atol: 1e-12, rtol: 1e-9, context: `Ā V, image ${b}, replicate ${r}` });
          assertClose([((N - 1) * tInf + t1) / N], [brute], {
            rtol: 1e-9,
            context: `plugged-in trace, image ${b}, replicate ${r}`,
          });
          assertClose([t10], [tInf + (t1 - tInf) / 10], { rtol: 1e-9, context: `tr_10, image ${b}, replicate ${r}` });
        }
        // the same draws as conditionalFamilyMoments from the same seed (logit- and θ-level can share them)
        const logitLevel = conditionalFamilyMoments(im.sums, im.logits, tau, [1], {
          replicates: R,
          drawsPerReplicate: N,
          rng: Random.fromSeed(11 + b),
        })[0];
        got.forEach((g, r) =>
          assertClose(g.mean, logitLevel.replicates[r].mean, {
            atol: 1e-14,
            rtol: 1e-12,
            context: `shared draws, image ${b}, replicate ${r}`,
          }),
        );
      });
      x.dispose();
      vae.dispose();
    },
  );

  it('RLOO(M = 2, 3): tr(K Cov g) equals the enumeration over all M-tuples of states', () => {
    const vae = Vae.create(SHAPE, Random.fromSeed(6));
    const x = tf.tensor2d(X, [B, 7]);
    const { images, f, S } = problem(vae, x);
    for (const M of [2, 3]) {
      images.forEach((im, b) => {
        const p = im.logits.map((eta) => softmax(eta));
        const grad = im.sums.gradient;
        let brute = 0;
        const mean = new Float64Array(n);
        for (let t = 0; t < S ** M; t++) {
          const tuple = Array.from({ length: M }, (_, i) => Math.floor(t / S ** i) % S);
          const q = tuple.reduce((acc, s) => acc * stateProb(p, s), 1);
          const fs = tuple.map((s) => f[s * B + b]);
          const g = Array.from({ length: L }, (_, l) =>
            rlooGradient(
              im.logits[l],
              tuple.map((s) => digitsOf(s)[l]),
              fs,
            ),
          ).flat();
          g.forEach((gi, i) => (mean[i] += q * gi));
          brute +=
            q *
            quadForm(
              im.gram,
              g.map((gi, i) => gi - grad[i]),
            );
        }
        assertClose(mean, grad, { atol: 1e-12, rtol: 1e-9, context: `RLOO(${M}) mean, image ${b}` });
        assertClose([rlooGramTrace(im, M)], [brute], { rtol: 1e-8, context: `RLOO(${M}): tr(K Cov), image ${b}` });
      });
    }
    x.dispose();
    vae.dispose();
  });

  it(
    'θ-space moments of ZGR, ST-GS(0.5), GR-MC10(0.5) and RLOO(2) equal sampling through the ' +
      'real pipeline within 5 SE',
    () => {
      const vae = Vae.create(SHAPE, Random.fromSeed(6));
      const x = tf.tensor2d(X, [B, 7]);
      const { images } = problem(vae, x);
      const vjp = (u: Float64Array) => weightVjp(vae, x, u);
      const theta = (m: WeightMoments) => weightSpaceMoments(m, B, vjp);
      const rng = Random.fromSeed(7);
      const N = 4000;
      assertMomentsAgree(
        'zgr',
        theta(sampleFunctionWeightMoments(images, 'zgr')),
        sampledWeights(vae, x, 'zgr', {}, N, rng),
      );
      const [stGs, grMck] = conditionalFamilyWeightMoments(images, 0.5, [1, 10], {
        replicates: 20,
        drawsPerReplicate: 50,
        rng,
      });
      assertMomentsAgree('stGs', theta(stGs), sampledWeights(vae, x, 'stGs', { tau: 0.5 }, N, rng));
      assertMomentsAgree('grMck', theta(grMck), sampledWeights(vae, x, 'grMck', { tau: 0.5, K: 10 }, N, rng));
      assertMomentsAgree('rloo', theta(rlooWeightMoments(images, 2)), sampledWeights(vae, x, 'rloo', { M: 2 }, N, rng));
      x.dispose();
      vae.dispose();
    },
  );

  it('the check can fail: ST’s θ-space moments are not ZGR’s samples (mean differs by more than 5 SE)', () => {
    const vae = Vae.create(SHAPE, Random.fromSeed(6));
    const x = tf.tensor2d(X, [B, 7]);
    const { images } = problem(vae, x);
    const st = weightSpaceMoments(sampleFunctionWeightMoments(images, 'st'), B, (u) => weightVjp(vae, x, u));
    assert.throws(
      () => assertMomentsAgree('zgr as st', st, sampledWeights(vae, x, 'zgr', {}, 4000, Random.fromSeed(8))),
      /mean\[\d+\] sampled/,
    );
    x.dispose();
    vae.dispose();
  });

  it(
    'weightQuality: RLOO is unbiased w.r.t. θ (exact); on the span of the means it equals ' +
      'estimatorQuality on all P weights',
    () => {
      const vae = Vae.create(SHAPE, Random.fromSeed(6));
      const x = tf.tensor2d(X, [B, 7]);
      const { images, gradient } = problem(vae, x);
      const vjp = (u: Float64Array) => weightVjp(vae, x, u);
      const rl = weightQuality(gradient, rlooWeightMoments(images, 2), B, vjp);
      assert.equal(rl.method, 'exact');
      assert.ok(rl.relativeBias.estimate < 1e-5, `RLOO relative bias ${rl.relativeBias.estimate}`);
      const [gr] = conditionalFamilyWeightMoments(images, 0.5, [10], {
        replicates: 5,
        drawsPerReplicate: 20,
        rng: Random.fromSeed(3),
      });
      const target = vjp(gradient).map((g) => g / B);
      for (const [label, m] of [
        ['GR-MC10(0.5)', gr],
        ['ZGR', sampleFunctionWeightMoments(images, 'zgr')],
      ] as const) {
        // on the span's coordinates: the same numbers as on all P weights
        const q = weightQuality(gradient, m, B, vjp);
        const full = estimatorQuality(target, weightSpaceMoments(m, B, vjp));
        assert.equal(q.method, label === 'ZGR' ? 'exact' : 'monte-carlo');
        for (const key of [
          'relativeBias',
          'relativeStd',
          'cosine',
          'rescaledMse',
          'scaleFreeBias',
          'scaleFreeStd',
        ] as const) {
          const [a, b] = [q[key]!, full[key]!];
          assertClose([a.estimate, a.low, a.high, a.se], [b.estimate, b.low, b.high, b.se], {
            atol: 1e-12,
            rtol: 1e-8,
            context: `${label} ${key}`,
          });
        }
        assertClose([q.bestScale, q.gradientNorm], [full.bestScale, full.gradientNorm], {
          rtol: 1e-10,
          context: `${label} scale and norm`,
        });
      }
      x.dispose();
      vae.dispose();
    },
  );
});

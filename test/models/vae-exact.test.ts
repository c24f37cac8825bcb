/**
 * E4 on a tiny VAE (C = 3, L = 2): the enumerated gradient equals tf.grad of the enumerated
 * objective, and the exact moments of the estimators equal brute-force sampling through the real
 * pipeline (tfjs ops, tf.grad through the decoder) within 5 standard errors.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { concatenated, type Moments } from '../../lib/exact/estimator-moments';
import { rlooLatentMoments } from '../../lib/exact/latent-sums';
import { conditionalFamilyMoments, sampleFunctionMoments } from '../../lib/exact/latent-moments';
import { rlooGradient } from '../../lib/estimators/reinforce';
import { sampleOp } from '../../lib/estimators/registry';
import { resolvePathwise } from '../../lib/estimators/spec';
import { reconstructionLoss, Vae } from '../../lib/models/vae';
import { autodiffGradient, stateOneHots, upstreamAtStates, vaeStates } from '../../lib/models/vae-exact';
import { Random } from '../../lib/random';
import { assertClose, assertMomentsAgree, useBackend } from '../helpers';

const SHAPE = { C: 3, numLatents: 2, hidden: [6, 5], inputSize: 7 };
const B = 3;
const X = Array.from({ length: B * 7 }, (_, i) => (Math.cos(1.3 * i) + 1) / 2);

/** N single-sample estimates per image of ∂f_b/∂η_b through the estimator's op: [N][B·L·C]. */
function sampled(
  vae: Vae,
  x: tf.Tensor2D,
  name: string,
  options: Record<string, number>,
  N: number,
  rng: Random,
): Float32Array[] {
  const r = resolvePathwise({ name, options }, 'sampled');
  return tf.tidy(() => {
    const eta = vae.encode(x); // [B, L, C]
    const logits = tf.tile(eta, [N, 1, 1]); // [N·B, L, C]
    const xt = tf.tile(x, [N, 1]);
    const g = tf
      .grad((l: tf.Tensor) => reconstructionLoss(vae.decode(sampleOp(r.row, l, r.options, rng)), xt).sum())(logits)
      .dataSync();
    const D = B * vae.numLatents * vae.C;
    return Array.from({ length: N }, (_, k) => g.slice(k * D, (k + 1) * D) as Float32Array);
  });
}

/** RLOO(M) estimates per image from sampled states and their losses, float64: [N][B·L·C]. */
function sampledRloo(vae: Vae, x: tf.Tensor2D, M: number, N: number, rng: Random): Float64Array[] {
  const { C, numLatents: L } = vae;
  const eta = tf.tidy(() => vae.encode(x).dataSync());
  const states = stateOneHots(C, L);
  const f = tf.tidy(() => {
    const y = vae.decode(states);
    return tf.softplus(y).sum(-1, true).sub(y.matMul(x.transpose())).dataSync(); // [S, B]
  });
  states.dispose();
  return Array.from({ length: N }, () => {
    const g = new Float64Array(B * L * C);
    for (let b = 0; b < B; b++) {
      const xs = Array.from({ length: M }, () =>
        Array.from({ length: L }, (_, l) =>
          rng.categorical(Array.from(eta.subarray((b * L + l) * C, (b * L + l + 1) * C))),
        ),
      );
      const fs = xs.map((z) => f[z.reduce((s, d) => s * C + d, 0) * B + b]);
      for (let l = 0; l < L; l++) {
        const grad = rlooGradient(
          Array.from(eta.subarray((b * L + l) * C, (b * L + l + 1) * C)),
          xs.map((z) => z[l]),
          fs,
        );
        g.set(grad, (b * L + l) * C);
      }
    }
    return g;
  });
}

describe('E4 on a tiny VAE (C = 3, L = 2, B = 3)', () => {
  before(() => useBackend('wasm'));

  it('the enumerated gradient (score identity, float64) equals tf.grad of the enumerated objective', () => {
    const vae = Vae.create(SHAPE, Random.fromSeed(5));
    const x = tf.tensor2d(X, [B, 7]);
    const exact = vaeStates(vae, x);
    const brute = autodiffGradient(vae, x);
    assertClose([exact.objective], [brute.objective], { rtol: 1e-5, context: 'objective J' });
    const total = exact.reconstructionGradient.map((g, i) => g + exact.klGradient[i]);
    assertClose(Array.from(total), Array.from(brute.gradient), { atol: 2e-5, rtol: 1e-3, context: 'gradient' });
    x.dispose();
    vae.dispose();
  });

  it('v = ∂f_b/∂z at every state, pushed back through the decoder per image chunk, equals tf.grad per image', () => {
    const vae = Vae.create(SHAPE, Random.fromSeed(9));
    const x = tf.tensor2d(X, [B, 7]);
    const states = stateOneHots(3, 2);
    const fast = upstreamAtStates(vae, states, x, 2); // chunks of 2 images: 2 + 1
    for (let b = 0; b < B; b++) {
      const direct = tf.tidy(() => {
        const xb = tf.tile(x.slice([b, 0], [1, -1]), [states.shape[0], 1]);
        return tf
          .grad((z: tf.Tensor) => reconstructionLoss(vae.decode(z), xb).sum())(states)
          .dataSync();
      });
      assertClose(Array.from(fast[b]), Array.from(direct), { atol: 1e-5, rtol: 1e-4, context: `image ${b}` });
    }
    states.dispose();
    x.dispose();
    vae.dispose();
  });

  it(
    'exact moments of ZGR, ST, ReinMax(1.3), ST-GS(0.5), GR-MC10(0.5) and RLOO(2) equal ' +
      'brute-force sampling within 5 SE',
    () => {
      const vae = Vae.create(SHAPE, Random.fromSeed(6));
      const x = tf.tensor2d(X, [B, 7]);
      const { blocks } = vaeStates(vae, x);
      const rng = Random.fromSeed(7);
      const N = 4000;
      const joint = (f: (b: (typeof blocks)[number]) => Moments) => concatenated(blocks.map(f));
      for (const [name, options] of [
        ['zgr', {}],
        ['st', {}],
        ['reinmax', { tau: 1.3 }],
      ] as const) {
        assertMomentsAgree(
          name,
          joint((b) => sampleFunctionMoments(b.sums, b.logits, name, options)),
          sampled(vae, x, name, options, N, rng),
        );
      }
      const perBlock = blocks.map((b) =>
        conditionalFamilyMoments(b.sums, b.logits, 0.5, [1, 10], { replicates: 20, drawsPerReplicate: 50, rng }),
      );
      assertMomentsAgree(
        'stGs',
        concatenated(perBlock.map((m) => m[0])),
        sampled(vae, x, 'stGs', { tau: 0.5 }, N, rng),
      );
      assertMomentsAgree(
        'grMck',
        concatenated(perBlock.map((m) => m[1])),
        sampled(vae, x, 'grMck', { tau: 0.5, K: 10 }, N, rng),
      );
      assertMomentsAgree(
        'rloo',
        joint((b) => rlooLatentMoments(b.sums, 2)),
        sampledRloo(vae, x, 2, N, rng),
      );
      x.dispose();
      vae.dispose();
    },
  );

  it('the exact moments can fail: ST is not ZGR here (its mean differs by more than 5 SE)', () => {
    const vae = Vae.create(SHAPE, Random.fromSeed(6));
    const x = tf.tensor2d(X, [B, 7]);
    const { blocks } = vaeStates(vae, x);
    const st = concatenated(blocks.map((b) => sampleFunctionMoments(b.sums, b.logits, 'st')));
    assert.throws(
      () => assertMomentsAgree('zgr as st', st, sampled(vae, x, 'zgr', {}, 4000, Random.fromSeed(8))),
      /mean\[\d+\] sampled/,
    );
    x.dispose();
    vae.dispose();
  });
});

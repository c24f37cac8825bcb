/**
 * E5's exact analysis on a tiny quantised net (lib/models/quantised-exact.ts): one layer of n
 * ternary units between a fixed batch and a linear-softmax output. The enumerated gradient equals
 * tf.grad of the enumerated expected loss, and the exact moments w.r.t. the pre-activations equal
 * brute-force sampling through the real tfjs layer within 5 standard errors.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { familyQuality } from '../../lib/exact/family-quality';
import { conditionalFamilyWeightMoments, rlooWeightMoments, weightSpaceMoments } from '../../lib/exact/weight-moments';
import { crossEntropy } from '../../lib/models/quantised-classifier';
import {
  preActivationMoments,
  preActivationSampleFunctionMoments,
  preActivationVjp,
  quantisedAutodiffGradient,
  quantisedStates,
} from '../../lib/models/quantised-exact';
import { resolveEstimator, type ResolvedEstimator } from '../../lib/estimators/spec';
import { levelLogitSlopes64, quantise, quantisedSurrogate } from '../../lib/models/quantised-layer';
import { QuantisedMlp } from '../../lib/models/quantised-mlp';
import { Random } from '../../lib/random';
import { assertClose, assertFinite, assertMomentsAgree, useBackend } from '../helpers';

const [B, D, K] = [3, 5, 4];
const X = Array.from({ length: B * D }, (_, i) => Math.sin(0.7 * i + 0.3));
const LABELS = [2, 0, 3];
/** n ternary units, weights scaled up so that the units are neither saturated nor uniform */
function tinyNet(n: number, seed: number): QuantisedMlp {
  const net = QuantisedMlp.create(
    { inputSize: D, hidden: [n], classes: K, levels: 'ternary', noiseScale: 0.8 },
    Random.fromSeed(seed),
  );
  tf.tidy(() => net.layers.forEach((l) => l.W.assign(l.W.mul(3))));
  return net;
}

/**
 * N single-sample estimates of ∂J/∂a [B·n] through the real layer: the batch copied N times,
 * tf.grad of Σ_copies (1/B) Σ_b CE w.r.t. the pre-activations.
 */
function sampled(net: QuantisedMlp, r: ResolvedEstimator, N: number, rng: Random): Float32Array[] {
  const n = net.layers[0].W.shape[1] as number;
  return tf.tidy(() => {
    const a = tf.tile(net.stages[0](tf.tensor2d(X, [B, D])), [N, 1]); //   [N·B, n]
    const y = tf.tensor1d(
      Array.from({ length: N * B }, (_, i) => LABELS[i % B]),
      'int32',
    );
    const f = (t: tf.Tensor) => {
      if (r.kind !== 'score')
        return crossEntropy(net.stages[1](quantise(t, net.quantiser, r, rng)), y)
          .sum()
          .div(B);
      // RLOO(M): per-sample losses of M samples of every copy, [M, N·B]
      const loss = (h: tf.Tensor) =>
        crossEntropy(net.stages[1](h.reshape([-1, n])), tf.tile(y, [h.shape[0]])).reshape([h.shape[0], N * B]);
      return quantisedSurrogate(t, net.quantiser, r, loss, rng).div(B);
    };
    const g = tf.grad(f)(a).dataSync();
    return Array.from({ length: N }, (_, k) => g.slice(k * B * n, (k + 1) * B * n) as Float32Array);
  });
}

describe('E5 exact analysis on a tiny quantised net (one ternary layer, B = 3)', () => {
  before(() => useBackend('wasm'));

  it(
    'the enumerated gradient (score identity, float64), w.r.t. the level logits and the ' +
      'pre-activations, equals tf.grad of the enumerated objective',
    () => {
      for (const n of [3, 5]) {
        const net = tinyNet(n, 5);
        const x = tf.tensor2d(X, [B, D]);
        const exact = quantisedStates(net, x, LABELS);
        const brute = quantisedAutodiffGradient(net, x, LABELS);
        assertClose([exact.objective], [brute.objective], { rtol: 1e-5, context: `n=${n}: objective J` });
        assertClose(exact.gradient, brute.gradient, { atol: 2e-6, rtol: 1e-3, context: `n=${n}: ∂J/∂η` });
        assertClose(exact.preActivationGradient, brute.preActivationGradient, {
          atol: 2e-6,
          rtol: 1e-3,
          context: `n=${n}: ∂J/∂a`,
        });
        // dη/da of the Gram block: the closed form against a central difference of η (quantised-layer.test.ts
        // checks η itself)
        assertClose(exact.slopes.subarray(0, 3), levelLogitSlopes64(exact.preActivations[0], net.quantiser), {
          rtol: 1e-12,
          context: 'slopes',
        });
        x.dispose();
        net.dispose();
      }
    },
  );

  it(
    'exact moments w.r.t. the pre-activations of ZGR, ST, ST-ZGR(½), ReinMax(1.3), ' +
      'ST-GS(0.5) and RLOO(2) equal brute-force sampling through the layer within 5 SE (n = 3)',
    () => {
      const net = tinyNet(3, 6);
      const x = tf.tensor2d(X, [B, D]);
      const states = quantisedStates(net, x, LABELS);
      const rng = Random.fromSeed(7);
      const N = 4000;
      for (const [name, options] of [
        ['zgr', {}],
        ['st', {}],
        ['stZgr', { a: 0.5 }],
        ['reinmax', { tau: 1.3 }],
      ] as const) {
        const exact = preActivationSampleFunctionMoments(states, name, options);
        assertMomentsAgree(name, exact, sampled(net, resolveEstimator({ name, options }), N, rng));
      }
      const vjp = preActivationVjp(states.slopes, states.L);
      const [stGs] = conditionalFamilyWeightMoments(states.images, 0.5, [1], {
        replicates: 20,
        drawsPerReplicate: 50,
        rng,
      });
      assertMomentsAgree(
        'stGs',
        weightSpaceMoments(stGs, B, vjp),
        sampled(net, resolveEstimator({ name: 'stGs', options: { tau: 0.5 } }), N, rng),
      );
      const rloo = weightSpaceMoments(rlooWeightMoments(states.images, 2), B, vjp);
      assertClose(rloo.mean, states.preActivationGradient, { rtol: 1e-12, atol: 1e-15, context: 'RLOO is unbiased' });
      assertMomentsAgree('rloo', rloo, sampled(net, resolveEstimator({ name: 'rloo', options: { M: 2 } }), N, rng));
      // the check can fail: ZGR's samples are not ST's moments
      assert.throws(
        () =>
          assertMomentsAgree(
            'zgr as st',
            preActivationSampleFunctionMoments(states, 'st'),
            sampled(net, resolveEstimator({ name: 'zgr' }), N, rng),
          ),
        /sampled/,
      );
      x.dispose();
      net.dispose();
    },
  );

  it(
    'n = 8 (3^8 = 6561 states): the whole bias–variance grid w.r.t. the pre-activations is ' +
      'finite, and ZGR is less biased than ST',
    () => {
      const net = tinyNet(8, 9);
      const x = tf.tensor2d(X, [B, D]);
      const states = quantisedStates(net, x, LABELS);
      const source = preActivationMoments(states, { replicates: 4, drawsPerReplicate: 8, rng: Random.fromSeed(3) });
      const points = familyQuality(source, { taus: [0.5], Ks: [1, 10], as: [0, 0.5, 1], reinmaxTaus: [1.3], Ms: [2] });
      for (const p of points)
        assertFinite(
          [p.quality.relativeBias.estimate, p.quality.relativeStd.estimate, p.quality.rescaledMse.estimate],
          p.label,
        );
      const bias = (a: number) =>
        points.find((p) => p.name === 'stZgr' && p.param === a && p.M == null)!.quality.relativeBias.estimate;
      assert.ok(bias(1) < bias(0), `relative bias: ZGR ${bias(1)}, ST ${bias(0)}`);
      x.dispose();
      net.dispose();
    },
  );
});

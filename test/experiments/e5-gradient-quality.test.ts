/**
 * E5's gradient quality (lib/experiments/e5-gradient-quality.ts) on the real net shape (784 → n
 * ternary units → 10) at initialisation and real Fashion-MNIST images: the enumerated gradient
 * against float32 autodiff, exact identities between estimators in both coordinate systems,
 * DARN's exact moments against sampling through the layer (quantised-exact.test.ts covers the
 * other functions of the sample on a synthetic net), C7's verdict on the points, and the runner.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { C7_MARGINS, c7BiasVariance } from '../../lib/checks/c7-bias-variance';
import { classificationBatch, loadDataset } from '../../lib/data/classification';
import type { Mnist } from '../../lib/data/mnist';
import type { EstimatorPoint } from '../../lib/exact/family-quality';
import { c7Grid } from '../../lib/exact/c7-grid';
import {
  E5_QUALITY_PROFILES,
  e5QualityNet,
  measureE5Quality,
  measureQuantisedBatch,
  type E5Case,
  type E5QualityProfile,
} from '../../lib/experiments/e5-gradient-quality';
import { crossEntropy } from '../../lib/models/quantised-classifier';
import { preActivationSampleFunctionMoments, quantisedStates } from '../../lib/models/quantised-exact';
import { resolveEstimator, type EstimatorSpec } from '../../lib/estimators/spec';
import { quantise } from '../../lib/models/quantised-layer';
import { QuantisedMlp } from '../../lib/models/quantised-mlp';
import { MAX_STATES } from '../../lib/models/vae-exact';
import { Random } from '../../lib/random';
import { assertMomentsAgree, useBackend } from '../helpers';

const [UNITS, B] = [6, 6];
// one round of GR draws (adaptive rounds: test/claims/c7-bias-variance.test.ts)
const PROFILE: E5QualityProfile = {
  ...E5_QUALITY_PROFILES.quick,
  units: UNITS,
  evalBatch: B,
  evalBatches: 1,
  mc: { replicates: 8, drawsPerReplicate: 8 },
  grid: { ...E5_QUALITY_PROFILES.quick.grid, adaptive: undefined },
};
const GRID = PROFILE.grid;

const single = (points: readonly EstimatorPoint[], name: string, options: Record<string, number>) =>
  points.find((p) => p.name === name && p.M == null && Object.entries(options).every(([k, v]) => p.options[k] === v))!;

/**
 * N single-sample estimates of ∂J/∂a [B·n] through the real layer (a pathwise estimator): the
 * pre-activations copied N times, tf.grad of Σ_copies (1/B) Σ_b CE w.r.t. them.
 */
function sampled(
  net: QuantisedMlp,
  x: tf.Tensor2D,
  labels: Int32Array,
  spec: EstimatorSpec,
  N: number,
  rng: Random,
): Float32Array[] {
  const r = resolveEstimator(spec);
  return tf.tidy(() => {
    const a = tf.tile(net.stages[0](x), [N, 1]); //                                      [N·B, n]
    const y = tf.tensor1d(
      Array.from({ length: N * B }, (_, i) => labels[i % B]),
      'int32',
    );
    const g = tf
      .grad((t: tf.Tensor) =>
        crossEntropy(net.stages[1](quantise(t, net.quantiser, r, rng)), y)
          .sum()
          .div(B),
      )(a)
      .dataSync();
    return Array.from({ length: N }, (_, k) => g.slice(k * B * UNITS, (k + 1) * B * UNITS) as Float32Array);
  });
}

describe('E5 gradient quality on the untrained 784 → 6 → 10 ternary net, 6 Fashion-MNIST images', () => {
  let data: Mnist;
  let net: QuantisedMlp;
  let x: tf.Tensor2D;
  let labels: Int32Array;
  let cases: Omit<E5Case, 'batch'>[];

  before(async () => {
    await useBackend('wasm');
    data = loadDataset('fashion-mnist', 'train', { limit: B });
    const batch = classificationBatch(
      data,
      Array.from({ length: B }, (_, i) => i),
    );
    x = tf.tensor2d(batch.images, [B, 784]);
    labels = batch.labels;
    net = e5QualityNet(PROFILE, Random.fromSeed(1));
    cases = measureQuantisedBatch(net, x, labels, { grid: GRID, mc: PROFILE.mc, rng: Random.fromSeed(2) });
  });

  it(
    'the enumerated J, ∂J/∂a and ∂J/∂η agree with float32 autodiff (relative ' +
      'errors < 1e-5 and < 1e-4), and each case measures its own gradient',
    () => {
      assert.deepEqual(
        cases.map((c) => `${c.space}/${c.images}`),
        ['pre-activations/6', 'level logits/6'],
      );
      const states = quantisedStates(net, x, labels);
      const norm = (g: Float64Array) => Math.hypot(...g);
      for (const c of cases) {
        assert.ok(
          c.exactGradientErrors.objective < 1e-5,
          `${c.space}: objective error ${c.exactGradientErrors.objective}`,
        );
        assert.ok(
          c.exactGradientErrors.gradient < 1e-4,
          `${c.space}: gradient error ${c.exactGradientErrors.gradient}`,
        );
        assert.equal(c.objective, states.objective);
        // ∂J/∂a and ∂J/∂η (the batch mean's, 1/B included): the space of the case, not the other one
        const expected = norm(c.space === 'pre-activations' ? states.preActivationGradient : states.gradient);
        assert.ok(
          Math.abs(c.gradientNorm - expected) <= 1e-12 * expected,
          `${c.space}: ‖∇‖ ${c.gradientNorm} vs ${expected}`,
        );
      }
    },
  );

  it(
    'exact identities in both spaces: ReinMax(τ=1) ≡ ZGR, ST(t=1) ≡ ST-ZGR(a=0), ' +
      'RLOO(M) unbiased, the mean of M samples keeps the bias and divides the std by √M',
    () => {
      const close = (a: number, b: number, what: string) =>
        assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(b), 1e-12), `${what}: ${a} vs ${b}`);
      for (const { space, points } of cases) {
        for (const [p, q] of [
          [single(points, 'reinmax', { tau: 1 }), single(points, 'stZgr', { a: 1 })],
          [single(points, 'st', { t: 1 }), single(points, 'stZgr', { a: 0 })],
        ]) {
          close(p.quality.relativeBias.estimate, q.quality.relativeBias.estimate, `${space}: ${p.label} bias`);
          close(p.quality.relativeStd.estimate, q.quality.relativeStd.estimate, `${space}: ${p.label} std`);
        }
        for (const M of GRID.Ms) {
          const rloo = points.find((p) => p.name === 'rloo' && p.M === M)!;
          assert.ok(
            rloo.quality.relativeBias.estimate < 1e-9,
            `${space}: RLOO(${M}) bias ${rloo.quality.relativeBias.estimate}`,
          );
          for (const a of GRID.as) {
            const one = single(points, 'stZgr', { a }).quality;
            const mean = points.find((p) => p.family === 'ST-ZGR(a) mean of M' && p.M === M && p.param === a)!.quality;
            close(mean.relativeBias.estimate, one.relativeBias.estimate, `${space}: mean of ${M} ST-ZGR(${a}) bias`);
            close(
              mean.relativeStd.estimate,
              one.relativeStd.estimate / Math.sqrt(M),
              `${space}: mean of ${M} ST-ZGR(${a}) std`,
            );
          }
        }
      }
    },
  );

  it(
    'DARN and ST-ZGR(a=0.3): exact moments w.r.t. the pre-activations ' +
      'equal sampling through the layer within 5 SE (N = 3000)',
    () => {
      const states = quantisedStates(net, x, labels);
      const rng = Random.fromSeed(11);
      const darn = { name: 'darn' };
      assertMomentsAgree(
        'darn',
        preActivationSampleFunctionMoments(states, 'darn'),
        sampled(net, x, labels, darn, 3000, rng),
      );
      const stZgr = { name: 'stZgr', options: { a: 0.3 } };
      assertMomentsAgree(
        'stZgr(0.3)',
        preActivationSampleFunctionMoments(states, 'stZgr', stZgr.options),
        sampled(net, x, labels, stZgr, 3000, rng),
      );
      // the check can fail: DARN's samples do not have ST's moments
      assert.throws(
        () =>
          assertMomentsAgree(
            'darn as st',
            preActivationSampleFunctionMoments(states, 'st'),
            sampled(net, x, labels, darn, 3000, rng),
          ),
        /sampled/,
      );
    },
  );

  it(
    'c7BiasVariance on the points: a row per GR member (τ, K) ' +
      'of the grid, an equal-cost row per M; at initialisation ' +
      'every GR member is dominated or undecided, none shown undominated, and RLOO(M) loses by > 5× at equal cost',
    () => {
      for (const { space, points } of cases) {
        const report = c7BiasVariance(points, `init, ${space}`);
        const bv = report.biasVariance;
        assert.deepEqual(
          bv.rows.map((r) => [r.gr.options.tau, r.gr.K]),
          GRID.taus.flatMap((tau) => GRID.Ks.map((K) => [tau, K])),
        );
        assert.deepEqual(
          report.equalCost.rows.map((r) => r.M),
          GRID.Ms,
        );
        assert.equal(report.comparisons.length, 1 + GRID.Ms.length);
        assert.equal(
          report.holds,
          report.comparisons.every((c) => c.holds),
        );
        assert.equal(bv.rows.filter((r) => r.outcome === 'not dominated').length, 0, bv.summary);
        assert.ok(bv.verdict === 'holds' || bv.verdict === 'undecided', bv.summary);
        for (const r of report.equalCost.rows) assert.ok(r.ratio < 0.2, `${space}, M = ${r.M}: ratio ${r.ratio}`);
      }
    },
  );

  it(
    'measureE5Quality: checkpoints in order, every batch in both spaces, the result ' +
      'written; each checkpoint its own Monte Carlo stream, reproducible from the seed',
    () => {
      const tiny: E5QualityProfile = {
        ...PROFILE,
        units: 3,
        evalBatch: 2,
        evalBatches: 2,
        mc: { replicates: 3, drawsPerReplicate: 3 },
      };
      const small = e5QualityNet(tiny, Random.fromSeed(4));
      const nets = [
        { name: 'init', epoch: 0, net: small },
        { name: 'again', epoch: 1, net: small },
      ];
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e5-quality-'));
      try {
        const file = path.join(dir, 'e5.json');
        const result = measureE5Quality(nets, tiny, { file }); // loads the profile's training images itself
        assert.deepEqual(
          result.checkpoints.map((c) => [
            c.checkpoint.name,
            c.checkpoint.epoch,
            c.cases.map((k) => `${k.batch}/${k.space}/${k.images}`),
          ]),
          [
            ['init', 0, ['0/pre-activations/2', '0/level logits/2', '1/pre-activations/2', '1/level logits/2']],
            ['again', 1, ['0/pre-activations/2', '0/level logits/2', '1/pre-activations/2', '1/level logits/2']],
          ],
        );
        assert.equal(result.provenance.seed, tiny.seed);
        assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), JSON.parse(JSON.stringify(result)));
        // the same net twice: exact estimators agree, the GR family's Monte Carlo does not (independent streams)
        const [first, second] = result.checkpoints.map((c) => c.cases[0].points);
        assert.deepEqual(single(first, 'stZgr', { a: 1 }), single(second, 'stZgr', { a: 1 }));
        assert.notEqual(
          single(first, 'stGs', { tau: 1 }).quality.relativeBias.estimate,
          single(second, 'stGs', { tau: 1 }).quality.relativeBias.estimate,
        );
        const again = measureE5Quality(nets.slice(0, 1), tiny, { data });
        const strip = (cs: E5Case[]) => cs.map(({ seconds: _, ...c }) => c);
        assert.deepEqual(strip(again.checkpoints[0].cases).slice(0, 2), strip(result.checkpoints[0].cases).slice(0, 2));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        small.dispose();
      }
    },
  );

  it('bad input is refused with the argument and its value named', () => {
    const two = QuantisedMlp.create({ hidden: [3, 3], levels: 'ternary' }, Random.fromSeed(5));
    const cases: [() => unknown, RegExp][] = [
      [() => measureE5Quality([], PROFILE, { data }), /nets is empty/],
      [() => measureE5Quality([{ name: '', epoch: 0, net }], PROFILE, { data }), /nets\[0\]\.name .* got ""/],
      [() => measureE5Quality([{ name: 'init', epoch: -1, net }], PROFILE, { data }), /nets\[0\]\.epoch .* got -1/],
      [
        () => measureE5Quality([{ name: 'deep', epoch: 0, net: two }], { ...PROFILE, units: 3 }, { data }),
        /nets\[0\]\.net \(deep\) .* \[3,3,10\]/,
      ],
      [
        () => measureE5Quality([{ name: 'init', epoch: 0, net }], { ...PROFILE, units: 7 }, { data }),
        /profile\.units = 7 units, its layer widths are \[6,10\]/,
      ],
      [
        () => measureE5Quality([{ name: 'init', epoch: 0, net }], { ...PROFILE, noiseScale: 0.5 }, { data }),
        /nets\[0\]\.net \(init\) quantises to \[-1,0,1\] with noise scale 1, the profile to ternary with 0.5/,
      ],
      [
        () => measureE5Quality([{ name: 'init', epoch: 0, net }], { ...PROFILE, units: 11 }, { data }),
        /profile\.units .* got 11 \(177147 states\)/,
      ],
      [
        () => measureE5Quality([{ name: 'init', epoch: 0, net }], { ...PROFILE, evalBatch: 0 }, { data }),
        /profile\.evalBatch must .* got 0/,
      ],
      [
        () => measureE5Quality([{ name: 'init', epoch: 0, net }], { ...PROFILE, evalBatches: 2 }, { data }),
        /data holds 6 images, the profile needs 12/,
      ],
      [
        () =>
          measureQuantisedBatch(net, tf.zeros([2, 5]) as tf.Tensor2D, [0, 1], {
            grid: GRID,
            mc: PROFILE.mc,
            rng: Random.fromSeed(0),
          }),
        /x has 5 columns, the net takes 784/,
      ],
      [
        () =>
          measureQuantisedBatch(net, x, labels, { grid: GRID, mc: PROFILE.mc, rng: Random.fromSeed(0), spaces: [] }),
        /spaces must list .* got \[\]/,
      ],
    ];
    for (const [call, message] of cases) assert.throws(call, message);
    two.dispose();
  });
});

describe('E5 quality profiles', () => {
  it(
    "E4's C7 grid with adaptive draws to a third of C7's margins; every profile's net " +
      'enumerable (3^n ≤ MAX_STATES) on Fashion-MNIST; e5QualityNet is 784 → n ternary units → 10',
    () => {
      for (const p of Object.values(E5_QUALITY_PROFILES)) {
        assert.deepEqual(p.grid, c7Grid(p.grid.adaptive!.maxRounds));
        assert.deepEqual(p.grid.adaptive, {
          maxRounds: p.grid.adaptive!.maxRounds,
          betaMargin: C7_MARGINS.beta,
          sigmaFactor: C7_MARGINS.sigmaFactor,
        });
        assert.ok(
          3 ** p.units <= MAX_STATES && p.levels === 'ternary' && p.dataset === 'fashion-mnist',
          JSON.stringify(p),
        );
      }
      assert.equal(E5_QUALITY_PROFILES.quick.units, 8);
      const net = e5QualityNet(E5_QUALITY_PROFILES.quick, Random.fromSeed(0));
      assert.deepEqual(
        net.layers.map((l) => l.W.shape),
        [
          [784, 8],
          [8, 10],
        ],
      );
      assert.deepEqual(net.quantiser.levels, [-1, 0, 1]);
      net.dispose();
    },
  );
});

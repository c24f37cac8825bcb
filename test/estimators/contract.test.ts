/**
 * One contract for every categorical estimator of the registry, on the cpu and wasm backends:
 * the tfjs op's gradient equals the float64 form on the same sample and noise; estimates sum to
 * zero over categories; the forward value is the sample; finite at extreme logits and tau; no
 * leaked tensors; bit-identical for a seed; each bad option rejected by name. The binary rows
 * (one logit per unit) keep the same contract, with their categorical twin as a second reference.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  BINARY_ESTIMATORS,
  ESTIMATORS,
  estimator,
  Random,
  resolveEstimator,
  withDefaults,
  type BinaryEstimator,
  type EstimatorOptions,
  type OptionKind,
  type PathwiseEstimator,
} from '../../lib';
import { assertClose, assertFinite, TEST_BACKENDS, useBackend } from '../helpers';

const SHAPE = [3, 2, 4]; // batch 3 × 2 variables × C = 4
const C = SHAPE[2];
const N = SHAPE[0] * SHAPE[1];

/** Options a contract run uses: the defaults, and a second setting away from them. */
function optionSets(e: PathwiseEstimator): EstimatorOptions[] {
  const alt: EstimatorOptions = {};
  for (const [key, spec] of Object.entries(e.options)) {
    alt[key] = { temperature: 0.5, K: 3, a: 0.3, M: 3, eta: -0.6 }[spec.kind];
  }
  return Object.keys(alt).length ? [withDefaults(e), withDefaults(e, alt)] : [withDefaults(e)];
}

interface Case {
  logits: Float32Array;
  v: Float32Array;
  gumbel: Float32Array;
  exponentials: Float32Array;
  x: Int32Array;
}

/** Random logits, upstream v, noise and the Gumbel-max sample, all float32-representable. */
function makeCase(seed: number, K: number, scale = 2): Case {
  const rng = Random.fromSeed(seed);
  const logits = Float32Array.from(rng.uniform(N * C), (u) => scale * (2 * u - 1));
  const v = Float32Array.from(rng.uniform(N * C), (u) => 4 * u - 2);
  const gumbel = Float32Array.from(rng.gumbel(N * C));
  const exponentials = Float32Array.from(rng.exponential(K * N * C));
  const x = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let j = 1; j < C; j++)
      if (logits[n * C + j] + gumbel[n * C + j] > logits[n * C + best] + gumbel[n * C + best]) best = j;
    x[n] = best;
  }
  return { logits, v, gumbel, exponentials, x };
}

/** The op's forward value and gradient of Σ (value ⊙ v) w.r.t. the logits (= the estimator at v). */
function runOp(e: PathwiseEstimator, o: EstimatorOptions, c: Case): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const K = Number.isInteger(o.K) && o.K > 0 ? o.K : 1; // a bad K must reach the op's own check
    const noise = {
      x: tf.tensor(c.x, SHAPE.slice(0, -1), 'int32'),
      gumbel: tf.tensor(c.gumbel, SHAPE),
      exponentials: tf.tensor(c.exponentials.subarray(0, K * N * C), [K, ...SHAPE]),
    };
    const logits = tf.tensor(c.logits, SHAPE);
    const v = tf.tensor(c.v, SHAPE);
    const value = e.op(logits, o, noise);
    const grad = tf.grad((l: tf.Tensor) => e.op(l, o, noise).mul(v).sum())(logits);
    return { value: value.dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  });
}

/** The float64 form on each variable, with the same sample and noise. */
function runFloat64(e: PathwiseEstimator, o: EstimatorOptions, c: Case): number[] {
  const K = o.K ?? 1;
  const row = (a: Float32Array, n: number) => Array.from(a.subarray(n * C, (n + 1) * C));
  const out: number[] = [];
  for (let n = 0; n < N; n++) {
    const exponentials = Array.from({ length: K }, (_, k) => row(c.exponentials, k * N + n));
    out.push(...e.gradient(row(c.logits, n), row(c.v, n), o, { x: c.x[n], gumbel: row(c.gumbel, n), exponentials }));
  }
  return out;
}

const BAD_VALUES: Record<OptionKind, number[]> = {
  temperature: [0, -1, NaN, Infinity],
  K: [0, 2.5, -3],
  a: [-0.1, 1.5, NaN],
  M: [1, 2.5],
  eta: [NaN, Infinity, -Infinity],
};

for (const backend of TEST_BACKENDS) {
  describe(`estimator contract on ${backend}`, () => {
    before(() => useBackend(backend));

    for (const e of ESTIMATORS) {
      describe(e.name, () => {
        for (const o of optionSets(e)) {
          it(`tfjs op equals the float64 form on the same sample and noise ${JSON.stringify(o)}`, () => {
            const c = makeCase(11, o.K ?? 1);
            const { grad } = runOp(e, o, c);
            assertClose(grad, runFloat64(e, o, c), {
              atol: 2e-6,
              rtol: 2e-4,
              context: `${e.name} ${JSON.stringify(o)} on ${backend}`,
            });
          });
        }

        it('estimates sum to zero over categories, and the forward value is the sample', () => {
          const o = withDefaults(e);
          const c = makeCase(12, o.K ?? 1);
          const { value, grad } = runOp(e, o, c);
          for (let n = 0; n < N; n++) {
            const g = grad.subarray(n * C, (n + 1) * C);
            const scale = g.reduce((s, gj) => s + Math.abs(gj), 0);
            assert.ok(
              Math.abs(g.reduce((s, gj) => s + gj, 0)) <= 1e-6 * (1 + scale),
              `${e.name} row ${n}: Σ_j g_j = ${g.reduce((s, gj) => s + gj, 0)}`,
            );
            const y = Array.from(value.subarray(n * C, (n + 1) * C));
            if (e.forward === 'sample') {
              assert.deepEqual(
                y,
                y.map((_, j) => (j === c.x[n] ? 1 : 0)),
                `${e.name} row ${n}: forward value is not e_x (x = ${c.x[n]})`,
              );
            } else {
              assertClose([y.reduce((s, yj) => s + yj, 0)], [1], {
                atol: 1e-6,
                context: `${e.name} relaxed sample sums to one`,
              });
            }
          }
        });

        it('is finite at extreme logits (±1e4) and extreme temperatures (1e-4)', () => {
          const extreme: EstimatorOptions = withDefaults(e);
          for (const [key, spec] of Object.entries(e.options)) if (spec.kind === 'temperature') extreme[key] = 1e-4;
          for (const tauish of [withDefaults(e), extreme]) {
            const c = makeCase(13, tauish.K ?? 1, 1e4);
            const { value, grad } = runOp(e, tauish, c);
            assertFinite(value, `${e.name} ${JSON.stringify(tauish)} forward at logits ±1e4`);
            assertFinite(grad, `${e.name} ${JSON.stringify(tauish)} gradient at logits ±1e4`);
            assertFinite(runFloat64(e, tauish, c), `${e.name} ${JSON.stringify(tauish)} float64 form at logits ±1e4`);
          }
        });

        it('leaks no tensors', () => {
          const o = withDefaults(e);
          const c = makeCase(14, o.K ?? 1);
          runOp(e, o, c); // warm-up: backends may allocate once
          const before = tf.memory().numTensors;
          runOp(e, o, c);
          assert.equal(tf.memory().numTensors, before, `${e.name} left ${tf.memory().numTensors - before} tensors`);
        });

        it('rejects each bad option by name and value', () => {
          for (const [key, spec] of Object.entries(e.options)) {
            for (const bad of BAD_VALUES[spec.kind]) {
              const o = withDefaults(e, { [key]: bad });
              const c = makeCase(15, Number.isInteger(o.K) && o.K > 0 ? o.K : 1);
              assert.throws(
                () => runOp(e, o, c),
                (err: Error) => {
                  assert.match(
                    err.message,
                    new RegExp(`option ${key}\\b.*got ${String(bad)}`),
                    `${e.name} ${key} = ${bad}: ${err.message}`,
                  );
                  return true;
                },
              );
            }
          }
        });
      });
    }
  });
}

/** Binary units: logits a (with ±1e4), upstream derivatives d, and a sample b = 1{u < σ(a)}. */
const BIN_A = [-3, -0.5, 0, 0.7, 2.5, 1e4, -1e4];
const BIN_D = [0.3, -1.2, 2, 0.5, -0.7, 1, -1];
const binarySample = (seed: number) => {
  const u = Random.fromSeed(seed).uniform(BIN_A.length);
  return BIN_A.map((a, i) => (u[i] < 1 / (1 + Math.exp(-a)) ? 1 : 0));
};

/**
 * The binary op's forward value and gradient of Σ value ⊙ d w.r.t. the logits, at a given sample or
 * drawn from a stream.
 */
function runBinary(e: BinaryEstimator, noise: { b: number[] } | { seed: number }): { value: number[]; grad: number[] } {
  return tf.tidy(() => {
    const given = 'b' in noise ? { b: tf.tensor(noise.b) } : { rng: Random.fromSeed(noise.seed) };
    const value = e.op(tf.tensor(BIN_A), {}, given);
    const rerun = 'b' in noise ? given : { rng: Random.fromSeed(noise.seed) };
    const grad = tf.grad((l: tf.Tensor) => e.op(l, {}, rerun).mul(tf.tensor(BIN_D)).sum())(tf.tensor(BIN_A));
    return { value: Array.from(value.dataSync()), grad: Array.from(grad.dataSync()) };
  });
}

for (const backend of TEST_BACKENDS) {
  describe(`binary estimator contract on ${backend}`, () => {
    before(() => useBackend(backend));

    for (const e of BINARY_ESTIMATORS) {
      describe(e.name, () => {
        it(
          'tfjs op equals the float64 form on the same sample; the forward value is the sample; ' +
            'finite at a = ±1e4',
          () => {
            for (const b of [binarySample(21), BIN_A.map(() => 0), BIN_A.map(() => 1)]) {
              const { value, grad } = runBinary(e, { b });
              assert.deepEqual(value, b, `${e.name}: forward value is not the sample`);
              assertFinite(grad, `${e.name} gradient at a = ±1e4`);
              assertClose(
                grad,
                BIN_A.map((a, i) => e.gradient(a, b[i], BIN_D[i], {})),
                { atol: 1e-7, rtol: 1e-5, context: `${e.name} b = [${b}] on ${backend}` },
              );
            }
          },
        );

        it(
          `equals its categorical twin (${e.twin}) on two categories with logits [0, a], given the ` + `same sample`,
          () => {
            // the unit's value is b = onehot_1, so upstream v = [0, d]; a is the second logit
            const twin = estimator(e.twin);
            for (const [i, a] of BIN_A.entries()) {
              for (const b of [0, 1]) {
                const g = twin.gradient([0, a], [0, BIN_D[i]], withDefaults(twin), { x: b, gumbel: [] })[1];
                assertClose([e.gradient(a, b, BIN_D[i], {})], [g], {
                  atol: 1e-12,
                  rtol: 1e-12,
                  context: `${e.name} vs ${e.twin}: a = ${a}, b = ${b}, d = ${BIN_D[i]}`,
                });
              }
            }
          },
        );

        it('is bit-identical for a seed, and leaks no tensors', () => {
          const first = runBinary(e, { seed: 22 });
          const before = tf.memory().numTensors;
          const second = runBinary(e, { seed: 22 });
          assert.equal(tf.memory().numTensors, before, `${e.name} left ${tf.memory().numTensors - before} tensors`);
          assert.deepEqual(second, first, `${e.name}: two runs with seed 22 differ`);
        });

        it('takes no options: resolving one is an error naming it', () => {
          assert.deepEqual(resolveEstimator({ name: e.name }).options, {});
          assert.throws(
            () => resolveEstimator({ name: e.name, options: { tau: 0.5 } }),
            new RegExp(`estimator "${e.name}": unknown option "tau" \\(options: none\\)`),
          );
        });
      });
    }
  });
}

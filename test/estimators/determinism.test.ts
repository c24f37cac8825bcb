/**
 * Reproducibility of the public ops, which draw their noise from a `Random`: the same seed gives
 * bit-identical samples and gradients on a backend, and identical samples on cpu and wasm.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { darn, grMck, gs, Random, reinmax, rloo, st, stBinary, stGs, stZgr, zgr, zgrBinary } from '../../lib';
import { useBackend } from '../helpers';

type Op = (logits: tf.Tensor, rng: Random) => tf.Tensor;
const OPS: Record<string, Op> = {
  st: (l, rng) => st(l, { rng }),
  stT: (l, rng) => st(l, { rng, t: 0.5 }),
  darn: (l, rng) => darn(l, { rng }),
  zgr: (l, rng) => zgr(l, { rng }),
  stZgr: (l, rng) => stZgr(l, { rng, a: 0.3 }),
  gs: (l, rng) => gs(l, { rng, tau: 0.5 }),
  stGs: (l, rng) => stGs(l, { rng, tau: 0.5 }),
  grMck: (l, rng) => grMck(l, { rng, tau: 0.5, K: 5 }),
  reinmax: (l, rng) => reinmax(l, { rng, tau: 1.5 }),
  stBinary: (l, rng) => stBinary(l, { rng }),
  zgrBinary: (l, rng) => zgrBinary(l, { rng }),
};

const LOGITS = Array.from({ length: 5 * 3 * 4 }, (_, i) => Math.sin(1.7 * i) * 2);
const V = Array.from({ length: 5 * 3 * 4 }, (_, i) => Math.cos(0.9 * i));

/** Forward value and gradient of Σ value ⊙ v, from a fresh stream with the given seed. */
function run(op: Op, seed: number): { value: number[]; grad: number[] } {
  return tf.tidy(() => {
    const logits = tf.tensor(LOGITS, [5, 3, 4]);
    const v = tf.tensor(V, [5, 3, 4]);
    const value = op(logits, Random.fromSeed(seed));
    const grad = tf.grad((l: tf.Tensor) => op(l, Random.fromSeed(seed)).mul(v).sum())(logits);
    return { value: Array.from(value.dataSync()), grad: Array.from(grad.dataSync()) };
  });
}

describe('same seed → same numbers', () => {
  const results: Record<string, Record<string, { value: number[]; grad: number[] }>> = {};

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`on ${backend}: each op is bit-identical for a seed and differs for another seed`, async () => {
      await useBackend(backend);
      results[backend] = {};
      for (const [name, op] of Object.entries(OPS)) {
        const a = run(op, 7);
        assert.deepEqual(run(op, 7), a, `${name} on ${backend}: two runs with seed 7 differ`);
        assert.notDeepEqual(
          run(op, 8).value.concat(run(op, 8).grad),
          a.value.concat(a.grad),
          `${name}: seeds 7 and 8 agree`,
        );
        results[backend][name] = a;
      }
    });
  }

  it('cpu and wasm draw identical samples and equal gradients (to float32 rounding)', () => {
    for (const name of Object.keys(OPS)) {
      const cpu = results.cpu[name];
      const wasm = results.wasm[name];
      if (name === 'gs') {
        cpu.value.forEach((y, i) =>
          assert.ok(Math.abs(y - wasm.value[i]) <= 1e-6, `gs relaxed sample ${i}: ${y} vs ${wasm.value[i]}`),
        );
      } else {
        assert.deepEqual(wasm.value, cpu.value, `${name}: samples differ between cpu and wasm`);
      }
      const maxDiff = Math.max(...cpu.grad.map((g, i) => Math.abs(g - wasm.grad[i])));
      assert.ok(maxDiff <= 1e-6, `${name}: gradients differ between cpu and wasm by ${maxDiff} > 1e-6`);
    }
  });

  it('RLOO surrogate: same seed → identical value and gradient', () => {
    const once = () =>
      tf.tidy(() => {
        const logits = tf.tensor(LOGITS, [5, 3, 4]);
        const v = tf.tensor(V, [5, 3, 4]);
        const loss = (onehot: tf.Tensor) => onehot.mul(v).sum([2, 3]).square(); // [M, 5]
        const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => rloo(l, { rng: Random.fromSeed(3), M: 4 }, loss))(
          logits,
        );
        return [value.dataSync()[0], ...grad.dataSync()];
      });
    assert.deepEqual(once(), once());
  });
});

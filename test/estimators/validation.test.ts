/** Bad input to the float64 forms and the ops is an Error naming the argument and the value. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  darnGradient, grMckGradient, Random, reinmaxGradient, rlooGradient, stGradient, stGsGradient, stZgrGradient, zgr, zgrGradient,
} from '../../lib';

describe('float64 forms reject bad input by name and value', () => {
  it('logits: non-finite, C < 2', () => {
    assert.throws(() => zgrGradient([0, NaN], 0, [1, 1]), /zgrGradient: logits must be finite; logits\[1\], got NaN/);
    assert.throws(() => darnGradient([Infinity, 0], 0, [1, 1]), /logits\[0\], got Infinity/);
    assert.throws(() => stGradient([1], 0, [1]), /stGradient: logits must have C ≥ 2 categories \(C = 1\), got \[1\]/);
  });

  it('sample index and upstream gradient', () => {
    assert.throws(() => zgrGradient([0, 1, 2], 3, [1, 1, 1]), /sample index x must be an integer in \[0, 2\], got 3/);
    assert.throws(() => zgrGradient([0, 1, 2], 0.5, [1, 1, 1]), /got 0.5/);
    assert.throws(() => zgrGradient([0, 1, 2], 0, [1, 1]), /v must have length 3 \(as the logits\), got length 2/);
    assert.throws(() => stGradient([0, 1], 0, [1, NaN]), /v must be finite; v\[1\], got NaN/);
  });

  it('options: tau ≤ 0 or non-finite, K < 1 or fractional, a outside [0, 1], M < 2', () => {
    assert.throws(() => reinmaxGradient([0, 1], 0, [1, 0], { tau: 0 }), /option tau must be a finite number > 0, got 0/);
    assert.throws(() => stGsGradient([0, 1], [1, 0], { tau: -1 }, [0, 0]), /option tau .*got -1/);
    assert.throws(() => stGradient([0, 1], 0, [1, 0], { t: Infinity }), /option t .*got Infinity/);
    assert.throws(() => grMckGradient([0, 1], 0, [1, 0], { tau: 1, K: 0 }, []), /option K must be an integer ≥ 1, got 0/);
    assert.throws(() => grMckGradient([0, 1], 0, [1, 0], { tau: 1, K: 2 }, [[1, 1]]), /exponentials must have K = 2 rows, got 1/);
    assert.throws(() => stZgrGradient([0, 1], 0, [1, 0], { a: 1.2 }), /option a must be a number in \[0, 1\], got 1.2/);
    assert.throws(() => rlooGradient([0, 1], [0], [1]), /option M must be an integer ≥ 2, got 1/);
  });
});

describe('ops reject bad input by name and value', () => {
  it('non-finite logits, too few categories, a bad sample, a missing rng, unknown options', async () => {
    await tf.setBackend('cpu');
    assert.throws(() => zgr(tf.tensor([[0, NaN]]), { rng: Random.fromSeed(1) }), /zgr: logits must be finite; entry 1 of shape \[1,2\], got NaN/);
    assert.throws(() => zgr(tf.tensor([[0], [1]]), { rng: Random.fromSeed(1) }), /zgr: logits must have C ≥ 2 categories on the last axis, got shape \[2,1\]/);
    assert.throws(() => zgr(tf.tensor([[0, 1]]), { x: tf.tensor([2], [1], 'int32') }), /zgr: sample x must hold indices in \[0, 1\]; entry 0, got 2/);
    assert.throws(() => zgr(tf.tensor([[0, 1]]), { x: tf.tensor([0, 1], [2], 'int32') }), /sample x must have shape \[1\].*got shape \[2\]/);
    assert.throws(() => zgr(tf.tensor([[0, 1]]), {}), /zgr: option rng \(a Random\) is required unless a sample x is given/);
    assert.throws(() => zgr(tf.tensor([[0, 1]]), { rng: Random.fromSeed(1), tau: 1 } as never), /zgr: unknown option "tau"/);
  });
});

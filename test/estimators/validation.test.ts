/** Bad input to the float64 forms and the ops is an Error naming the argument and the value. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  darn,
  darnGradient,
  grMck,
  grMckGradient,
  gs,
  gst,
  Random,
  reinforce,
  reinmax,
  reinmaxCv,
  reinmaxGradient,
  reinmaxRao,
  rloo,
  rlooGradient,
  st,
  stBinary,
  stGradient,
  stGs,
  stGsGradient,
  stTau,
  stZgr,
  stZgrGradient,
  zgr,
  zgrBinary,
  zgrGradient,
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
    assert.throws(
      () => reinmaxGradient([0, 1], 0, [1, 0], { tau: 0 }),
      /option tau must be a finite number > 0, got 0/,
    );
    assert.throws(() => stGsGradient([0, 1], [1, 0], { tau: -1 }, [0, 0]), /option tau .*got -1/);
    assert.throws(() => stGradient([0, 1], 0, [1, 0], { t: Infinity }), /option t .*got Infinity/);
    assert.throws(
      () => grMckGradient([0, 1], 0, [1, 0], { tau: 1, K: 0 }, []),
      /option K must be an integer ≥ 1, got 0/,
    );
    assert.throws(
      () => grMckGradient([0, 1], 0, [1, 0], { tau: 1, K: 2 }, [[1, 1]]),
      /exponentials must have K = 2 rows, got 1/,
    );
    assert.throws(() => stZgrGradient([0, 1], 0, [1, 0], { a: 1.2 }), /option a must be a number in \[0, 1\], got 1.2/);
    assert.throws(() => rlooGradient([0, 1], [0], [1]), /option M must be an integer ≥ 2, got 1/);
  });
});

describe('ops reject bad input by name and value', () => {
  it('non-finite logits, too few categories, a bad sample, a missing rng, unknown options', async () => {
    await tf.setBackend('cpu');
    assert.throws(
      () => zgr(tf.tensor([[0, NaN]]), { rng: Random.fromSeed(1) }),
      /zgr: logits must be finite; entry 1 of shape \[1,2\], got NaN/,
    );
    assert.throws(
      () => zgr(tf.tensor([[0], [1]]), { rng: Random.fromSeed(1) }),
      /zgr: logits must have C ≥ 2 categories on the last axis, got shape \[2,1\]/,
    );
    assert.throws(
      () => zgr(tf.tensor([[0, 1]]), { x: tf.tensor([2], [1], 'int32') }),
      /zgr: sample x must hold indices in \[0, 1\]; entry 0, got 2/,
    );
    assert.throws(
      () => zgr(tf.tensor([[0, 1]]), { x: tf.tensor([0, 1], [2], 'int32') }),
      /sample x must have shape \[1\].*got shape \[2\]/,
    );
    assert.throws(
      () => zgr(tf.tensor([[0, 1]]), {}),
      /zgr: option rng \(a Random\) is required unless a sample x is given/,
    );
    assert.throws(
      () => zgr(tf.tensor([[0, 1]]), { rng: Random.fromSeed(1), tau: 1 } as never),
      /zgr: unknown option "tau"/,
    );
  });

  it('an unknown option is named once, with the known ones, and "got" is not repeated', () => {
    assert.throws(() => zgr(tf.tensor([[0, 1]]), { rng: Random.fromSeed(1), tau: 1 } as never), {
      message: 'zgr: unknown option "tau" (known: rng, x)',
    });
    assert.throws(() => grMck(tf.tensor([[0, 1]]), { tau: 1, K: 2, temperature: 1 } as never), {
      message: 'grMck: unknown option "temperature" (known: rng, x, tau, K, exponentials)',
    });
    assert.throws(() => zgr(tf.tensor([[0, 1]]), 5 as never), {
      message: 'zgr: options must be an object with rng, x, got 5',
    });
  });

  it(
    'no options object (zgr(logits)) is the same clear error as a missing option ' + '(zgr(logits, {})), for every op',
    async () => {
      await tf.setBackend('cpu');
      const logits = tf.tensor([[0, 1, 2]]);
      const loss = (onehot: tf.Tensor) => onehot.sum(-1);
      const ops: Record<string, (options?: never) => unknown> = {
        st: (o) => st(logits, o!),
        stTau: (o) => stTau(logits, o!),
        darn: (o) => darn(logits, o!),
        zgr: (o) => zgr(logits, o!),
        stZgr: (o) => stZgr(logits, o!),
        gs: (o) => gs(logits, o!),
        stGs: (o) => stGs(logits, o!),
        grMck: (o) => grMck(logits, o!),
        reinmax: (o) => reinmax(logits, o!),
        gst: (o) => gst(logits, o!),
        reinmaxRao: (o) => reinmaxRao(logits, o!),
        reinmaxCv: (o) => reinmaxCv(logits, o!),
        reinforce: (o) => reinforce(logits, o!, loss),
        rloo: (o) => rloo(logits, o!, loss),
        stBinary: (o) => stBinary(tf.tensor([0.5]), o!),
        zgrBinary: (o) => zgrBinary(tf.tensor([0.5]), o!),
      };
      const thrown = (f: () => unknown): Error => {
        try {
          f();
        } catch (err) {
          return err as Error;
        }
        assert.fail('no error thrown');
      };
      for (const [name, op] of Object.entries(ops)) {
        const empty = thrown(() => op({} as never));
        const none = thrown(() => op());
        assert.match(
          empty.message,
          new RegExp(`^${name}: option \\w+ .*, got undefined$`),
          `${name}(logits, {}) names the missing option`,
        );
        assert.equal(
          none.constructor,
          Error,
          `${name}(logits): an Error, not a ${none.constructor.name}: ${none.message}`,
        );
        assert.equal(none.message, empty.message, `${name}(logits) and ${name}(logits, {}) say the same`);
      }
      logits.dispose();
    },
  );
});

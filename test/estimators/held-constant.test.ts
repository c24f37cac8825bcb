/**
 * The estimators that perturb the logits (GR-MCK, ReinMax-Rao, ReinMax-CV) hold their
 * perturbations constant. They are built off the gradient tape (sample.ts heldConstant): the
 * gradient must be bit for bit what it was when they were built on the tape and their
 * construction back-propagated (into zeros), and the backward pass must be shorter.
 * The on-tape form is written out here as it stood before (straightThrough with the
 * perturbations computed from the tracked logits).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../lib';
import { conditionalGumbelTensor, grMck } from '../../lib/estimators/gr-mck';
import { temperedJacobianProductTensor } from '../../lib/estimators/gs';
import { reinmaxBackward } from '../../lib/estimators/reinmax';
import { reinmaxCv } from '../../lib/estimators/reinmax-cv';
import { reinmaxRao, thetaDTensor } from '../../lib/estimators/reinmax-rao';
import { softmaxJacobianProductTensor } from '../../lib/math/softmax';
import { straightThrough } from '../../lib/estimators/sample';
import { TEST_BACKENDS, useBackend } from '../helpers';

const B = 6,
  H = 5,
  C = 4,
  K = 7,
  TAU = 0.6,
  ETA = 1.5;

/** The three estimators' backward with their perturbations built on the tape (the former code). */
const ON_TAPE = {
  grMck: (logits: tf.Tensor, onehot: tf.Tensor, E: tf.Tensor) =>
    straightThrough([logits, conditionalGumbelTensor(logits, onehot, E)], onehot, (dy, [, sk]) =>
      temperedJacobianProductTensor(sk, dy, TAU).mean(0),
    ),
  reinmaxRao: (logits: tf.Tensor, onehot: tf.Tensor, E: tf.Tensor) =>
    straightThrough([logits, conditionalGumbelTensor(thetaDTensor(logits, onehot), onehot, E)], onehot, (dy, [l, sk]) =>
      temperedJacobianProductTensor(sk, dy, TAU)
        .mean(0)
        .mul(2)
        .sub(softmaxJacobianProductTensor(tf.softmax(l), dy).mul(0.5)),
    ),
  reinmaxCv: (logits: tf.Tensor, onehot: tf.Tensor, E: tf.Tensor, G: tf.Tensor) => {
    const theta = thetaDTensor(logits, onehot);
    return straightThrough(
      [logits, onehot, conditionalGumbelTensor(theta, onehot, E), theta.add(G)],
      onehot,
      (dy, [l, e, sk, sg]) => {
        const cv = temperedJacobianProductTensor(sk, dy, TAU)
          .mean(0)
          .sub(temperedJacobianProductTensor(sg, dy, TAU));
        return reinmaxBackward(l, e, dy, 1).add(cv.mul(ETA));
      },
    );
  },
};

type Name = keyof typeof ON_TAPE;

/** A layer in front of the estimator (so the tape has something upstream) and a loss behind it. */
function setup(seed: number) {
  const rng = Random.fromSeed(seed);
  const draw = (n: number, f: (k: number) => Float64Array) => Float32Array.from(f(n));
  const h = tf.tensor2d(
    draw(B * H, (n) => rng.gumbel(n)),
    [B, H],
  );
  const W = tf.tensor2d(
    draw(H * C, (n) => rng.gumbel(n)),
    [H, C],
  );
  const G = tf.tensor2d(
    draw(B * C, (n) => rng.gumbel(n)),
    [B, C],
  );
  const E = tf.tensor3d(
    draw(K * B * C, (n) => rng.exponential(n)),
    [K, B, C],
  );
  const w = tf.tensor2d(
    draw(B * C, (n) => rng.gumbel(n)),
    [B, C],
  );
  const x = tf.argMax(tf.matMul(h, W).add(G), -1).toInt();
  return { h, W, G, E, w, x };
}

function gradient(name: Name, form: 'heldConstant' | 'onTape', s: ReturnType<typeof setup>): tf.Tensor {
  return tf.grad((W: tf.Tensor) => {
    const logits = tf.matMul(s.h, W);
    let z: tf.Tensor;
    if (form === 'onTape') {
      const onehot = tf.oneHot(s.x, C).toFloat();
      z = name === 'reinmaxCv' ? ON_TAPE.reinmaxCv(logits, onehot, s.E, s.G) : ON_TAPE[name](logits, onehot, s.E);
    } else if (name === 'grMck') z = grMck(logits, { x: s.x, tau: TAU, K, exponentials: s.E });
    else if (name === 'reinmaxRao') z = reinmaxRao(logits, { x: s.x, tau: TAU, K, exponentials: s.E });
    else z = reinmaxCv(logits, { x: s.x, gumbel: s.G, tau: TAU, K, eta: ETA, exponentials: s.E });
    return z.mul(s.w).sum();
  })(s.W);
}

for (const backend of TEST_BACKENDS) {
  describe(`perturbations held constant off the gradient tape (${backend})`, () => {
    before(() => useBackend(backend));
    for (const name of Object.keys(ON_TAPE) as Name[]) {
      it(`${name}: the gradient w.r.t. the upstream weights is bit-identical to the on-tape form, on 5 seeds`, () => {
        for (let seed = 0; seed < 5; seed++) {
          const s = setup(100 + seed);
          const got = gradient(name, 'heldConstant', s).dataSync();
          const want = gradient(name, 'onTape', s).dataSync();
          const diff = got.findIndex((g, i) => !Object.is(g, want[i]));
          assert.equal(diff, -1, `seed ${seed}, entry ${diff}: ${got[diff]} ≠ ${want[diff]} (on tape)`);
        }
      });

      it(`${name}: the backward pass runs fewer kernels than with the perturbations on the tape`, async () => {
        const s = setup(7);
        const kernels = async (form: 'heldConstant' | 'onTape') =>
          (await tf.profile(() => gradient(name, form, s))).kernels.length;
        const [held, onTape] = [await kernels('heldConstant'), await kernels('onTape')];
        assert.ok(held < onTape, `${held} kernels off the tape, ${onTape} on it`);
      });
    }
  });
}

/**
 * The VAE's latent-usage diagnostics (lib/models/latent-usage.ts), against a float64 computation
 * from the encoder's logits, image by image, and on constructed extremes.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../lib';
import { latentUsage, perplexity } from '../../lib/models/latent-usage';
import { Vae } from '../../lib/models/vae';
import { softmax } from '../../lib/math/softmax';
import { useBackend } from '../helpers';

describe('latent usage of the VAE: KL against its ceiling, max q, code perplexity', () => {
  before(() => useBackend('cpu'));

  it('perplexity is C for a uniform vector, 1 for a one-hot one, 2 for two equal codes', () => {
    assert.ok(Math.abs(perplexity([0.25, 0.25, 0.25, 0.25]) - 4) < 1e-12);
    assert.equal(perplexity([0, 1, 0]), 1);
    assert.ok(Math.abs(perplexity([0.5, 0, 0.5]) - 2) < 1e-12);
  });

  it(
    'equals a float64 computation from the logits of each image (chunks of 3 over 7 images), ' + 'to 1e-5 relative',
    async () => {
      const vae = Vae.create({ C: 4, numLatents: 3, hidden: [6], inputSize: 5 }, Random.fromSeed(1));
      const N = 7;
      const images = Float32Array.from(Random.fromSeed(2).uniform(N * 5));
      const got = await latentUsage(vae, images, 3);
      const logits = Array.from(vae.encode(tf.tensor2d(images, [N, 5])).dataSync());
      let kl = 0,
        maxQ = 0;
      const qBar = Array.from({ length: 3 }, () => new Array<number>(4).fill(0));
      for (let n = 0; n < N; n++) {
        for (let l = 0; l < 3; l++) {
          const q = softmax(logits.slice((n * 3 + l) * 4, (n * 3 + l + 1) * 4));
          kl += q.reduce((s, qc) => s + qc * Math.log(qc * 4), 0); // Σ q log(q / (1/C))
          maxQ += Math.max(...q);
          q.forEach((qc, c) => (qBar[l][c] += qc / N));
        }
      }
      const want = { klPerImage: kl / N, meanMaxQ: maxQ / (N * 3), codePerplexity: qBar.map(perplexity) };
      const close = (a: number, b: number, what: string) =>
        assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
      close(got.klPerImage, want.klPerImage, 'KL per image');
      close(got.meanMaxQ, want.meanMaxQ, 'mean max q');
      got.codePerplexity.forEach((p, l) => close(p, want.codePerplexity[l], `perplexity of latent ${l}`));
      assert.ok(Math.abs(got.klCeiling - 3 * Math.log(4)) < 1e-12);
      vae.dispose();
    },
  );

  it('a deterministic encoder that always picks code 0 has KL at its ceiling, max q 1 and perplexity 1', async () => {
    const vae = Vae.create({ C: 3, numLatents: 2, hidden: [4], inputSize: 2 }, Random.fromSeed(3));
    // last layer: zero weights, bias +50 on code 0 of every latent
    const last = vae.encoder[vae.encoder.length - 1];
    last.W.assign(tf.zerosLike(last.W));
    last.b.assign(tf.tensor1d([50, 0, 0, 50, 0, 0]));
    const u = await latentUsage(vae, Float32Array.from([0.1, 0.2, 0.3, 0.4]));
    assert.ok(Math.abs(u.klPerImage - u.klCeiling) < 1e-4, `${u.klPerImage} vs ${u.klCeiling}`);
    assert.ok(Math.abs(u.meanMaxQ - 1) < 1e-6);
    u.codePerplexity.forEach((p) => assert.ok(Math.abs(p - 1) < 1e-4, `${p}`));
    vae.dispose();
  });

  it('rejects images that are not whole rows of the input size', async () => {
    const vae = Vae.create({ C: 3, numLatents: 2, hidden: [4], inputSize: 2 }, Random.fromSeed(3));
    await assert.rejects(
      () => latentUsage(vae, new Float32Array(3)),
      /latentUsage: images must hold a positive whole number of 2-pixel images, got 3 values/,
    );
    vae.dispose();
  });
});

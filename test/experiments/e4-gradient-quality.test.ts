/**
 * The E4 runner (lib/experiments/e4-gradient-quality.ts) on a tiny profile: trains (or reuses) the
 * run, measures every checkpoint and batch w.r.t. the logits and, on the weight batch, w.r.t. the
 * encoder weights; stores the result under its key and loads it on a rerun.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { E4_PROFILES, e4Key, runE4, type E4Profile } from '../../lib/experiments/e4-gradient-quality';
import { C7_MARGINS, c7BiasVariance } from '../../lib/checks/c7-bias-variance';
import { e4ExactGradientCheck } from '../../lib/checks/e4-exact-gradient';

const TINY: E4Profile = {
  configurations: [
    {
      C: 3,
      numLatents: 2,
      training: {
        estimator: { name: 'zgr' },
        seed: 0,
        lr: 1e-3,
        epochs: 1,
        trainSize: 200,
        testSize: 100,
        hidden: [8, 6],
      },
      checkpoints: [
        { name: 'init', epoch: 0 },
        { name: 'end', epoch: 1 },
      ],
    },
  ],
  evalBatches: 2,
  evalBatch: 2,
  binarisation: 'grey',
  grid: { taus: [0.5, 2], Ks: [1, 10], as: [0, 0.5, 1], reinmaxTaus: [1, 1.5], Ms: [2] },
  mc: { replicates: 4, drawsPerReplicate: 3 },
  weightBatch: { images: 3, configurations: ['3x2'], checkpoints: ['end'] },
  seed: 0,
};

describe('E4 runner', () => {
  it(
    'measures each checkpoint on each batch, the weight batch ' +
      'w.r.t. the logits and the weights, and reuses a stored result',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e4-'));
      try {
        const options = {
          profile: TINY,
          resultsDir: path.join(dir, 'e4'),
          trainingDir: path.join(dir, 'e3'),
          progress: false,
        };
        const result = await runE4(options);
        assert.deepEqual(
          result.checkpoints.map((c) => [c.checkpoint.name, c.cases.map((k) => `${k.batch}/${k.space}/${k.images}`)]),
          [
            ['init', ['0/logits/2', '1/logits/2']],
            ['end', ['0/logits/2', '1/logits/2', 'weights/logits/3', 'weights/weights/3']],
          ],
        );
        const cases = result.checkpoints.flatMap((c) => c.cases);
        assert.ok(
          e4ExactGradientCheck(cases.map((k, i) => ({ where: `case ${i}`, errors: k.exactGradientErrors }))).holds,
        );
        for (const k of cases) {
          const rloo = k.points.find((p) => p.label === 'RLOO(M=2)')!;
          assert.ok(
            rloo.quality.relativeBias.estimate < 1e-9,
            `RLOO is unbiased (${k.space}): ${rloo.quality.relativeBias.estimate}`,
          );
          assert.equal(c7BiasVariance(k.points, 'tiny').biasVariance.rows.length, 4); // 2 τ × 2 K
        }
        assert.equal(result.provenance.seed, 0);
        assert.ok(fs.existsSync(path.join(options.resultsDir, `${e4Key(TINY)}.json`)));
        const t0 = Date.now();
        const again = await runE4(options);
        assert.deepEqual(again, JSON.parse(JSON.stringify(result)));
        assert.ok(Date.now() - t0 < 2000, 'a rerun loads the stored result');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('profiles: the C7 grids of PAPER.md; quick measures the weights at the end of 8×4 on 100 images', () => {
    for (const p of Object.values(E4_PROFILES)) {
      assert.deepEqual(p.grid.Ks, [1, 10, 100, 1000]);
      assert.ok([0.1, 0.3, 0.5, 1, 2, 3].every((t) => p.grid.taus.includes(t)));
      // the ST-ZGR family in closed form from a = 0, ½, 1
      assert.ok([0, 0.5, 1].every((a) => p.grid.as.includes(a)) && p.grid.reinmaxTaus.every((t) => t >= 1));
      assert.equal(p.weightBatch.images, 100);
      // GR's Monte Carlo is drawn until se(β), se(σ) < a third of C7's declared margins, within a budget
      assert.deepEqual(p.grid.adaptive, {
        maxRounds: p.grid.adaptive!.maxRounds,
        betaMargin: C7_MARGINS.beta,
        sigmaFactor: C7_MARGINS.sigmaFactor,
      });
      assert.ok(p.grid.adaptive!.maxRounds >= 4, `maxRounds ${p.grid.adaptive!.maxRounds}`);
    }
    assert.deepEqual(E4_PROFILES.quick.weightBatch.checkpoints, ['end']);
    assert.deepEqual(
      E4_PROFILES.quick.configurations.map((c) => `${c.C}x${c.numLatents}`),
      ['8x4', '4x6'],
    );
  });
});

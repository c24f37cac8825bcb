/**
 * Figure builders of notebook 06's long profile (lib/plots/e3-figures.ts): the horizon grid against
 * the learning rate, and the latent-usage diagnostics per epoch.
 */
import { describe, it } from 'node:test';
import { finishedRun } from '../helpers';
import assert from 'node:assert/strict';
import { estimatorStyle } from '../../lib/estimators/spec';
import { normaliseConfig, type VaeRunResult } from '../../lib/experiments/e3-vae-training';
import { e3GridFigure, e3UsageFigure, LATENT_USAGE_METRICS } from '../../lib/plots/e3-figures';
import type { Figure, Trace } from '../../lib/plots/types';
import { integerAxisProblems, styleProblems } from './style-checks';

const lines = (f: Figure) => f.data.filter((t) => t.showlegend !== false);
const colour = (t: Trace) => ((t.line ?? t.marker) as { color: string }).color;

/** A finished run with per-epoch train −ELBO and, optionally, latent usage (KL fraction k, max q m, perplexity p). */
function run(
  name: string,
  lr: number,
  seed: number,
  train: number[],
  usage?: [number, number, number][],
  options?: Record<string, number>,
): VaeRunResult {
  const config = normaliseConfig({ C: 8, numLatents: 4, estimator: { name, options }, lr, seed, epochs: train.length });
  const ceiling = 4 * Math.log(8);
  return finishedRun(
    `${name}-${lr}-${seed}`,
    config,
    train.map((t, i) => ({
      epoch: i + 1,
      step: 600 * (i + 1),
      trainNegElbo: t,
      testNegElbo: t - 2,
      wallTimeS: 60 * (i + 1),
      ...(usage
        ? {
            latentUsage: {
              klPerImage: usage[i][0] * ceiling,
              klCeiling: ceiling,
              meanMaxQ: usage[i][1],
              codePerplexity: [usage[i][2], usage[i][2], usage[i][2], usage[i][2]],
            },
          }
        : {}),
    })),
  );
}

describe('E3 long-profile figures', () => {
  it(
    'e3GridFigure: final train −ELBO against lr (log axis), one line per estimator sorted by ' +
      'lr, registry colours, cells drawn of those expected',
    () => {
      const fig = e3GridFigure(
        [
          run('zgr', 7e-4, 0, [150, 140]),
          run('zgr', 1e-4, 0, [160, 150]),
          run('rloo', 3e-4, 0, [150, 138], undefined, { M: 2 }),
        ],
        15,
      );
      assert.deepEqual(
        lines(fig).map((t) => t.name),
        ['ZGR', 'RLOO(M=2)'],
      );
      assert.deepEqual(lines(fig)[0].x, [1e-4, 7e-4]);
      assert.deepEqual(lines(fig)[0].y, [150, 140]);
      assert.deepEqual(lines(fig).map(colour), [
        estimatorStyle({ name: 'zgr' }).colour,
        estimatorStyle({ name: 'rloo', options: { M: 2 } }).colour,
      ]);
      assert.equal((fig.layout as { xaxis: { type: string } }).xaxis.type, 'log');
      assert.match(String((fig.layout.title as { text: string }).text), /epoch 2.*3 of 15 cells run/);
      assert.deepEqual(styleProblems(fig), []);
      assert.throws(() => e3GridFigure([{ ...run('zgr', 1e-4, 0, [1]), done: false }], 15), /no finished grid runs/);
    },
  );

  it(
    'e3UsageFigure: per estimator setting the mean over seeds with a min–max band; the ' +
      'perplexity is averaged over latents; runs without records are left out',
    () => {
      const runs = [
        run(
          'zgr',
          3e-4,
          0,
          [150, 140],
          [
            [0.5, 0.6, 6],
            [0.7, 0.8, 4],
          ],
        ),
        run(
          'zgr',
          3e-4,
          1,
          [151, 141],
          [
            [0.6, 0.7, 5],
            [0.9, 0.9, 3],
          ],
        ),
        run(
          'reinmax',
          5e-4,
          0,
          [149, 139],
          [
            [0.4, 0.5, 7],
            [0.5, 0.6, 7],
          ],
          { tau: 1.3 },
        ),
        run('st', 1e-3, 0, [149, 139]), // recorded before the diagnostics: left out
      ];
      const kl = e3UsageFigure(runs, 'klFraction');
      assert.deepEqual(
        lines(kl).map((t) => t.name),
        ['ZGR, lr 0.0003', 'ReinMax(τ=1.3), lr 0.0005'],
      );
      const zgrLine = lines(kl)[0];
      assert.deepEqual(
        (zgrLine.y as number[]).map((v) => Math.round(v * 1e12) / 1e12),
        [0.55, 0.8],
      );
      assert.deepEqual(
        (kl.data[0].y as number[]).map((v) => Math.round(v * 1e12) / 1e12),
        [0.5, 0.7],
        'lower band edge: the smaller seed',
      );
      assert.deepEqual(lines(e3UsageFigure(runs, 'codePerplexity'))[0].y, [5.5, 3.5]);
      assert.deepEqual(lines(e3UsageFigure(runs, 'meanMaxQ'))[1].y, [0.5, 0.6]);
      assert.deepEqual(integerAxisProblems(kl, 'xaxis'), []);
      assert.deepEqual(styleProblems(kl), []);
      assert.throws(() => e3UsageFigure([runs[3]], 'meanMaxQ'), /no runs with latent-usage records/);
      for (const m of Object.values(LATENT_USAGE_METRICS))
        assert.match(m.slug, /^[a-z0-9-]+$/, 'figure names are kebab-case');
    },
  );
});

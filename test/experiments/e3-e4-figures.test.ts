/**
 * Figure builders of notebooks 06 and 07 (lib/plots/e3-figures.ts, lib/plots/e4-figures.ts):
 * result records in, plotly specs and markdown tables out, with registry colours.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VaeRunResult } from '../../lib/experiments/e3-vae-training';
import { normaliseConfig } from '../../lib/experiments/e3-vae-training';
import type { E4CheckpointResult, EstimatorQuality } from '../../lib/experiments/e4-gradient-quality';
import { familyOf } from '../../lib/experiments/e4-gradient-quality';
import { colourOf } from '../../lib/estimators/registry';
import { estimatorLabel } from '../../lib/models/latent';
import { e3CurvesFigure, e3FinalTable, e3Groups } from '../../lib/plots/e3-figures';
import { e4BiasVarianceFigure, e4Table, plottedBias } from '../../lib/plots/e4-figures';

function run(name: string, seed: number, test: number[]): VaeRunResult {
  const config = normaliseConfig({ C: 8, numLatents: 4, estimator: { name }, seed, epochs: test.length });
  return {
    key: `${name}-${seed}`, label: estimatorLabel(config.estimator), config, done: true, weightsChecksum: '', resumes: 0, provenance: null as never,
    history: test.map((t, i) => ({ epoch: i + 1, step: 10 * (i + 1), trainNegElbo: t + 5, testNegElbo: t, wallTimeS: i })),
  };
}

describe('E3 figures', () => {
  const results = [run('zgr', 0, [200, 150]), run('zgr', 1, [210, 160]), run('st', 0, [205, 170])];

  it('groups seeds: mean, min and max per epoch', () => {
    const [zgr] = e3Groups(results);
    assert.deepEqual(zgr.seeds, [0, 1]);
    assert.deepEqual(zgr.test, { mean: [205, 155], min: [200, 150], max: [210, 160] });
  });

  it('curves: one line with a band per estimator, in its registry colour', () => {
    const f = e3CurvesFigure(results, '8x4', 'test');
    const lines = f.data.filter((t) => t.mode === 'lines+markers');
    assert.deepEqual(lines.map((t) => t.name), ['ZGR', 'ST']);
    assert.equal((lines[0].line as { color: string }).color, colourOf('zgr'));
    assert.deepEqual(lines[0].y, [205, 155]);
    assert.throws(() => e3CurvesFigure(results, '4x24', 'test'), /no runs of configuration 4x24/);
  });

  it('table: final −ELBO mean ± sd over seeds', () => {
    const t = e3FinalTable(results);
    assert.match(t, /\| 8x4 \| ZGR \| 0\.001 \| 2 \| 2 \| 160\.00 ± 7\.07 \| 155\.00 ± 7\.07 \|/);
  });
});

describe('E4 figures', () => {
  const q = (name: string, options: Record<string, number>, bias: number, std: number): EstimatorQuality => ({
    estimator: { name, options }, label: estimatorLabel({ name, options }), ...familyOf({ name, options }),
    evaluations: name === 'rloo' ? options.M : 1, samples: 100, bias, biasRaw: bias, std, mse: bias ** 2 + std ** 2, cosine: 0.5, exactNorm: 2,
  });
  const result: E4CheckpointResult = {
    checkpoint: { name: 'init', epoch: 0 }, objective: 500, exactNorm: 2, seconds: 1,
    estimators: [q('grMck', { K: 10, tau: 1 }, 1, 2), q('grMck', { K: 10, tau: 0.1 }, 0.2, 6), q('stZgr', { a: 0 }, 0.5, 1), q('stZgr', { a: 1 }, 0.1, 4), q('zgr', {}, 0.1, 4), q('rloo', { M: 2 }, 0, 5)],
  };

  it('bias–variance: family curves sorted by their parameter, points as markers, log axes, relative values', () => {
    const f = e4BiasVarianceFigure(result);
    const gr = f.data.find((t) => t.name === 'GR-MC10(τ)')!;
    assert.deepEqual(gr.x, [3, 1]); // τ = 0.1 then τ = 1: std 6/2, 2/2
    assert.deepEqual(gr.y, [0.3, 0.5]); // bias 0.2 is below its standard error 6/√100: drawn at 0.6, relative 0.3
    assert.deepEqual(gr.text, ['GR-MC10 τ = 0.1', 'GR-MC10 τ = 1']);
    const rloo = f.data.find((t) => t.name === 'RLOO(M=2)')!;
    assert.equal(rloo.mode, 'markers');
    assert.equal(rloo.y![0 as never], plottedBias(result.estimators[5])); // zero bias drawn at its standard error
    assert.equal(plottedBias(result.estimators[5]), 5 / Math.sqrt(100) / 2);
    assert.equal((f.layout.xaxis as { type: string }).type, 'log');
  });

  it('table: one row per estimator, relative values', () => {
    const t = e4Table(result);
    assert.match(t, /\| GR-MC10\(τ=1\) \| 1 \| 0\.5000 \| 1\.0000 \| 1\.2500 \| 0\.5000 \|/);
  });
});

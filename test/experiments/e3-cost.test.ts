/**
 * The measured cost table (lib/experiments/e3-cost.ts, `npm run bench -- --all-configs`): the
 * committed results/e3-cost.json holds every configuration × estimator with provenance, and the
 * README's table is the one computed from it (so the README cannot drift from the measurement).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  COST_ESTIMATORS,
  COST_TABLE_FILE,
  costMarkdown,
  loadCostTable,
  profileCoreHours,
  PROTOCOL_SCALE,
  type CostTable,
} from '../../lib/experiments/e3-cost';
import { PROTOCOL_CONFIGS } from '../../lib/experiments/protocol';
import { repoRoot } from '../../lib/results/paths';

describe('E3 cost table', () => {
  const table = loadCostTable()!;

  it(
    'the committed measurement covers every configuration × ' +
      'estimator, with provenance, and its hours follow from steps/s',
    () => {
      assert.equal(table.rows.length, PROTOCOL_CONFIGS.length * COST_ESTIMATORS.length);
      for (const r of table.rows) {
        assert.ok(
          r.stepsPerSecond > 0 && Number.isFinite(r.stepsPerSecond),
          `${r.config} ${r.label}: ${r.stepsPerSecond} steps/s`,
        );
        const hours = (PROTOCOL_SCALE.epochs * PROTOCOL_SCALE.stepsPerEpoch) / r.stepsPerSecond / 3600;
        assert.ok(
          Math.abs(r.hoursPerRun - hours) < 1e-9 && Math.abs(r.coreHours - hours * PROTOCOL_SCALE.seeds) < 1e-9,
          `${r.config} ${r.label}`,
        );
      }
      assert.ok(Math.abs(table.totalCoreHours - table.rows.reduce((s, r) => s + r.coreHours, 0)) < 1e-6);
      assert.ok(
        table.provenance.backend && table.provenance.wallTimeS! > 0,
        'provenance records the backend and the wall time',
      );
    },
  );

  it('README.md shows the table computed from it', () => {
    const readme = fs.readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
    assert.ok(
      readme.includes(costMarkdown(table)),
      'README.md lacks the cost table of results/e3-cost.json: paste the output of `npm run bench -- --all-configs`',
    );
  });

  it(
    'the markdown: one row per configuration with steps/s ' + '/ core-hours per estimator, totals per row and column',
    () => {
      const row = (config: string, name: string, sps: number) => ({
        config,
        estimator: { name },
        label: name,
        stepsPerSecond: sps,
        hoursPerRun: 1,
        coreHours: 10 * sps,
      });
      const md = costMarkdown({
        rows: [row('8x4', 'zgr', 2), row('8x4', 'st', 1), row('4x24', 'zgr', 3)],
        totalCoreHours: 60,
      } as unknown as CostTable);
      assert.equal(
        md,
        [
          '| config | ST(t) | ZGR | total core-hours |',
          '|---|---:|---:|---:|',
          '| 8x4 | 1.0 / 10 | 2.0 / 20 | 30 |',
          '| 4x24 | — | 3.0 / 30 | 30 |',
          '| all | 10 | 50 | 60 |',
        ].join('\n'),
      );
    },
  );

  it(
    "a profile's cost before running: Σ over runs of steps / measured " +
      'steps/s of its cell; cells the table lacks are counted apart',
    () => {
      const t = {
        rows: [
          { config: '8x4', estimator: { name: 'zgr' }, stepsPerSecond: 10 },
          { config: '8x4', estimator: { name: 'grMck' }, stepsPerSecond: 2 },
        ],
      } as unknown as CostTable;
      const run = (name: string, C = 8) => ({
        C,
        numLatents: 4,
        estimator: { name },
        epochs: 30,
        trainSize: 60_000,
        batchSize: 100,
      });
      const est = profileCoreHours([run('zgr'), run('zgr'), run('grMck'), run('st'), run('zgr', 4)], t);
      // 18,000 steps each: 2 × 1,800 s + 9,000 s
      assert.ok(Math.abs(est.coreHours - (2 * 1800 + 9000) / 3600) < 1e-12, `${est.coreHours}`);
      assert.equal(est.unpriced, 2);
    },
  );
});

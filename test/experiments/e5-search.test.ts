/**
 * E5's searches (lib/experiments/e5-search.ts): GR-MC10's temperature and RLOO(2)'s lr selected at
 * seed 0 by the final training cross-entropy, per noise scale; only the winner's runs reach the
 * verdict, which stays undecided while a search is unfinished or a compared setting has < 2 seeds.
 */
import { describe, it } from 'node:test';
import { finishedRun } from '../helpers';
import assert from 'node:assert/strict';
import type { E5Profile } from '../../lib/experiments/e5-quantised-network';
import { e5Selection } from '../../lib/experiments/e5-search';
import { checkC7TrainingSelected } from '../../lib/checks/c7-training';
import { e5SearchTable, e5TemperatureFigure } from '../../lib/plots/e5-figures';
import { e5RunKey, normaliseE5Config, type E5TrainingConfig } from '../../lib/training/quantised-config';
import type { E5RunResult } from '../../lib/training/quantised-task';
import { styleProblems } from '../plots/style-checks';

const PROFILE: E5Profile = {
  model: 'mlp',
  dataset: 'fashion-mnist',
  hidden: [8],
  levels: 'ternary',
  noiseScale: 1,
  lr: 1e-3,
  epochs: 2,
  trainSize: 100,
  testSize: 100,
  batchSize: 10,
  seeds: [0, 1],
  estimators: [
    { name: 'zgr', noiseScales: [1, 0.3] },
    { name: 'st' },
    { name: 'grMck', options: { tau: 1, K: 10 } },
    ...[0.3, 2].map((tau) => ({ name: 'grMck', options: { tau, K: 10 }, seeds: [0] })),
    { name: 'rloo', options: { M: 2 } },
    { name: 'rloo', options: { M: 2 }, lrs: [3e-3], seeds: [0] },
  ],
};

/** A finished run of the profile's net whose final training cross-entropy is `loss`. */
function run(c: Partial<E5TrainingConfig> & Pick<E5TrainingConfig, 'estimator' | 'seed'>, loss: number): E5RunResult {
  const { estimators: _e, seeds: _s, ...net } = PROFILE;
  const config = normaliseE5Config({ ...net, ...c });
  return finishedRun(
    e5RunKey(config),
    config,
    [1, 2].map((epoch) => ({
      epoch,
      step: 10 * epoch,
      trainLoss: loss + (2 - epoch) * 0.1,
      testLoss: loss,
      testAccuracy: 0.8,
      testAccuracySampled: 0.78,
      wallTimeS: epoch,
    })),
  );
}

const gr = (tau: number) => ({ name: 'grMck', options: { tau, K: 10 } });
const rloo = { name: 'rloo', options: { M: 2 } };

describe('E5 searches at seed 0', () => {
  const runs = [
    run({ estimator: { name: 'zgr' }, seed: 0 }, 0.4),
    run({ estimator: { name: 'zgr' }, seed: 1 }, 0.402),
    run({ estimator: { name: 'zgr' }, seed: 0, noiseScale: 0.3 }, 0.3),
    run({ estimator: { name: 'st' }, seed: 0 }, 0.41),
    run({ estimator: gr(1), seed: 0 }, 0.42),
    run({ estimator: gr(1), seed: 1 }, 0.421),
    run({ estimator: gr(0.3), seed: 0 }, 0.405),
    run({ estimator: rloo, seed: 0 }, 0.8),
    run({ estimator: rloo, seed: 1 }, 0.801),
    run({ estimator: rloo, seed: 0, lr: 3e-3 }, 0.7),
  ];

  it('selects the lowest seed-0 cross-entropy among finished candidates, lists the missing runs, keeps s apart', () => {
    const s = e5Selection(PROFILE, runs, 1);
    const [temperature, lr] = s.searches;
    assert.equal(temperature.estimator, 'grMck');
    assert.deepEqual(
      temperature.candidates.map((c) => [c.tau, c.trainLoss]),
      [
        [0.3, 0.405],
        [1, 0.42],
        [2, null],
      ],
      'in the order of τ',
    );
    assert.equal(temperature.winner?.tau, 0.3);
    assert.equal(temperature.complete, false, 'τ = 2 has not run: the winner may change');
    assert.equal(lr.winner?.lr, 3e-3);
    assert.equal(lr.complete, true);
    // the selected settings only: GR at τ = 0.3, RLOO at 3e-3; ZGR's s = 0.3 run is another experiment
    assert.deepEqual(
      s.results.map((r) => `${r.label} ${r.config.lr} s${r.config.seed}`),
      ['ZGR 0.001 s0', 'ZGR 0.001 s1', 'ST 0.001 s0', 'GR-MC10(τ=0.3) 0.001 s0', 'RLOO(M=2) 0.003 s0'],
    );
    assert.deepEqual(
      s.missing.map((c) => `${c.estimator.name} ${c.estimator.options?.tau ?? ''} s${c.seed}`),
      ['st  s1', 'grMck 2 s0'],
    );
    assert.deepEqual(
      e5Selection(PROFILE, runs, 0.3).results.map((r) => r.key),
      [runs[2].key],
    );
    assert.throws(() => e5Selection(PROFILE, runs, 0.5), /noise scale 0\.5 \(its scales: 1, 0\.3\)/);
  });

  it('the verdict is undecided while a search is unfinished or a selected setting has one seed', () => {
    const v = checkC7TrainingSelected(e5Selection(PROFILE, runs, 1), 'test');
    assert.equal(v.report, null);
    assert.match(
      v.undecided!,
      new RegExp(
        /undecided — GR-MC10\(τ=0\.3\) has 1 finished seed; RLOO\(M=2\) has 1 finished seed; /.source +
          /the grMck search has 1 of 3 settings not yet run/.source,
      ),
    );
    // τ = 2 run (worse), τ = 0.3 and RLOO 3e-3 given a second seed: decided by the C7 check
    const more = [
      ...runs,
      run({ estimator: gr(2), seed: 0 }, 0.5),
      run({ estimator: gr(0.3), seed: 1 }, 0.406),
      run({ estimator: rloo, seed: 1, lr: 3e-3 }, 0.701),
    ];
    // a searched setting earns further seeds by growing the profile (a later sitting)
    const grown: E5Profile = {
      ...PROFILE,
      estimators: PROFILE.estimators.map((e) => (e.seeds ? { ...e, seeds: [0, 1] } : e)),
    };
    assert.equal(
      checkC7TrainingSelected(e5Selection(PROFILE, more, 1), 'test').report,
      null,
      'runs outside the profile do not count',
    );
    const decided = checkC7TrainingSelected(e5Selection(grown, more, 1), 'test');
    assert.equal(decided.undecided, null);
    assert.equal(decided.report!.holds, true, decided.report!.summary);
    assert.match(decided.report!.summary, /ZGR − GR-MC10\(τ=0\.3\)/);
    assert.match(decided.report!.summary, /ZGR − RLOO\(M=2\)/);
  });

  it('table and figure: every candidate, the winner marked; GR against τ, ZGR and ST as levels, s in the title', () => {
    const s = e5Selection(PROFILE, runs, 1);
    const t = e5SearchTable(s);
    assert.match(t, /\| GR-MC10\(τ=0\.3\) \| 0\.001 \| 0\.4050 \| best so far \|/);
    assert.match(t, /\| GR-MC10\(τ=2\) \| 0\.001 \| not yet run \|/);
    assert.match(t, /\| RLOO\(M=2\) \| 0\.003 \| 0\.7000 \| \*\*selected\*\* \|/);
    const f = e5TemperatureFigure(s);
    assert.match(String((f.layout.title as { text: string }).text), /noise scale s = 1\b.*2 of 3 temperatures run/);
    const gr = f.data.find((d) => d.name === 'GR-MC10(τ), seed 0')!;
    assert.deepEqual(gr.x, [0.3, 1]);
    assert.deepEqual(gr.y, [0.405, 0.42]);
    const zgr = f.data.find((d) => d.name === 'ZGR, seed 0')!;
    assert.deepEqual(zgr.y, [0.4, 0.4]);
    assert.deepEqual(zgr.x, [0.3, 2]);
    assert.deepEqual(styleProblems(f), []);
    assert.throws(
      () => e5TemperatureFigure(e5Selection(PROFILE, runs, 0.3)),
      /no finished temperature search at s = 0\.3/,
    );
  });
});

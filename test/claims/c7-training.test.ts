/**
 * C7, training (lib/checks/c7-training.ts): the verdict on final train −ELBO over seeds — ZGR
 * shown to be at most δ worse than the best GR-MCK, and better than RLOO beyond the noise.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkC7Training, finalStats } from '../../lib/checks/c7-training';
import { normaliseConfig, type VaeRunResult } from '../../lib/experiments/e3-vae-training';

function run(name: string, seed: number, train: number, options?: Record<string, number>): VaeRunResult {
  const config = normaliseConfig({ C: 8, numLatents: 4, estimator: { name, options }, seed, epochs: 1 });
  return {
    key: `${name}-${JSON.stringify(options)}-${seed}`,
    label: `${name}${JSON.stringify(options ?? {})}`,
    config,
    done: true,
    weightsChecksum: '',
    resumes: 0,
    provenance: null as never,
    history: [{ epoch: 1, step: 600, trainNegElbo: train, testNegElbo: train + 1, wallTimeS: 60 }],
  };
}

const seeds = (name: string, values: number[], options?: Record<string, number>) =>
  values.map((v, s) => run(name, s, v, options));

describe('C7 training verdict', () => {
  it('holds when ZGR matches the best GR-MCK and beats RLOO beyond the noise', () => {
    const results = [
      ...seeds('zgr', [100, 100.4, 99.8]),
      ...seeds('grMck', [100.1, 99.9, 100.3], { tau: 0.5, K: 100 }),
      ...seeds('grMck', [104, 105, 103], { tau: 2, K: 100 }), // a worse temperature: not the one compared
      ...seeds('rloo', [108, 109, 108.5], { M: 2 }),
    ];
    const r = checkC7Training(results, '8x4');
    assert.equal(r.holds, true, r.summary);
    assert.equal(r.verdict, 'holds');
    assert.match(r.comparisons[0].text, /grMck\{"tau":0\.5/, 'the best temperature is the one compared');
    assert.equal(finalStats(results).length, 4);
  });

  it('fails when ZGR is worse than GR-MCK by more than δ', () => {
    const results = [
      ...seeds('zgr', [103, 103.2, 102.9]),
      ...seeds('grMck', [100, 100.1, 99.9], { tau: 0.5, K: 100 }),
      ...seeds('rloo', [110, 111, 110.5], { M: 2 }),
    ];
    const r = checkC7Training(results, '8x4');
    assert.equal(r.holds, false);
    assert.equal(r.verdict, 'fails', 'ZGR − GR-MCK ≈ 3 nats: its whole interval lies above δ = 1');
    assert.equal(r.comparisons[0].holds, false);
    assert.equal(r.comparisons[1].holds, true);
    assert.match(r.summary, /^C7 FAILS: /);
    assert.match(r.summary, /✗ ZGR − grMck.*lower bound .* > 1 too: shown beyond the noise/);
  });

  it('fails when RLOO is better beyond the noise', () => {
    const results = [
      ...seeds('zgr', [100, 100.2, 99.9]),
      ...seeds('grMck', [100, 100.1, 99.9], { tau: 0.5, K: 100 }),
      ...seeds('rloo', [98, 98.1, 97.9], { M: 2 }),
    ];
    const r = checkC7Training(results, '8x4');
    assert.deepEqual([r.comparisons.map((c) => c.holds), r.verdict], [[true, false], 'fails']);
  });

  it('is undecided, not a pass, when RLOO is not beaten beyond the noise (a 1-nat lead, 2-nat seed spread)', () => {
    const results = [
      ...seeds('zgr', [100, 102, 98]),
      ...seeds('grMck', [100, 101, 99], { tau: 0.5, K: 100 }),
      ...seeds('rloo', [101, 103, 99], { M: 2 }),
    ];
    const r = checkC7Training(results, '8x4');
    assert.equal(r.comparisons[1].holds, false);
    assert.equal(r.holds, false);
    assert.equal(r.verdict, 'undecided');
    assert.match(r.summary, /^C7 undecided: /);
    assert.match(r.summary, /\? ZGR − rloo.*is not ≥ 0: the seeds cannot tell/);
  });

  it('noisy seeds are not "as well as": an equal mean with a 2-nat seed spread is undecided, not a pass', () => {
    const results = [
      ...seeds('zgr', [100, 102, 98]),
      ...seeds('grMck', [100, 100.1, 99.9], { tau: 0.5, K: 100 }),
      ...seeds('rloo', [110, 111, 110.5], { M: 2 }),
    ];
    const r = checkC7Training(results, '8x4');
    assert.deepEqual([r.comparisons.map((c) => c.holds), r.verdict], [[false, true], 'undecided']);
  });

  it('says which estimator is missing, and refuses unfinished runs', () => {
    assert.throws(() => checkC7Training(seeds('zgr', [1, 2]), '8x4'), /no grMck setting with at least 2 seeds/);
    const unfinished = { ...run('zgr', 0, 1), done: false };
    assert.throws(() => finalStats([unfinished]), /has not finished/);
  });

  it(
    'at a horizon: the records of that epoch are compared, the ' +
      'report names it, and runs that have not reached it are refused',
    () => {
      // two epochs: at epoch 1 ZGR is far behind GR-MCK, at epoch 2 it has caught up
      const twoEpochs = (name: string, values: [number, number][], options?: Record<string, number>) =>
        values.map(([e1, e2], s) => {
          const r = run(name, s, e2, options);
          return {
            ...r,
            history: [
              { ...r.history[0], epoch: 1, trainNegElbo: e1 },
              { ...r.history[0], epoch: 2, trainNegElbo: e2 },
            ],
          };
        });
      const results = [
        ...twoEpochs('zgr', [
          [110, 100],
          [111, 100.2],
          [110.5, 99.9],
        ]),
        ...twoEpochs(
          'grMck',
          [
            [100, 100.1],
            [100.2, 100],
            [99.9, 100.2],
          ],
          { tau: 0.5, K: 100 },
        ),
        ...twoEpochs(
          'rloo',
          [
            [120, 110],
            [121, 110.5],
            [119, 109.5],
          ],
          { M: 2 },
        ),
      ];
      const early = checkC7Training(results, '8x4', undefined, undefined, 1);
      const late = checkC7Training(results, '8x4', undefined, undefined, 2);
      assert.equal(early.comparisons[0].holds, false, early.summary);
      assert.equal(late.holds, true, late.summary);
      assert.match(early.summary, /at epoch 1/);
      assert.match(late.summary, /at epoch 2/);
      assert.throws(() => checkC7Training(results, '8x4', undefined, undefined, 3), /has not reached epoch 3/);
    },
  );

  it('one seed per setting has no spread to test against: refused, naming the settings', () => {
    const results = [
      ...seeds('zgr', [100]),
      ...seeds('grMck', [100, 101], { tau: 0.5, K: 100 }),
      ...seeds('rloo', [110, 111], { M: 2 }),
    ];
    assert.throws(
      () => checkC7Training(results, '8x4'),
      /no zgr setting with at least 2 seeds among zgr\{\} \(1 seed\)/,
    );
  });
});

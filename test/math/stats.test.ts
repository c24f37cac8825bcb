/**
 * Sample statistics (lib/math/stats.ts): quantiles against tabulated values, Welch's difference
 * against its formula worked by hand, the sample sd with n − 1, and bad input refused by name.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mean, normalQuantile, sampleSd, studentQuantile, welch } from '../../lib/math/stats';
import { assertClose } from '../helpers';

describe('Sample statistics', () => {
  it('normal and Student t quantiles match tabulated values', () => {
    assertClose([normalQuantile(0.975), normalQuantile(0.5), normalQuantile(0.001)], [1.959964, 0, -3.090232], {
      atol: 1e-6,
      context: 'normal',
    });
    assertClose(
      [
        studentQuantile(0.975, 19),
        studentQuantile(0.975, 5),
        studentQuantile(0.95, 30),
        studentQuantile(0.975, 1),
        studentQuantile(0.975, 2),
      ],
      [2.093024, 2.570582, 1.697261, 12.706205, 4.302653],
      { atol: 1e-6, context: 't' },
    );
  });

  it('quantiles refuse q outside (0, 1) and fewer than 1 degree of freedom, by name', () => {
    assert.throws(() => normalQuantile(1), /normalQuantile: q must be in \(0, 1\), got 1/);
    assert.throws(() => studentQuantile(0.5, 0.5), /studentQuantile: degrees of freedom must be ≥ 1, got 0.5/);
  });

  it('mean and sample sd (n − 1): [1, 2, 3, 6] has mean 3 and sd √(14/3); one value has sd 0', () => {
    assert.equal(mean([1, 2, 3, 6]), 3);
    // deviations −2, −1, 0, 3: squares sum to 14, over n − 1 = 3
    assert.ok(Math.abs(sampleSd([1, 2, 3, 6]) - Math.sqrt(14 / 3)) < 1e-12, `sd ${sampleSd([1, 2, 3, 6])}`);
    assert.equal(sampleSd([5]), 0);
  });

  it('Welch difference, standard error and degrees of freedom', () => {
    // a: mean 2, sd 1, n 3; b: mean 0, sd 2, n 5 → se² = 1/3 + 4/5, df = se⁴ / ((1/3)²/2 + (4/5)²/4)
    const w = welch({ mean: 2, sd: 1, n: 3 }, { mean: 0, sd: 2, n: 5 });
    assert.equal(w.d, 2);
    assert.ok(Math.abs(w.se - Math.sqrt(1 / 3 + 4 / 5)) < 1e-12);
    assert.ok(Math.abs(w.df - (1 / 3 + 4 / 5) ** 2 / (1 / 9 / 2 + 16 / 25 / 4)) < 1e-12);
  });
});

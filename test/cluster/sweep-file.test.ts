/**
 * Sweep files and shards (lib/training/sweep-file.ts, process-pool.ts parseShard,
 * sweep-results.ts): a sweep file is read into normalised configurations with errors that name
 * the file and the entry; `--shard I/N` is checked; `--sweep-file` runs through train-vae like
 * `--sweep`; two folders are compared on the numbers that do not depend on where a run ran.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseShard, shard } from '../../lib/training/process-pool';
import { readSweepFile } from '../../lib/training/sweep-file';
import { compareSweepResults, runNumbers } from '../../lib/training/sweep-results';
import { normaliseConfig, runKey } from '../../lib/training/vae-config';
import type { VaeRunResult } from '../../lib/training/vae-task';
import { repoRoot } from '../../lib/results/paths';

const CLI = path.join(__dirname, '..', '..', 'scripts', 'train-vae.js');
const CI_SWEEP = path.join(repoRoot(), 'cluster', 'examples', 'ci-sweep.json');
const run = { C: 8, numLatents: 4, estimator: { name: 'zgr' }, seed: 0 };

function withFile(text: string, body: (file: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-sweep-file-'));
  try {
    const file = path.join(dir, 'sweep.json');
    fs.writeFileSync(file, text);
    body(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('sweep files', () => {
  it(
    'the CI sweep (cluster/examples/ci-sweep.json) is 8 runs of 1 epoch on 500 images: ZGR ' +
      'and ST × 4 seeds, 8×4; 4 shards take 2 runs each',
    () => {
      const configs = readSweepFile(CI_SWEEP);
      assert.equal(configs.length, 8);
      assert.ok(
        configs.every(
          (c) => c.epochs === 1 && c.trainSize === 500 && c.testSize === 200 && c.C === 8 && c.numLatents === 4,
        ),
      );
      assert.deepEqual([...new Set(configs.map((c) => c.estimator.name))], ['zgr', 'st']);
      assert.deepEqual(
        configs.map((c) => c.seed),
        [0, 1, 2, 3, 0, 1, 2, 3],
      );
      assert.deepEqual(
        configs[0],
        normaliseConfig({ ...run, epochs: 1, trainSize: 500, testSize: 200 }),
        "entries are normalised as a profile's runs are",
      );
      for (let i = 0; i < 4; i++) assert.equal(shard(configs, [i, 4]).length, 2);
    },
  );

  it(
    'a missing file, bad JSON, a non-array, a missing or unknown field, a bad value and a ' +
      'duplicate run are errors naming the file and the entry',
    () => {
      assert.throws(
        () => readSweepFile('/no/such/sweep.json'),
        /sweep file \/no\/such\/sweep\.json: cannot be read \(ENOENT\)/,
      );
      const cases: [string, RegExp][] = [
        ['[{"C": 8,', /: not JSON \(/],
        ['{"C": 8}', /expected a non-empty JSON array of run configurations, got object/],
        ['[]', /got an empty array/],
        ['[1]', /entry 0 must be an object, got 1/],
        [
          JSON.stringify([run, { C: 8, estimator: { name: 'zgr' }, seed: 1 }]),
          /entry 1 lacks numLatents \(required: C, numLatents, estimator, seed\)/,
        ],
        [JSON.stringify([{ ...run, epoch: 3 }]), /entry 0 has unknown field\(s\) epoch \(fields: /],
        [
          JSON.stringify([{ ...run, trainSize: 70_000 }]),
          /entry 0: VAE config: trainSize must be an integer in \[1, 60000\], got 70000/,
        ],
        [JSON.stringify([{ ...run, estimator: { name: 'nope' } }]), /entry 0: .*unknown estimator/],
        [
          JSON.stringify([run, { ...run, lr: 1e-3 }]),
          new RegExp(`entries 0 and 1 are the same run \\(${runKey(run)}\\)`),
        ],
      ];
      for (const [text, message] of cases) {
        withFile(text, (file) =>
          assert.throws(
            () => readSweepFile(file),
            (err: Error) => err.message.startsWith(`sweep file ${file}: `) && message.test(err.message),
            text,
          ),
        );
      }
    },
  );

  it('--shard I/N: "2/4" is [2, 4]; malformed or out-of-range shards are errors that quote them', () => {
    assert.deepEqual(parseShard('2/4'), [2, 4]);
    assert.deepEqual(parseShard('0/1'), [0, 1]);
    assert.throws(() => parseShard('4/4'), /--shard I\/N needs 0 ≤ I < N, got "4\/4"/);
    assert.throws(() => parseShard('0/0'), /needs 0 ≤ I < N, got "0\/0"/);
    assert.throws(() => parseShard('1-4'), /--shard must look like I\/N, got "1-4"/);
  });

  it(
    'train-vae --sweep-file: a missing file and --sweep-file with --sweep or --config are ' +
      'errors, before any training',
    () => {
      const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      const missing = cli('--sweep-file', '/no/such/sweep.json');
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /sweep file \/no\/such\/sweep\.json: cannot be read \(ENOENT\)/);
      assert.match(cli('--sweep-file', CI_SWEEP, '--sweep').stderr, /--sweep-file replaces --sweep and --profile/);
      assert.match(
        cli('--sweep-file', CI_SWEEP, '--config', '8x4').stderr,
        /--config and --only-estimator choose from a profile/,
      );
      assert.match(cli('--sweep-file', CI_SWEEP, '--shard', '4/4').stderr, /--shard I\/N needs 0 ≤ I < N/);
    },
  );
});

describe('comparing two folders of the same sweep', () => {
  const result = (seed: number, checksum: string, wallTimeS: number, test: number): VaeRunResult => ({
    key: runKey({ ...run, seed }),
    label: 'ZGR',
    config: normaliseConfig({ ...run, seed }),
    done: true,
    weightsChecksum: checksum,
    resumes: 0,
    history: [{ epoch: 1, step: 5, trainNegElbo: 500, testNegElbo: test, wallTimeS }],
    provenance: {
      commit: null,
      dirty: null,
      backend: 'wasm',
      seed,
      profile: 'quick',
      wallTimeS,
      node: process.version,
      date: new Date().toISOString(),
    },
  });

  it('wall times, resumes and provenance may differ; a checksum, an −ELBO or a missing run may not', () => {
    const a = [result(0, 'aaaa', 1.0, 470), result(1, 'bbbb', 1.0, 471)];
    const sameElsewhere = [{ ...result(0, 'aaaa', 9.5, 470), resumes: 2 }, result(1, 'bbbb', 3.0, 471)];
    assert.deepEqual(runNumbers(a[0]), runNumbers(sameElsewhere[0]));
    assert.deepEqual(compareSweepResults(a, sameElsewhere), []);
    const diffs = compareSweepResults(a, [result(0, 'cccc', 1.0, 470.5)], ['slurm', 'local']);
    assert.equal(diffs.length, 3, diffs.join('\n'));
    assert.match(diffs[0], /weights checksum slurm aaaa ≠ local cccc/);
    assert.match(diffs[1], /history differs/);
    assert.match(diffs[2], /-s1-[0-9a-f]{10}: only in slurm/);
  });
});

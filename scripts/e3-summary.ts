/**
 * The figures job of a sweep (cluster/slurm/figures.sbatch runs it after the array job): read
 * the sweep's runs from the shared results folder, check that every one has finished, and write
 *   <results-dir>/summary.json   one row per run (final −ELBOs, weights checksum, time, resumes)
 *   <results-dir>/summary.md     the final −ELBO table of notebook 06 (e3FinalTable)
 * and, with --figures DIR, the training curves of each configuration (notebook 06's figure,
 * exported through headless Chromium). With --compare DIR it also checks that the same runs
 * stored in DIR have the same numbers (per-epoch −ELBOs, weights checksum): how the cluster CI
 * holds a Slurm array's results equal to the same sweep run in one process.
 *
 *   node dist/scripts/e3-summary.js --sweep-file cluster/examples/ci-sweep.json --results-dir /shared/zgr
 *   node dist/scripts/e3-summary.js --profile paper --results-dir /shared/zgr --figures /shared/zgr/figures
 *
 * Exit status: 0; 1 when a run is missing or unfinished, or --compare finds a difference.
 */
import * as path from 'node:path';
import { e3Configs, e3Profile } from '../lib/experiments/e3-vae-training';
import { compareSweepResults, loadSweepResults, summariseRun } from '../lib/training/sweep-results';
import { readSweepFile } from '../lib/training/sweep-file';
import { closeExporter, exportFigure } from '../lib/plots/export';
import { e3CurvesFigure, e3FinalTable, e3Groups } from '../lib/plots/e3-figures';
import { PROFILES } from '../lib/results/profile';
import { provenance } from '../lib/results/provenance';
import { writeFileAtomic, writeJsonAtomic } from '../lib/results/write';
import { runCommand, UsageError, type OptionValues } from './cli';

const USAGE =
  `usage: e3-summary --results-dir DIR (--sweep-file FILE | --profile ` +
  `${PROFILES.join('|')}) [--figures DIR] [--compare DIR]
  --results-dir DIR   the folder the sweep's runs are in (every shard's)
  --sweep-file FILE   the sweep: a JSON array of run configurations (as npm run train -- --sweep-file)
  --profile P         the sweep: a profile's runs (as npm run train -- --sweep)
  --figures DIR       also export the training curves of each configuration into DIR (needs Chromium)
  --compare DIR       fail unless the same runs in DIR have the same numbers`;

const COMMAND = {
  name: 'e3-summary',
  usage: USAGE,
  options: {
    'results-dir': { type: 'string' },
    'sweep-file': { type: 'string' },
    profile: { type: 'string', choices: PROFILES },
    figures: { type: 'string' },
    compare: { type: 'string' },
  },
} as const;

async function main({ values }: { values: OptionValues<typeof COMMAND.options> }): Promise<number> {
  const resultsDir = values['results-dir'];
  if (resultsDir == null) throw new UsageError('--results-dir is required');
  if ((values['sweep-file'] == null) === (values.profile == null))
    throw new UsageError('give one of --sweep-file and --profile');
  const configs =
    values['sweep-file'] != null ? readSweepFile(values['sweep-file']) : e3Configs(e3Profile(values.profile!));

  const { finished, missing, unfinished } = loadSweepResults(configs, resultsDir);
  if (missing.length + unfinished.length > 0) {
    console.error(`${resultsDir}: ${finished.length} of ${configs.length} runs finished`);
    for (const k of missing) console.error(`  missing     ${k}`);
    for (const k of unfinished) console.error(`  unfinished  ${k}`);
    return 1;
  }
  const rows = finished.map(summariseRun);
  const table = e3FinalTable(finished);
  writeJsonAtomic(path.join(resultsDir, 'summary.json'), {
    runs: rows,
    provenance: provenance({ seed: null, backend: finished[0].provenance.backend }),
  });
  writeFileAtomic(path.join(resultsDir, 'summary.md'), table + '\n');
  console.log(table);
  console.log(
    `${rows.length} runs finished; ${rows.filter((r) => r.resumes > 0).length} resumed from a checkpoint; ` +
      `training time ${(rows.reduce((s, r) => s + r.wallTimeS, 0) / 3600).toFixed(3)} ` +
      `core-hours; summary in ${path.join(resultsDir, 'summary.json')}`,
  );

  if (values.figures != null) {
    try {
      for (const configuration of [...new Set(rows.map((r) => r.configuration))]) {
        const runs = finished.filter((r) => `${r.config.C}x${r.config.numLatents}` === configuration);
        for (const split of ['test', 'train'] as const) {
          const out = await exportFigure(e3CurvesFigure(runs, configuration, split), {
            notebook: 'e3-sweep',
            name: `${configuration}-${split}`,
            dir: values.figures,
            results: e3Groups(runs),
            provenance: provenance({ seed: null, backend: runs[0].provenance.backend }),
          });
          console.log(`figure ${out.paths.svg ?? out.paths.html}`);
        }
      }
    } finally {
      await closeExporter();
    }
  }

  if (values.compare != null) {
    const other = loadSweepResults(configs, values.compare);
    const diffs = compareSweepResults(finished, other.finished, [resultsDir, values.compare]);
    if (diffs.length > 0) {
      console.error(`results differ from ${values.compare}:\n  ${diffs.join('\n  ')}`);
      return 1;
    }
    console.log(
      `same numbers as ${values.compare}: ${finished.length} runs, per-epoch −ELBOs and weights checksums equal`,
    );
  }
  return 0;
}

runCommand(COMMAND, main);

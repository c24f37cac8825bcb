/**
 * A sweep's results read back from the one folder that all its shards wrote into (on one
 * machine, a Slurm array or a Kubernetes Indexed Job): which runs are finished, one summary row
 * per run, and a comparison with the same runs in another folder. Runs are keyed by their full
 * configuration and written atomically (checkpoint-store.ts), so the folder needs no merging:
 * reading it is the merge. The cluster CI (cluster/slurm/ci-test.sh) holds a Slurm array's
 * results equal to the same sweep run in one process with `compareSweepResults`.
 */
import { runKey, type VaeTrainingConfig } from './vae-config';
import { loadRunResult, type VaeRunResult } from './vae-task';

export interface SweepResults {
  /** the finished runs, in the order of the sweep */
  finished: VaeRunResult[];
  /** keys of runs with no result yet */
  missing: string[];
  /** keys of runs that have started but not finished ("key: epoch e of E") */
  unfinished: string[];
}

/** Every run of the sweep as stored in `resultsDir`, sorted into finished, unfinished and missing. */
export function loadSweepResults(configs: readonly VaeTrainingConfig[], resultsDir: string): SweepResults {
  const out: SweepResults = { finished: [], missing: [], unfinished: [] };
  for (const c of configs) {
    const r = loadRunResult(c, resultsDir);
    if (r == null) out.missing.push(runKey(c));
    else if (!r.done) out.unfinished.push(`${r.key}: epoch ${r.history.length} of ${c.epochs}`);
    else out.finished.push(r);
  }
  return out;
}

/**
 * The numbers of a run that do not depend on where, when, or in how many sessions it ran: the
 * per-epoch −ELBOs and steps, the weights' checksum, done. Wall times, resume counts and
 * provenance (host, date, commit) are left out.
 */
export function runNumbers(r: VaeRunResult) {
  return {
    history: r.history.map(({ wallTimeS: _, ...rest }) => rest),
    weightsChecksum: r.weightsChecksum,
    done: r.done,
  };
}

/** One line of a sweep's summary. */
export interface RunSummary {
  key: string;
  label: string;
  /** "8x4" */
  configuration: string;
  lr: number;
  optimizer: string;
  seed: number;
  epochs: number;
  /** −ELBO after the last epoch (nats per image) */
  trainNegElbo: number;
  testNegElbo: number;
  weightsChecksum: string;
  /** training time summed over sessions (s) */
  wallTimeS: number;
  resumes: number;
}

export function summariseRun(r: VaeRunResult): RunSummary {
  const last = r.history.at(-1)!;
  const c = r.config;
  return {
    key: r.key,
    label: r.label,
    configuration: `${c.C}x${c.numLatents}`,
    lr: c.lr,
    optimizer: c.optimizer,
    seed: c.seed,
    epochs: r.history.length,
    trainNegElbo: last.trainNegElbo,
    testNegElbo: last.testNegElbo,
    weightsChecksum: r.weightsChecksum,
    wallTimeS: last.wallTimeS,
    resumes: r.resumes,
  };
}

/**
 * Where two sets of results of the same sweep differ in their numbers (`runNumbers`): one line
 * per run that differs or is absent from one side; empty when they agree. Same seeds, same
 * backend → the same numbers, bit for bit, whichever machine or shard trained a run.
 */
export function compareSweepResults(
  a: readonly VaeRunResult[],
  b: readonly VaeRunResult[],
  names: [string, string] = ['a', 'b'],
): string[] {
  const byKey = (rs: readonly VaeRunResult[]) => new Map(rs.map((r) => [r.key, r]));
  const [ma, mb] = [byKey(a), byKey(b)];
  const lines: string[] = [];
  for (const key of new Set([...ma.keys(), ...mb.keys()])) {
    const [ra, rb] = [ma.get(key), mb.get(key)];
    if (ra == null || rb == null) {
      lines.push(`${key}: only in ${ra == null ? names[1] : names[0]}`);
      continue;
    }
    const [na, nb] = [runNumbers(ra), runNumbers(rb)];
    if (na.weightsChecksum !== nb.weightsChecksum)
      lines.push(`${key}: weights checksum ${names[0]} ${na.weightsChecksum} ≠ ${names[1]} ${nb.weightsChecksum}`);
    if (JSON.stringify(na.history) !== JSON.stringify(nb.history)) {
      lines.push(
        `${key}: history differs\n    ${names[0]} ${JSON.stringify(na.history)}\n` +
          `    ${names[1]} ${JSON.stringify(nb.history)}`,
      );
    }
  }
  return lines;
}

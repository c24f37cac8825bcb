/**
 * A profile's runs, for any task (E3's VAE, E5's quantised net): where they are kept, running
 * them as one sweep, and loading what is stored. An experiment gives its task, how a profile is
 * found by name and how a profile expands into run configurations; the rest is here, once.
 */
import * as path from 'node:path';
import { repoRoot } from '../results/paths';
import { profileName, type ProfileName } from '../results/profile';
import { shard } from './process-pool';
import { runTaskSweep, type SweepOptions } from './sweep';
import { taskByName, type TaskInput, type TaskName, type TaskResult } from './tasks';
import { loadResult } from './training-run';

/** What every profile of runs holds: the folder of its committed runs (relative to the repository root), if any. */
export interface RunsProfile {
  resultsDir?: string;
}

/** An experiment's profiles of runs: the task they train, a profile by name, and a profile's runs. */
export interface ProfileRuns<T extends TaskName, P extends RunsProfile, C extends TaskInput<T>> {
  task: T;
  profile(name?: ProfileName): P;
  configs(profile: P): C[];
}

/**
 * Options of runProfile: the sweep's, the profile (by name or given), a shard [i, n] and a filter of
 * configurations.
 */
export type RunProfileOptions<P, C> = SweepOptions & {
  profile?: ProfileName | P;
  shard?: [number, number];
  only?: (c: C) => boolean;
};

const resolve = <P extends RunsProfile>(
  runs: { profile(name?: ProfileName): P },
  profile: ProfileName | P | undefined,
): P => (typeof profile === 'object' ? profile : runs.profile(profile));

/** Where a profile's runs are kept: its own folder under the repository (committed results), else the task's cache. */
export function profileRunsDir<T extends TaskName, P extends RunsProfile, C extends TaskInput<T>>(
  runs: ProfileRuns<T, P, C>,
  profile: P,
): string {
  return profile.resultsDir != null
    ? path.join(repoRoot(), profile.resultsDir)
    : taskByName(runs.task).defaultResultsDir();
}

/**
 * Run (or resume, or load) every configuration of a profile in parallel processes and return the
 * results. `shard: [i, n]` runs only every n-th configuration starting at i (for spreading a
 * profile over machines); `only` filters configurations.
 */
export function runProfile<T extends TaskName, P extends RunsProfile, C extends TaskInput<T>>(
  runs: ProfileRuns<T, P, C>,
  options: RunProfileOptions<P, C> = {},
): Promise<TaskResult<T>[]> {
  const profile = resolve(runs, options.profile);
  let configs = runs.configs(profile);
  if (options.only) configs = configs.filter(options.only);
  if (options.shard) configs = shard(configs, options.shard);
  return runTaskSweep(runs.task, configs, {
    ...options,
    resultsDir: options.resultsDir ?? profileRunsDir(runs, profile),
  });
}

/** The results already stored for a profile (finished or not), without running anything. */
export function loadProfileResults<T extends TaskName, P extends RunsProfile, C extends TaskInput<T>>(
  runs: ProfileRuns<T, P, C>,
  profile: ProfileName | P = profileName(),
  resultsDir?: string,
): TaskResult<T>[] {
  const p = resolve(runs, profile);
  const dir = resultsDir ?? profileRunsDir(runs, p);
  const task = taskByName(runs.task);
  return runs
    .configs(p)
    .map((c) => loadResult(task, c, dir) as TaskResult<T> | null)
    .filter((r): r is TaskResult<T> => r != null);
}

/**
 * The results of a profile when every one of its runs has finished (e.g. a committed profile), else
 * null: a notebook renders them instead of training.
 */
export function finishedProfileResults<T extends TaskName, P extends RunsProfile, C extends TaskInput<T>>(
  runs: ProfileRuns<T, P, C>,
  profile: ProfileName | P,
  resultsDir?: string,
): TaskResult<T>[] | null {
  const p = resolve(runs, profile);
  const results = loadProfileResults(runs, p, resultsDir);
  return results.length === runs.configs(p).length && results.every((r) => r.done) ? results : null;
}

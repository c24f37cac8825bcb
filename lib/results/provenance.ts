/**
 * The provenance record stored beside every result and figure: which code (git commit), which
 * backend, seed and profile produced it, how long it took, on which Node, when. Missing pieces
 * (no git, no tfjs backend initialised) are recorded as null, never guessed.
 */
import { execFileSync } from 'node:child_process';
import { backendInfo } from '../backend';
import { repoRoot } from './paths';
import { profileName, type ProfileName } from './profile';

export interface Provenance {
  /** git commit (HEAD) of the code; env ZGR_COMMIT where git or .git is absent; else null */
  commit: string | null;
  /** whether lib/, scripts/ or the package files differ from that commit; null when unknown */
  dirty: boolean | null;
  /** the tfjs backend (`initBackend`); null when none was initialised (float64-only work) */
  backend: string | null;
  /** the seed of the random stream; null for work that draws nothing */
  seed: number | null;
  /** quick | paper (env ZGR_PROFILE) */
  profile: ProfileName;
  /** wall time of the work in seconds; null when not measured */
  wallTimeS: number | null;
  /** process.version */
  node: string;
  /** when the record was made, ISO 8601 UTC */
  date: string;
}

/** The files whose changes make a result "dirty" (outputs such as figures/ do not). */
const CODE_PATHS = ['lib', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json'];

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: repoRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    }).trim();
  } catch {
    return null; // no git, not a checkout, or a timeout: tolerated, recorded as unknown
  }
}

/** HEAD's commit hash, or env ZGR_COMMIT, or null. */
export function gitCommit(): string | null {
  const head = git(['rev-parse', 'HEAD']);
  if (head != null && /^[0-9a-f]{40}$/.test(head)) return head;
  return process.env.ZGR_COMMIT || null;
}

/** Whether the code differs from HEAD (tracked files only); null without git. */
export function gitDirty(): boolean | null {
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', ...CODE_PATHS]);
  return status == null ? null : status !== '';
}

function backendName(): string | null {
  try {
    return backendInfo().name;
  } catch {
    return null; // no backend initialised
  }
}

/** A provenance record now. `profile` and `backend` default to the process's own. */
export function provenance(options: {
  seed: number | null;
  wallTimeS?: number | null;
  profile?: ProfileName;
  backend?: string | null;
}): Provenance {
  const { seed, wallTimeS = null } = options;
  if (seed !== null && !Number.isSafeInteger(seed))
    throw new Error(`provenance: seed must be an integer or null, got ${seed}`);
  if (wallTimeS !== null && !(Number.isFinite(wallTimeS) && wallTimeS >= 0)) {
    throw new Error(`provenance: wallTimeS must be a finite number >= 0 or null, got ${wallTimeS}`);
  }
  const commit = gitCommit();
  return {
    commit,
    dirty: commit == null ? null : gitDirty(),
    backend: options.backend !== undefined ? options.backend : backendName(),
    seed,
    profile: options.profile ?? profileName(),
    wallTimeS,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Where a figure goes and what it records: the options `exportFigure` / `showFigure` take. */
export interface FigureTarget {
  notebook: string;
  name: string;
  provenance: Provenance;
}

/** One notebook's (or script's) run: its seed and profile, and the clock for wall times. */
export interface Run {
  notebook: string;
  seed: number | null;
  profile: ProfileName;
  /** Date.now() at the start */
  startedAt: number;
  /** seconds since the start */
  elapsedS(): number;
  /** a provenance record with the wall time so far */
  provenance(): Provenance;
  /** target and provenance of the figure `name` of this run, for exportFigure / showFigure */
  figure(name: string): FigureTarget;
  /** backend, seed, profile, commit and node, one per line: what an environment cell prints */
  describe(): string;
}

/**
 * Start the clock of a run. Call it after `initBackend()` so that the backend is recorded; the
 * profile is read (and checked) now, so a bad ZGR_PROFILE fails the first cell.
 */
export function startRun(options: { notebook: string; seed: number | null }): Run {
  const profile = profileName();
  const startedAt = Date.now();
  const elapsedS = () => (Date.now() - startedAt) / 1000;
  const run: Run = {
    notebook: options.notebook,
    seed: options.seed,
    profile,
    startedAt,
    elapsedS,
    provenance: () => provenance({ seed: options.seed, wallTimeS: elapsedS(), profile }),
    figure: (name) => ({ notebook: options.notebook, name, provenance: run.provenance() }),
    describe: () => describeProvenance(provenance({ seed: options.seed, profile })),
  };
  return run;
}

/** A provenance record as aligned "key  value" lines. */
export function describeProvenance(p: Provenance): string {
  const commit =
    p.commit == null
      ? 'unknown (no git, ZGR_COMMIT unset)'
      : p.commit.slice(0, 12) + (p.dirty ? ' + uncommitted changes in lib/, scripts/ or package files' : '');
  const rows: [string, string][] = [
    ['backend', p.backend ?? 'none initialised'],
    ['seed', p.seed == null ? 'none' : String(p.seed)],
    ['profile', p.profile],
    ['commit', commit],
    ['node', p.node],
  ];
  return rows.map(([k, v]) => `${k.padEnd(8)} ${v}`).join('\n');
}

/**
 * Where the project's outputs go, resolved from the repository root (the folder whose
 * package.json is zgr-companion's), never from the current directory: a notebook kernel runs in
 * notebooks/, a script from anywhere, and both must write to the same figures/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'zgr-companion';
let root: string | undefined;

/** The repository root: the nearest ancestor of this file with zgr-companion's package.json. */
export function repoRoot(): string {
  if (root != null) return root;
  // this file is lib/results/paths.ts, or dist/lib/results/paths.js once compiled
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && readName(pkg) === PACKAGE_NAME) return (root = dir);
    if (path.dirname(dir) === dir)
      throw new Error(`repoRoot: no package.json named ${PACKAGE_NAME} above ${__dirname}`);
  }
}

function readName(pkg: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** figures/ at the repository root: `<notebook-slug>-<name>.{svg,png,html,json}`. */
export function figuresDir(): string {
  return path.join(repoRoot(), 'figures');
}

/**
 * The caches of runs and measurements (git-ignored), each named after what fills it; the old
 * variable that pointed at each one directly, honoured as a deprecated alias.
 */
const CACHES = {
  'e3-vae-training': 'ZGR_E3_RESULTS_DIR',
  'e4-gradient-quality': 'ZGR_E4_RESULTS_DIR',
  'e5-quantised-network': 'ZGR_E5_RESULTS_DIR',
  'e5-gradient-quality': 'ZGR_E5_QUALITY_DIR',
} as const;

export type CacheName = keyof typeof CACHES;

/**
 * The variable that points at one cache: ZGR_CACHE_ and the name in capitals, `-` as `_`
 * (ZGR_CACHE_E3_VAE_TRAINING).
 */
export const cacheVariable = (name: CacheName): string => `ZGR_CACHE_${name.toUpperCase().replace(/-/g, '_')}`;

/**
 * The one place that decides where a cache lies: $ZGR_CACHE_<NAME> (that cache alone, e.g. a
 * shared volume of a cluster's runs), else $ZGR_CACHE_DIR/<name> (every cache under one folder),
 * else .cache/<name> at the repository root.
 */
export function cacheDir(name: CacheName, env: NodeJS.ProcessEnv = process.env): string {
  if (!Object.prototype.hasOwnProperty.call(CACHES, name))
    throw new Error(`cacheDir: name must be one of ${Object.keys(CACHES).join(', ')}, got ${JSON.stringify(name)}`);
  const own = env[cacheVariable(name)] || env[CACHES[name]];
  if (own) return own;
  return path.join(env.ZGR_CACHE_DIR || path.join(repoRoot(), '.cache'), name);
}

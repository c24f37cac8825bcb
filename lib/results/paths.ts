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
    if (path.dirname(dir) === dir) throw new Error(`repoRoot: no package.json named ${PACKAGE_NAME} above ${__dirname}`);
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

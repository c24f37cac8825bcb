/**
 * Where a data set's files are: a folder named by an environment variable, else one inside the npm
 * package that ships them.
 */
import * as path from 'node:path';

/**
 * The env variable's folder when set, else `<package root>/<...inside>`; an error with `hint` when the
 * package is not installed.
 */
export function packageDataDir(envVar: string, pkg: string, inside: readonly string[], hint: string): string {
  if (process.env[envVar]) return process.env[envVar]!;
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`package ${pkg} is not installed; ${hint}`);
  }
  return path.join(path.dirname(manifest), ...inside);
}

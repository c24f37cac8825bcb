/**
 * `npm ci` is quiet and honest: no package in the lock file declares a Node the project does not
 * run on (npm's EBADENGINE warning), and every package with an install script is approved or
 * denied in package.json's allowScripts (npm 11 warns about the others, and skips their scripts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { repoRoot } from '../lib/results/paths';

interface LockEntry {
  version?: string;
  engines?: Record<string, string> | string[];
  hasInstallScript?: boolean;
  optional?: boolean;
}
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(repoRoot(), file), 'utf8')) as T;
const pkg = readJson<{ engines: { node: string }; allowScripts?: Record<string, boolean> }>('package.json');
const lock = readJson<{ packages: Record<string, LockEntry> }>('package-lock.json');
/** "node_modules/a/node_modules/@s/b" → "@s/b"; workspace entries ("packages/x") are the project's own */
const installed = Object.entries(lock.packages)
  .filter(([where]) => where.includes('node_modules/'))
  .map(([where, entry]) => ({ name: where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length), entry }));

describe('install: npm ci without warnings', () => {
  it(`every package admits the oldest Node of package.json's engines (${pkg.engines.node}): no EBADENGINE`, () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refusing = installed
      .filter(
        ({ entry }) =>
          !Array.isArray(entry.engines) && entry.engines?.node != null && !semver.satisfies(oldest, entry.engines.node),
      )
      .map(
        ({ name, entry }) => `${name}@${entry.version} wants node ${(entry.engines as Record<string, string>).node}`,
      );
    assert.deepEqual(refusing, [], `packages that refuse Node ${oldest}`);
  });

  it('every package with an install script is approved or denied in allowScripts, and every entry names one', () => {
    const allow = pkg.allowScripts ?? {};
    const withScripts = [
      ...new Set(installed.filter(({ entry }) => entry.hasInstallScript).map(({ name }) => name)),
    ].sort();
    assert.deepEqual(
      withScripts.filter((name) => !(name in allow)),
      [],
      'install scripts npm 11 would warn about (add them to allowScripts)',
    );
    assert.deepEqual(
      Object.keys(allow).filter((name) => !withScripts.includes(name)),
      [],
      'allowScripts entries for packages without install scripts',
    );
  });
});

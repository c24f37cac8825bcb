/**
 * Source lines fit 120 columns (issue 21): Prettier wraps code at printWidth 120, but it never
 * breaks a long string literal or comment, so this test holds the limit over the files that
 * `npm run format` covers. Lengths are counted in code points, as an editor counts columns.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const MAX_LINE = 120;

/** The folders searched and, per folder, whether below it too and the file endings: `npm run format`'s globs. */
const SOURCES: readonly { dir: string; recursive: boolean; endings: readonly string[] }[] = [
  { dir: 'lib', recursive: true, endings: ['.ts'] },
  { dir: 'scripts', recursive: true, endings: ['.ts', '.mjs'] },
  { dir: 'test', recursive: true, endings: ['.ts'] },
  { dir: 'site/src', recursive: true, endings: ['.ts'] },
  { dir: 'packages/estimators', recursive: false, endings: ['.mjs'] },
];

/** The source files, relative to the repository root, sorted; hidden folders are skipped as a shell glob skips them. */
function sourceFiles(): string[] {
  const files: string[] = [];
  for (const { dir, recursive, endings } of SOURCES) {
    const names = fs.readdirSync(path.join(root, dir), { recursive }) as string[];
    for (const name of names) {
      const file = path.join(dir, name);
      const hidden = name.split(path.sep).some((part) => part.startsWith('.'));
      if (hidden || !endings.some((e) => name.endsWith(e))) continue;
      if (fs.statSync(path.join(root, file)).isFile()) files.push(file.split(path.sep).join('/'));
    }
  }
  return files.sort();
}

/** Every line longer than MAX_LINE code points, as "file:line: length". */
function longLines(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const length = [...line].length;
      if (length > MAX_LINE) found.push(`${file}:${i + 1}: ${length}`);
    });
  }
  return found;
}

describe('source format (issue 21)', () => {
  it('Prettier wraps at printWidth 120 (.prettierrc.json)', () => {
    const config = JSON.parse(fs.readFileSync(path.join(root, '.prettierrc.json'), 'utf8'));
    assert.equal(config.printWidth, MAX_LINE, `.prettierrc.json printWidth: ${config.printWidth}`);
  });

  it('every line of lib, scripts, test, site/src and packages/estimators is at most 120 characters', () => {
    const files = sourceFiles();
    assert.ok(
      files.includes('lib/index.ts') && files.includes('test/format.test.ts'),
      `the search found ${files.length} files`,
    );
    const found = longLines(files);
    assert.deepEqual(
      found.slice(0, 20),
      [],
      `${found.length} lines over ${MAX_LINE} characters (the first 20 shown):\n${found.slice(0, 20).join('\n')}`,
    );
  });
});

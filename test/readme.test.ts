/**
 * The README's examples are the files in examples/, verbatim, and running them prints exactly the
 * output written in their closing comment — so the docs cannot drift from the code.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README examples', () => {
  const marked = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)];

  it('the README shows at least the two examples', () => assert.ok(marked.length >= 2, `found ${marked.length}`));

  it("the package example equals the block of packages/estimators/README.md that scripts/package-check.sh runs", () => {
    const ours = /<!-- package example[^>]*-->\n```js\n([\s\S]*?)\n```/.exec(readme);
    const pkg = /<!-- example:esm[^>]*-->\n```js\n([\s\S]*?)\n```/.exec(fs.readFileSync(path.join(root, 'packages', 'estimators', 'README.md'), 'utf8'));
    assert.ok(ours != null && pkg != null, 'both READMEs mark the example');
    assert.equal(ours![1], pkg![1]);
  });

  for (const [, file, code] of marked) {
    it(`${file}: the README block equals the file, and its output equals the comment`, () => {
      const source = fs.readFileSync(path.join(root, file), 'utf8').replace(/\n+$/, '');
      assert.equal(code, source, `README block for ${file} differs from the file`);
      const expected = source.split('// Output:\n')[1].split('\n').map((l) => l.replace(/^\/\/ ?/, '')).join('\n');
      const js = path.join(root, 'dist', file.replace(/\.ts$/, '.js'));
      const out = execFileSync(process.execPath, [js], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
      assert.equal(out.trim(), expected.trim());
    });
  }
});

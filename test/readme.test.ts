/**
 * The README's examples are the files in examples/, verbatim, and running them prints exactly the
 * output written in their closing comment — so the docs cannot drift from the code.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jupyterDir } from '../scripts/jupyter';

const root = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README examples', () => {
  const marked = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)];

  it('the README shows at least the two examples', () => assert.ok(marked.length >= 2, `found ${marked.length}`));

  it('the package example equals the block of packages/estimators/README.md that scripts/package-check.sh runs', () => {
    const ours = /<!-- package example[^>]*-->\n```js\n([\s\S]*?)\n```/.exec(readme);
    const pkg = /<!-- example:esm[^>]*-->\n```js\n([\s\S]*?)\n```/.exec(
      fs.readFileSync(path.join(root, 'packages', 'estimators', 'README.md'), 'utf8'),
    );
    assert.ok(ours != null && pkg != null, 'both READMEs mark the example');
    assert.equal(ours![1], pkg![1]);
  });

  for (const [, file, code] of marked) {
    it(`${file}: the README block equals the file, and its output equals the comment`, () => {
      const source = fs.readFileSync(path.join(root, file), 'utf8').replace(/\n+$/, '');
      assert.equal(code, source, `README block for ${file} differs from the file`);
      const expected = source
        .split('// Output:\n')[1]
        .split('\n')
        .map((l) => l.replace(/^\/\/ ?/, ''))
        .join('\n');
      const js = path.join(root, 'dist', file.replace(/\.ts$/, '.js'));
      const out = execFileSync(process.execPath, [js], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
      assert.equal(out.trim(), expected.trim());
    });
  }
});

describe('README Quick start: the main job on the first screen, in step with package.json', () => {
  const start = readme.indexOf('## Quick start\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const firstLine = (text: string) => readme.slice(0, readme.indexOf(text)).split('\n').length;
  /** the command lines of the section's sh blocks, comments dropped */
  const commands = [...section.matchAll(/```sh\n([\s\S]*?)\n```/g)]
    .flatMap((m) => m[1].split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const entrypoint = fs.readFileSync(path.join(root, 'docker', 'entrypoint.sh'), 'utf8');

  it(
    'the main job comes first: reproduce (all, one), the kernel for your Jupyter, Docker ' +
      'figures and lab, within the first 60 lines',
    () => {
      assert.ok(start >= 0, 'a ## Quick start section');
      for (const wanted of [
        /^npm run reproduce$/,
        /^npm run reproduce -- \d\d$/,
        /^npm run kernelspec$/,
        /^export JUPYTER_PATH=/,
        /^jupyter lab notebooks\/$/,
        /docker run .* figures$/,
        /docker run .* lab$/,
        /^npm test$/,
      ]) {
        const line = commands.find((c) => wanted.test(c));
        assert.ok(line != null, `Quick start runs ${wanted}; its commands:\n${commands.join('\n')}`);
        assert.ok(firstLine(line) <= 60, `${line} is on line ${firstLine(line)} of the README`);
      }
    },
  );

  it("every npm command is a script of package.json or one of npm's own (ci, test, pack, install)", () => {
    const npm = commands
      .flatMap((l) => l.split('&&'))
      .map((c) => c.trim())
      .filter((c) => c.startsWith('npm '));
    assert.ok(npm.length >= 5, `found ${npm.join('; ')}`);
    for (const c of npm) {
      const run = /^npm run ([\w:-]+)/.exec(c);
      if (run)
        assert.ok(
          run[1] in pkg.scripts,
          `${c}: no script ${run[1]} in package.json (scripts: ${Object.keys(pkg.scripts).join(', ')})`,
        );
      else assert.match(c, /^npm (ci|test|pack|install)\b/, `${c}: npm run SCRIPT or one of npm's own commands`);
    }
    assert.ok('test' in pkg.scripts);
  });

  it(
    'JUPYTER_PATH is the folder npm run kernelspec writes into; node runs compiled files ' +
      'that exist; docker runs commands the image has',
    () => {
      const exported = commands.find((c) => c.startsWith('export JUPYTER_PATH='))!;
      assert.equal(
        exported.replace(/^export JUPYTER_PATH="?\$PWD\//, '').replace(/"$/, ''),
        path.relative(root, jupyterDir(root)),
      );
      for (const c of commands.filter((l) => l.startsWith('node '))) {
        const source = c
          .split(' ')[1]
          .replace(/^dist\//, '')
          .replace(/\.js$/, '.ts');
        assert.ok(fs.existsSync(path.join(root, source)), `${c}: ${source} does not exist`);
      }
      for (const c of commands.filter((l) => l.includes('docker run'))) {
        const word = c.split(' ').at(-1)!;
        assert.match(
          entrypoint,
          new RegExp(`^  ${word}\\)`, 'm'),
          `${c}: the image's entrypoint has no command ${word}`,
        );
      }
    },
  );

  it('the times are stated once as measured, and the old "npm test in ~1 minute" is gone', () => {
    assert.doesNotMatch(readme, /~1 minute on 2 cores/);
    assert.match(section, /The times are from a 2-core/);
  });
});

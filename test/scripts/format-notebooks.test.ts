/**
 * The notebook cell formatter (scripts/format-notebooks.ts) on a small synthetic notebook in a
 * temp folder: --check fails on an unformatted cell and on a line longer than 120 characters,
 * the write mode formats the cell and changes nothing else (outputs, metadata, other cells,
 * nbformat's layout), and a formatted notebook passes the check byte for byte unchanged.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../../lib/results/paths';
import { parseNotebook, serializeNotebook, type Notebook } from '../../scripts/ipynb';
import { formatCell, formatNotebook, projectPrettierOptions } from '../../scripts/format-notebooks';

const SCRIPT = path.join(repoRoot(), 'dist', 'scripts', 'format-notebooks.js');

const UNFORMATTED = 'const x = {a:1,b:[1,2]}\nawait Promise.resolve(x)\nx';
const FORMATTED = 'const x = { a: 1, b: [1, 2] };\nawait Promise.resolve(x);\nx;';
/** a formatted line of 121 characters: Prettier does not break a comment */
const LONG = `// ${'a'.repeat(118)}`;

/** A notebook with a markdown cell, one code cell of `source` with an output, and a formatted code cell. */
function notebook(source: string): Notebook {
  return {
    cells: [
      { cell_type: 'markdown', id: 'm1', metadata: {}, source: '# A  title\nmarkdown   is not touched' },
      {
        cell_type: 'code',
        id: 'c1',
        metadata: { tags: ['keep'] },
        execution_count: 3,
        source,
        outputs: [{ output_type: 'stream', name: 'stdout', text: 'old output\n' }],
      },
      { cell_type: 'code', id: 'c2', metadata: {}, execution_count: 4, source: "const y = 'ok';", outputs: [] },
    ],
    metadata: { kernelspec: { name: 'tslab' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function run(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('format-notebooks: Prettier on the code cells of notebooks', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-format-notebooks-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, nb: Notebook) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, serializeNotebook(nb));
    return file;
  };

  it("formatCell: the project's style (quotes, semicolons, width 120); top-level await; no final newline", async () => {
    const options = await projectPrettierOptions();
    assert.equal(options.printWidth, 120);
    assert.equal(await formatCell(UNFORMATTED, options), FORMATTED);
    assert.equal(await formatCell('const s = "a"', options), "const s = 'a';");
    assert.equal(await formatCell('', options), '');
  });

  it('--check fails on an unformatted cell, naming the notebook and the cell, and changes nothing', () => {
    const file = write('unformatted.ipynb', notebook(UNFORMATTED));
    const before = fs.readFileSync(file, 'utf8');
    const r = run('--check', file);
    assert.equal(r.status, 1, `exit ${r.status}\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /unformatted\.ipynb: cell 1 \(id c1\) not formatted/);
    assert.match(r.stderr, /1 not formatted, 0 code-cell line\(s\) longer than 120/);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
  });

  it('--check fails on a formatted line of 121 characters, naming cell and line; 120 pass', () => {
    assert.equal([...LONG].length, 121);
    const long = write('long.ipynb', notebook(`${FORMATTED}\n${LONG}`));
    const r = run('--check', long);
    assert.equal(r.status, 1, `exit ${r.status}\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /long\.ipynb: cell 1 \(id c1\), line 4: 121 characters \(> 120\)/);
    assert.doesNotMatch(r.stdout, /not formatted/);
    const fits = write('fits.ipynb', notebook(`${FORMATTED}\n${LONG.replace('a', '')}`));
    const ok = run('--check', fits);
    assert.equal(ok.status, 0, `exit ${ok.status}\n${ok.stdout}${ok.stderr}`);
  });

  it('the write mode formats the cell; outputs, metadata, the other cells and the layout are untouched', () => {
    const file = write('fix.ipynb', notebook(UNFORMATTED));
    const r = run(file);
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}${r.stderr}`);
    const text = fs.readFileSync(file, 'utf8');
    // exactly the notebook with the cell's source replaced, written as nbformat writes it
    assert.equal(text, serializeNotebook(notebook(FORMATTED)));
    const nb = parseNotebook(text);
    assert.deepEqual(nb.cells[1].outputs, [{ output_type: 'stream', name: 'stdout', text: 'old output\n' }]);
    assert.deepEqual(nb.cells[1].metadata, { tags: ['keep'] });
    assert.equal(nb.cells[1].execution_count, 3);
    assert.equal(nb.cells[0].source, '# A  title\nmarkdown   is not touched');
    // now formatted: the check passes and a second write changes no byte
    assert.equal(run('--check', file).status, 0);
    assert.equal(run(file).status, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  });

  it('formatNotebook returns a formatted notebook as the same text, and names a cell that does not parse', async () => {
    const options = await projectPrettierOptions();
    const text = serializeNotebook(notebook(FORMATTED));
    const same = await formatNotebook(text, options, 'same.ipynb');
    assert.deepEqual(same, { text, changed: [], longLines: [] });
    await assert.rejects(
      formatNotebook(serializeNotebook(notebook('const = 1')), options, 'bad.ipynb'),
      /^Error: bad\.ipynb: cell 1 \(id c1\): /,
    );
  });
});

/**
 * The Node-only notebook executor (scripts/tslab-executor.ts) and its .ipynb writer
 * (scripts/ipynb.ts): a fixture notebook (test/fixtures/tslab-executor.ipynb) runs through
 * tslab's own converter and executor, its outputs are those Jupyter's executor records, it stops
 * at the failing cell with tslab's message, and the saved file is what nbformat writes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../../lib/results/paths';
import {
  coalesceStreams,
  parseNotebook,
  pythonJson,
  pythonNumber,
  serializeNotebook,
  splitLines,
  type Cell,
  type Notebook,
  type Output,
} from '../../scripts/ipynb';
import { executeNotebook, type ExecutionResult } from '../../scripts/tslab-executor';

const FIXTURES = path.join(repoRoot(), 'test', 'fixtures');
const FIXTURE = path.join(FIXTURES, 'tslab-executor.ipynb');

const byId = (nb: Notebook, id: string): Cell => {
  const cell = nb.cells.find((c) => c.id === id);
  assert.ok(cell, `the fixture has a cell ${id}`);
  return cell;
};
const streams = (cell: Cell, name: string) =>
  (cell.outputs ?? [])
    .filter((o) => o.output_type === 'stream' && o.name === name)
    .map((o) => o.text)
    .join('');

/** A Python that can import nbformat (to check the saved file with Jupyter's own library), or null. */
function pythonWithNbformat(): string | null {
  for (const py of [process.env.ZGR_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p)) {
    try {
      execFileSync(py, ['-c', 'import nbformat'], { stdio: 'ignore', timeout: 30_000 });
      return py;
    } catch {
      // next
    }
  }
  return null;
}

describe('ipynb: notebooks written as nbformat writes them', () => {
  it("splitLines is Python's str.splitlines(True)", () => {
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('a\nb'), ['a\n', 'b']);
    assert.deepEqual(splitLines('a\r\nb\rc\n'), ['a\r\n', 'b\r', 'c\n']);
    assert.deepEqual(splitLines('a\u2028b\x0cc\x85'), ['a\u2028', 'b\x0c', 'c\x85']);
  });

  it("numbers are spelled as Python's json spells what it parsed", () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [42, '42'],
      [1e20, '100000000000000000000'],
      [1e21, '1e+21'],
      [0.5, '0.5'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [-1.5e-7, '-1.5e-07'],
      [1.2345678901234568e-300, '1.2345678901234568e-300'],
      [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [x, py] of cases) assert.equal(pythonNumber(x), py, `${x}`);
    assert.throws(() => pythonNumber(NaN), /cannot hold NaN/);
  });

  it('json: sorted keys (integer-like keys too), one-space indent, non-ASCII kept, empty containers inline', () => {
    assert.equal(
      pythonJson({ b: [], a: { '10': 1, '9': 'é' }, c: {} }),
      '{\n "a": {\n  "10": 1,\n  "9": "é"\n },\n "b": [],\n "c": {}\n}',
    );
  });

  it('coalesceStreams merges consecutive streams of one name and applies bare carriage returns', () => {
    const outs: Output[] = [
      { output_type: 'stream', name: 'stdout', text: 'a' },
      { output_type: 'stream', name: 'stdout', text: 'b\n10%\r50%\r100%\n' },
      { output_type: 'stream', name: 'stderr', text: 'e\n' },
      { output_type: 'stream', name: 'stdout', text: 'c\n' },
    ];
    assert.deepEqual(coalesceStreams(outs), [
      { output_type: 'stream', name: 'stdout', text: 'ab\n100%\n' },
      { output_type: 'stream', name: 'stderr', text: 'e\n' },
      { output_type: 'stream', name: 'stdout', text: 'c\n' },
    ]);
    assert.equal(outs[0].text, 'a', 'the input is not changed');
  });

  it('every executed notebook in notebooks/ reads and writes back byte for byte', () => {
    const dir = path.join(repoRoot(), 'notebooks');
    const executed = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ipynb'))
      .map((f) => ({ f, text: fs.readFileSync(path.join(dir, f), 'utf8') }))
      .filter(({ text }) => parseNotebook(text).cells.some((c) => (c.outputs ?? []).length > 0));
    assert.ok(executed.length > 0, 'no executed notebook in notebooks/');
    for (const { f, text } of executed)
      assert.ok(serializeNotebook(parseNotebook(text)) === text, `${f}: written back differently`);
  });
});

describe('tslab executor: the fixture notebook', () => {
  let result: ExecutionResult;
  let saved: string;
  let elapsed = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-tslab-executor-'));
  before(async () => {
    const t0 = Date.now();
    result = await executeNotebook(FIXTURE, { timeoutS: 60 });
    elapsed = Date.now() - t0;
    saved = path.join(dir, 'executed.ipynb');
    fs.writeFileSync(saved, serializeNotebook(result.notebook));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records stdout and stderr of a cell as streams, with In [1]', () => {
    const cell = byId(result.notebook, 'stdout');
    assert.equal(cell.execution_count, 1);
    assert.deepEqual(cell.outputs, [
      { output_type: 'stream', name: 'stdout', text: 'answer 42\n' },
      { output_type: 'stream', name: 'stderr', text: 'a line on stderr\n' },
    ]);
  });

  it("records tslab's display API as display_data bundles (HTML, markdown), one per call", () => {
    assert.deepEqual(byId(result.notebook, 'html').outputs, [
      { output_type: 'display_data', data: { 'text/html': '<b>bold</b> ünïcödé' }, metadata: {} },
      { output_type: 'display_data', data: { 'text/markdown': '| a |\n|---|\n| 1 |' }, metadata: {} },
    ]);
  });

  it('runs top-level await', () => {
    assert.equal(streams(byId(result.notebook, 'await'), 'stdout'), 'awaited 7\n');
  });

  it("merges a cell's writes to one stream, and prints its last expression as tslab does (stdout)", () => {
    assert.deepEqual(byId(result.notebook, 'value').outputs, [
      { output_type: 'stream', name: 'stdout', text: 'one stream\n43\n' },
    ]);
  });

  it('skips a blank cell and updates a display in place by its id', () => {
    const blank = byId(result.notebook, 'blank');
    assert.equal(blank.execution_count, null);
    assert.deepEqual(blank.outputs, []);
    const update = byId(result.notebook, 'update');
    assert.equal(update.execution_count, 5, 'counts go on over the blank cell');
    assert.deepEqual(update.outputs, [
      { output_type: 'display_data', data: { 'text/plain': 'updated' }, metadata: {} },
    ]);
  });

  it("stops at the failing cell with the cell, its count and tslab's message; later cells do not run", () => {
    const f = result.failure;
    assert.ok(f, 'the error cell fails the run');
    assert.equal(f.kind, 'error');
    assert.equal(f.cell, result.notebook.cells.indexOf(byId(result.notebook, 'error')));
    assert.equal(f.execution_count, 6);
    assert.match(f.source, /throw new Error/);
    assert.match(f.message, /Error: boom: the fixture fails here/);
    assert.match(
      streams(byId(result.notebook, 'error'), 'stderr'),
      /boom: the fixture fails here/,
      'the message is in the cell, as the kernel puts it',
    );
    const later = byId(result.notebook, 'after');
    assert.equal(later.execution_count, null);
    assert.deepEqual(later.outputs, []);
  });

  it(
    "saves nbformat 4 JSON: the kernel's language_info, sources " +
      'and texts as line lists, sorted keys, a final newline',
    () => {
      const text = fs.readFileSync(saved, 'utf8');
      assert.ok(text.endsWith('}\n'));
      const nb = JSON.parse(text) as {
        nbformat: number;
        nbformat_minor: number;
        metadata: Record<string, { name?: string }>;
        cells: Record<string, unknown>[];
      };
      assert.equal(nb.nbformat, 4);
      assert.equal(nb.nbformat_minor, 5);
      assert.equal(nb.metadata.kernelspec.name, 'tslab');
      assert.equal(nb.metadata.language_info.name, 'typescript');
      for (const cell of nb.cells) {
        assert.ok(Array.isArray(cell.source), 'source is a list of lines');
        assert.deepEqual(Object.keys(cell), [...Object.keys(cell)].sort(), 'keys are sorted');
        if (cell.cell_type !== 'code') continue;
        assert.ok('execution_count' in cell && Array.isArray(cell.outputs));
        for (const o of cell.outputs as Record<string, unknown>[]) {
          if (o.output_type === 'stream') assert.ok(Array.isArray(o.text));
          if (o.output_type === 'display_data')
            assert.ok(Object.values(o.data as object).every(Array.isArray), 'text/* values are line lists');
        }
      }
      assert.equal(
        serializeNotebook(parseNotebook(text)),
        text,
        'reading and writing the saved notebook changes nothing',
      );
      assert.ok(result.tslab === '1.0.22' || /^\d+\./.test(result.tslab), `tslab ${result.tslab}`);
      assert.ok(elapsed < 60_000, `the fixture took ${elapsed} ms`);
    },
  );

  const py = pythonWithNbformat();
  it(
    "is a valid notebook for Jupyter's nbformat, which writes it back byte for byte",
    { skip: py == null ? 'no Python with nbformat here (the Node-only checks above still ran)' : false },
    () => {
      const check =
        'import nbformat, sys\nnb = nbformat.read(sys.argv[1], as_version=4)\nnbformat.validate(nb)\ntext = ' +
        'open(sys.argv[1], encoding="utf-8").read()\nsys.exit(0 if nbformat.writes(nb) + "\\n" == text else 3)';
      execFileSync(py!, ['-c', check, saved], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    },
  );
});

describe('tslab executor: limits', () => {
  it('a cell that runs past the time limit fails as a time-out, and the kernel is stopped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-tslab-timeout-'));
    try {
      const nb = parseNotebook(fs.readFileSync(FIXTURE, 'utf8'));
      nb.cells = [
        {
          cell_type: 'code',
          id: 'hang',
          metadata: {},
          execution_count: null,
          outputs: [],
          source: 'console.log("waiting");\nawait new Promise<void>(() => undefined);',
        },
      ];
      const file = path.join(dir, 'hang.ipynb');
      fs.writeFileSync(file, serializeNotebook(nb));
      // cwd in the repository: tslab type-checks cells against the node_modules it finds from there
      const r = await executeNotebook(file, { cwd: FIXTURES, timeoutS: 2 });
      assert.equal(r.failure?.kind, 'timeout');
      assert.match(r.failure!.message, /longer than 2 s/);
      assert.equal(streams(r.notebook.cells[0], 'stdout'), 'waiting\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

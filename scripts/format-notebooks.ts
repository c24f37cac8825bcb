/**
 * Prettier for the notebooks' code cells: each code cell of notebooks/*.ipynb formatted as the
 * project's TypeScript is (Prettier's API, parser 'typescript', the project's .prettierrc.json;
 * tslab cells are modules, so top-level await parses), the notebook written back as nbformat
 * writes it (scripts/ipynb.ts: an untouched notebook keeps every byte). Only cell sources change:
 * outputs and metadata stay as they are, so a formatted notebook is re-executed to refresh them.
 *
 *   node dist/scripts/format-notebooks.js            format every notebook in place
 *   node dist/scripts/format-notebooks.js --check    list the cells that would change, exit 1
 *
 * Both modes list the lines of code cells longer than the configured printWidth (Prettier does
 * not break strings or comments; those are shortened by hand); --check fails on them too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';
import { repoRoot } from '../lib/results/paths';
import { runCommand } from './cli';
import { parseNotebook, serializeNotebook } from './ipynb';

const USAGE = `usage: format-notebooks [--check] [NOTEBOOK.ipynb ...]
  --check    change nothing: list the code cells Prettier would change and the lines longer than
             the printWidth, exit 1 when there is any
  NOTEBOOK   the notebooks (default: every notebooks/*.ipynb)`;

const COMMAND = {
  name: 'format-notebooks',
  usage: USAGE,
  options: { check: { type: 'boolean' } },
  positionals: true,
} as const;

/** A code cell: its index in the notebook (0-based) and its id, when it has one. */
export interface CellRef {
  cell: number;
  id?: string;
}

/** A code cell's line longer than the printWidth (after formatting). */
export interface LongLine extends CellRef {
  /** 1-based line number within the cell */
  line: number;
  length: number;
}

export interface NotebookFormat {
  /** the notebook with its code cells formatted, as nbformat writes it */
  text: string;
  /** the code cells whose source Prettier changes */
  changed: CellRef[];
  longLines: LongLine[];
}

/** The project's Prettier options (from its .prettierrc.json, wherever the notebook is). */
export async function projectPrettierOptions(): Promise<prettier.Options> {
  const config = path.join(repoRoot(), '.prettierrc.json');
  const options = await prettier.resolveConfig(config, { config });
  if (options == null) throw new Error(`no Prettier options in ${config}`);
  return options;
}

const cellName = (c: CellRef) => `cell ${c.cell}${c.id ? ` (id ${c.id})` : ''}`;

/** Length in characters (code points), as a reader counts them. */
const lineLength = (line: string) => [...line].length;

/** A code cell's source formatted: Prettier's output without its final newline (cells have none). */
export async function formatCell(source: string, options: prettier.Options): Promise<string> {
  if (source.trim() === '') return source;
  const formatted = await prettier.format(source, { ...options, parser: 'typescript' });
  return formatted.replace(/\n$/, '');
}

/** Format the code cells of .ipynb text; `where` names the notebook in a parse error. */
export async function formatNotebook(text: string, options: prettier.Options, where: string): Promise<NotebookFormat> {
  const nb = parseNotebook(text);
  const width = options.printWidth ?? 80;
  const changed: CellRef[] = [];
  const longLines: LongLine[] = [];
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    let formatted: string;
    try {
      formatted = await formatCell(cell.source, options);
    } catch (err) {
      const ref = cell.id ? { cell: i, id: cell.id } : { cell: i };
      throw new Error(`${where}: ${cellName(ref)}: ${(err as Error).message.split('\n')[0]}`);
    }
    const ref: CellRef = cell.id ? { cell: i, id: cell.id } : { cell: i };
    if (formatted !== cell.source) changed.push(ref);
    cell.source = formatted;
    formatted.split('\n').forEach((line, k) => {
      if (lineLength(line) > width) longLines.push({ ...ref, line: k + 1, length: lineLength(line) });
    });
  }
  return { text: changed.length > 0 ? serializeNotebook(nb) : text, changed, longLines };
}

async function main({ values, positionals }: { values: { check?: boolean }; positionals: string[] }): Promise<number> {
  const root = repoRoot();
  const dir = path.join(root, 'notebooks');
  const files =
    positionals.length > 0
      ? positionals
      : fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.ipynb'))
          .sort()
          .map((f) => path.join(dir, f));
  const options = await projectPrettierOptions();
  const width = options.printWidth ?? 80;
  let unformatted = 0;
  let long = 0;
  for (const file of files) {
    const relative = path.relative(process.cwd(), file);
    const name = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
    const text = fs.readFileSync(file, 'utf8');
    const result = await formatNotebook(text, options, name);
    if (result.changed.length > 0) {
      if (values.check) {
        unformatted++;
        console.log(`${name}: ${result.changed.map(cellName).join(', ')} not formatted`);
      } else {
        fs.writeFileSync(file, result.text);
        console.log(`${name}: formatted ${result.changed.length} code cell(s)`);
      }
    }
    for (const l of result.longLines)
      console.log(`${name}: ${cellName(l)}, line ${l.line}: ${l.length} characters (> ${width})`);
    long += result.longLines.length;
  }
  const summary =
    `${files.length} notebook(s): ${unformatted} not formatted, ` +
    `${long} code-cell line(s) longer than ${width} characters`;
  if (values.check && unformatted + long > 0) {
    console.error(
      `format-notebooks --check: ${summary} (npm run format:notebooks formats; long lines are shortened by hand)`,
    );
    return 1;
  }
  console.log(summary);
  return 0;
}

if (require.main === module) runCommand(COMMAND, main);

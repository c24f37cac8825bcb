/**
 * The layout rule (README "Where things go"), held over the import graph of lib/: every folder of
 * lib/ stands on a floor and imports only from lower floors (or from itself); checks/ and
 * experiments/ share a floor, so neither imports the other; and no files import each other in a
 * loop. Imports are read with TypeScript's own pre-processor (static, type-only, re-exports,
 * dynamic import() and require()), so the rule sees what the compiler sees. The README's floors
 * are checked against the table here, so the two cannot drift.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');

/** The floors, bottom up: a module is a folder of lib/ or a file directly in it. */
const FLOORS: Readonly<Record<string, number>> = {
  math: 1,
  'random.ts': 1,
  'backend.ts': 1, // shared math, the one seeded stream, the backend
  estimators: 2,
  data: 2,
  results: 2, // the estimators; datasets; where and how results are written
  exact: 3, // enumeration, exact moments and quality metrics
  models: 4, // the VAE, the quantised nets, optimisers; their exact forms
  training: 5, // the machinery that trains: runner, tasks, sweeps, progress
  checks: 6,
  experiments: 6, // checks judge measurements, experiments make them: neither imports the other
  plots: 7, // figure builders over results and verdicts
  package: 8, // the browser-safe entry of the package
  'index.ts': 9, // the public API, re-exports only
};

/** An import of one lib file by another, as paths relative to the repository root. */
interface Edge {
  from: string;
  to: string;
}

/** The module of a lib path: `lib/exact/moments.ts` → `exact`, `lib/random.ts` → `random.ts`. */
function moduleOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'lib' || parts.length < 2) throw new Error(`moduleOf: file must lie under lib/, got ${file}`);
  return parts[1];
}

/**
 * The lib files a source imports: relative specifiers resolved to `.ts` files or folder indexes;
 * packages are skipped.
 */
function importsOf(file: string, source: string, exists: (file: string) => boolean): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const candidates = [base, `${base}.ts`, `${base}/index.ts`];
      const found = candidates.find(exists);
      if (found == null)
        throw new Error(`importsOf: ${file} imports ${spec}, which is none of ${candidates.join(', ')}`);
      return found;
    });
}

/**
 * Imports that break the floors: to a higher or the same floor in another module, or from or to a
 * module not in the table.
 */
function floorViolations(edges: readonly Edge[], floors: Readonly<Record<string, number>>): string[] {
  return edges.flatMap(({ from, to }) => {
    const [a, b] = [moduleOf(from), moduleOf(to)];
    if (a === b) return [];
    if (floors[a] == null || floors[b] == null)
      return [`${from} -> ${to}: ${floors[a] == null ? a : b} is on no floor`];
    return floors[b] < floors[a] ? [] : [`${from} (floor ${floors[a]}) -> ${to} (floor ${floors[b]})`];
  });
}

/**
 * Files that import each other in a loop: the strongly connected components of more than one file, or
 * a file importing itself (Tarjan).
 */
function importCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Every import between lib's TypeScript files. */
function libEdges(): Edge[] {
  const files = (fs.readdirSync(path.join(root, 'lib'), { recursive: true }) as string[])
    .map((f) => `lib/${f.split(path.sep).join('/')}`)
    .filter((f) => f.endsWith('.ts'));
  const exists = (f: string) => fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile();
  return files.flatMap((from) =>
    importsOf(from, fs.readFileSync(path.join(root, from), 'utf8'), exists).map((to) => ({ from, to })),
  );
}

describe('Layout: lower floors never import upper ones; checks and experiments never import each other', () => {
  const edges = libEdges();

  it('lib/ has imports to check, and every module of lib/ stands on a floor', () => {
    assert.ok(edges.length > 100, `only ${edges.length} imports read`);
    const modules = new Set(edges.flatMap((e) => [moduleOf(e.from), moduleOf(e.to)]));
    assert.deepEqual(
      [...modules].filter((m) => FLOORS[m] == null),
      [],
    );
  });

  it('no import in lib/ runs to the same or a higher floor of another module', () => {
    assert.deepEqual(floorViolations(edges, FLOORS), []);
  });

  it('no files of lib/ import each other in a loop', () => {
    assert.deepEqual(importCycles(edges), []);
  });

  it('the README\'s floors ("Where things go") are this table', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /### Where things go[\s\S]*?```\n([\s\S]*?)```/.exec(readme);
    assert.ok(block != null, 'README has a "Where things go" section with a floors block');
    const written: Record<string, number> = {};
    for (const [, floor, rest] of block![1].matchAll(/^(\d+)\s+(.*)$/gm)) {
      for (const [, module] of rest.matchAll(/lib\/([\w.-]+)/g)) written[module] = Number(floor);
    }
    assert.deepEqual(written, FLOORS);
  });

  it('the checker reports a deliberately wrong import (so the tests above can fail)', () => {
    const wrong: Edge[] = [
      { from: 'lib/experiments/e9.ts', to: 'lib/checks/c9.ts' }, // same floor, other module
      { from: 'lib/exact/moments.ts', to: 'lib/models/vae.ts' }, // runs back up
      { from: 'lib/elsewhere/x.ts', to: 'lib/math/field.ts' }, // a folder on no floor
      { from: 'lib/checks/c1.ts', to: 'lib/checks/report.ts' }, // inside one module: fine
      { from: 'lib/plots/a.ts', to: 'lib/exact/moments.ts' }, // down: fine
    ];
    assert.deepEqual(floorViolations(wrong, FLOORS), [
      'lib/experiments/e9.ts (floor 6) -> lib/checks/c9.ts (floor 6)',
      'lib/exact/moments.ts (floor 3) -> lib/models/vae.ts (floor 4)',
      'lib/elsewhere/x.ts -> lib/math/field.ts: elsewhere is on no floor',
    ]);
  });

  it('the checker reports a loop of files, and reads every form of import', () => {
    const loop: Edge[] = [
      { from: 'lib/exact/a.ts', to: 'lib/exact/b.ts' },
      { from: 'lib/exact/b.ts', to: 'lib/exact/c.ts' },
      { from: 'lib/exact/c.ts', to: 'lib/exact/a.ts' },
      { from: 'lib/exact/c.ts', to: 'lib/math/d.ts' },
    ];
    assert.deepEqual(importCycles(loop), [['lib/exact/a.ts', 'lib/exact/b.ts', 'lib/exact/c.ts']]);
    const source = [
      "import * as tf from '@tensorflow/tfjs';",
      "import type { A } from './a';",
      "export { B } from '../math/b';",
      "export type { C } from '../data';",
      "const d = require('./d');",
      "const e = import('./e');",
    ].join('\n');
    const known = new Set(['lib/exact/a.ts', 'lib/math/b.ts', 'lib/data/index.ts', 'lib/exact/d.ts', 'lib/exact/e.ts']);
    assert.deepEqual(
      importsOf('lib/exact/x.ts', source, (f) => known.has(f)),
      ['lib/exact/a.ts', 'lib/math/b.ts', 'lib/data/index.ts', 'lib/exact/d.ts', 'lib/exact/e.ts'],
    );
  });
});

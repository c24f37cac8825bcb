/**
 * npm run reproduce [-- SELECTOR ...]: execute the notebooks (notebooks/NN-*.ipynb, in order)
 * with Jupyter's own executor (nbconvert + nbclient) and the project-local tslab kernel, and save
 * each executed notebook, with its outputs, in place. Figures are written by the notebooks.
 *
 *   SELECTOR   03 | 3 | 03-c1-zero-temperature-limit | c1        (default: every notebook)
 *   --list     list the notebooks and exit          --check   check the prerequisites and exit
 *   env ZGR_PROFILE=quick|paper (default quick), ZGR_CELL_TIMEOUT=seconds per cell,
 *       ZGR_PYTHON=python with nbconvert/nbclient/jupyter_client, ZGR_CHROMIUM=browser.
 *
 * A notebook that fails (a thrown error, a failed assertion, a type error, a rejected promise)
 * is not overwritten; the runner prints the notebook, the cell and tslab's message, carries on
 * with the next notebook, and exits non-zero at the end.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../lib/results/paths';
import { profileName, type ProfileName } from '../lib/results/profile';
import { writeFileAtomic } from '../lib/results/write';
import { KERNEL_NAME, checkPrerequisites, jupyterEnv, listNotebooks, selectNotebooks, writeKernelspec } from './jupyter';

/** Per-cell time limit (s): a quick-profile cell that runs 10 minutes is a bug; paper cells train. */
const CELL_TIMEOUT_S: Record<ProfileName, number> = { quick: 600, medium: 3 * 3600, paper: 48 * 3600 };
const EXECUTOR_MODULES = ['nbconvert', 'nbclient', 'jupyter_client'];

interface CellFailure {
  cell: number;
  execution_count: number | null;
  kind: 'error' | 'async';
  source: string;
  message: string;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function cellTimeout(profile: ProfileName): number {
  const env = process.env.ZGR_CELL_TIMEOUT;
  if (env == null || env === '') return CELL_TIMEOUT_S[profile];
  const n = Number(env);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`ZGR_CELL_TIMEOUT must be a positive integer (seconds), got ${JSON.stringify(env)}`);
  return n;
}

/** Run a command; resolves with its exit code and stderr (stdout is discarded). */
function run(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; onHeartbeat: () => void }): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const beat = setInterval(options.onHeartbeat, 60_000);
    // Ctrl-C reaches the child through the terminal's process group; just wait for it
    child.on('error', (err) => {
      clearInterval(beat);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearInterval(beat);
      resolve({ code: code ?? (signal ? 128 : 1), stderr });
    });
  });
}

/** The ZGR_CELL_ERROR lines printed by scripts/nbconvert-config.py. */
function cellFailures(stderr: string): CellFailure[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('ZGR_CELL_ERROR '))
    .map((l) => JSON.parse(l.slice('ZGR_CELL_ERROR '.length)) as CellFailure);
}

type Cell = { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: { output_type: string; name?: string; text?: string | string[] }[] };
const joinText = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));

/** Checks of the executed notebook that nbconvert does not make. */
function checkExecuted(file: string): string[] {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Cell[] };
  const problems: string[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    if (joinText(cell.source).trim() !== '' && cell.execution_count == null) problems.push(`cell ${i} was not executed`);
    const stderr = (cell.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => joinText(o.text)).join('');
    if (/UnhandledPromiseRejection:|UncaughtException:/.test(stderr)) problems.push(`cell ${i}: ${stderr.trim()}`);
  });
  return problems;
}

/** The failures recorded by scripts/kernel-preload.ts in the kernel. */
function asyncFailures(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const { kind, message } = JSON.parse(line) as { kind: string; message: string };
    return `an ${kind} in the kernel (it surfaced after its cell had ended, so no cell reported it):\n${indent(message)}`;
  });
}

function indent(text: string, prefix = '    '): string {
  return text.replace(/\s+$/, '').split('\n').map((l) => prefix + l).join('\n');
}

function describeFailure(notebook: string, f: CellFailure): string {
  const src = f.source.split('\n');
  const shown = src.length > 12 ? [...src.slice(0, 12), `… (${src.length - 12} more lines)`] : src;
  const what = f.kind === 'async' ? 'an unhandled promise rejection or uncaught exception, reported while running' : 'an error in';
  return [
    `  ${notebook}: ${what} cell ${f.cell}${f.execution_count != null ? ` (In [${f.execution_count}])` : ''}:`,
    indent(shown.join('\n'), '    | '),
    '  message:',
    indent(f.message),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const flags = argv.filter((a) => a.startsWith('--'));
  const selectors = argv.filter((a) => !a.startsWith('--'));
  const unknown = flags.filter((f) => !['--list', '--check', '--help'].includes(f));
  if (unknown.length > 0 || flags.includes('--help')) {
    console.error('usage: npm run reproduce [-- [--list|--check] [SELECTOR ...]]   (SELECTOR: 03, 3, c1, 03-c1-zero-temperature-limit)');
    return unknown.length > 0 ? 2 : 0;
  }
  const root = repoRoot();
  const profile = profileName(); // a bad ZGR_PROFILE is an error here, before anything runs
  const timeoutS = cellTimeout(profile);
  const all = listNotebooks(root);
  const chosen = selectNotebooks(all, selectors);
  if (flags.includes('--list')) {
    all.forEach((n) => console.log(n));
    return 0;
  }
  const pre = checkPrerequisites(root, EXECUTOR_MODULES);
  if ('missing' in pre) {
    console.error(pre.missing);
    return 3;
  }
  if (flags.includes('--check')) {
    console.log(`ok: ${pre.python} (${pre.versions}); chromium ${pre.chromium}; node ${process.version}`);
    return 0;
  }
  if (chosen.length === 0) {
    console.error('no notebooks found in notebooks/ (expected notebooks/NN-name.ipynb)');
    return 2;
  }
  const kernelspec = writeKernelspec(root);
  const env = jupyterEnv(root, { ZGR_PROFILE: profile });
  const config = path.join(root, 'scripts', 'nbconvert-config.py');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-reproduce-'));
  console.log(`reproduce: ${chosen.length} notebook(s), profile ${profile}, cell timeout ${timeoutS} s, ${pre.python} (${pre.versions}), kernel ${path.relative(root, kernelspec)}`);

  const failed: string[] = [];
  const t0 = Date.now();
  for (const [i, file] of chosen.entries()) {
    const name = file.replace(/\.ipynb$/, '');
    const tag = `[${i + 1}/${chosen.length}] ${name}`;
    const input = path.join(root, 'notebooks', file);
    const kernel = (JSON.parse(fs.readFileSync(input, 'utf8')) as { metadata?: { kernelspec?: { name?: string } } }).metadata?.kernelspec?.name;
    if (kernel !== KERNEL_NAME) {
      console.log(`${tag}: FAILED — its kernelspec is ${JSON.stringify(kernel)}, expected ${JSON.stringify(KERNEL_NAME)}`);
      failed.push(name);
      continue;
    }
    console.log(`${tag}: running…`);
    const start = Date.now();
    const output = path.join(outDir, file);
    fs.rmSync(output, { force: true });
    const args = [
      '-m', 'nbconvert', '--config', config,
      '--to', 'notebook', '--execute',
      `--ExecutePreprocessor.timeout=${timeoutS}`,
      '--ExecutePreprocessor.record_timing=False', // no timestamps in committed notebooks
      '--output-dir', outDir, '--output', file, input,
    ];
    const asyncFile = path.join(outDir, `${name}.async-failures.jsonl`);
    fs.rmSync(asyncFile, { force: true });
    const { code, stderr } = await run(pre.python, args, {
      cwd: path.join(root, 'notebooks'),
      env: { ...env, ZGR_ASYNC_FAILURES_FILE: asyncFile },
      onHeartbeat: () => console.log(`${tag}: still running (${fmtS(Date.now() - start)})`),
    });
    const took = fmtS(Date.now() - start);
    const failures = cellFailures(stderr);
    const problems = code === 0 && fs.existsSync(output) ? checkExecuted(output) : [];
    // rejections tslab logged to no cell (they fired after their cell ended): kernel-preload.ts
    if (failures.length === 0) problems.push(...asyncFailures(asyncFile));
    if (code !== 0 || failures.length > 0 || problems.length > 0 || !fs.existsSync(output)) {
      failed.push(name);
      console.log(`${tag}: FAILED after ${took} (notebooks/${file} left as it was)`);
      if (failures.length > 0) failures.forEach((f) => console.error(describeFailure(`notebooks/${file}`, f)));
      else if (problems.length > 0) console.error(indent(problems.join('\n')));
      else console.error(indent(stderr.split('\n').filter((l) => l.trim() !== '').slice(-30).join('\n')));
      continue;
    }
    writeFileAtomic(input, fs.readFileSync(output));
    console.log(`${tag}: ok in ${took} (total ${fmtS(Date.now() - t0)})`);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  const total = fmtS(Date.now() - t0);
  if (failed.length > 0) {
    console.log(`reproduce: ${failed.length} of ${chosen.length} notebook(s) FAILED (${failed.join(', ')}) in ${total}`);
    return 1;
  }
  console.log(`reproduce: all ${chosen.length} notebook(s) ok in ${total}, profile ${profile}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`reproduce: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);

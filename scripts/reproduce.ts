/**
 * npm run reproduce [-- SELECTOR ...]: execute the notebooks (notebooks/NN-*.ipynb, in order)
 * in the project's tslab kernel and save each executed notebook, with its outputs, in place.
 * Figures are written by the notebooks.
 *
 * Two executors, one kernel (tslab):
 *   jupyter  Jupyter's own (python3 -m nbconvert --execute, i.e. nbclient) with the project-local
 *            tslab kernelspec: used when a Python with nbconvert, nbclient and jupyter_client is
 *            found (the path CI checks)
 *   tslab    Node only (scripts/tslab-executor.ts): tslab's converter, executor and Jupyter
 *            handler in a child Node process, outputs saved as nbconvert saves them: used otherwise
 * Static figures (SVG, PNG) need a Chromium; without one the notebooks still write each figure's
 * interactive HTML and JSON, and the runner says once how to get one.
 *
 *   SELECTOR   03 | 3 | 03-c1-zero-temperature-limit | c1        (default: every notebook)
 *   --list     list the notebooks and exit          --check   check the prerequisites and exit
 *   --executor tslab|jupyter                        force an executor (default: jupyter if found)
 *   env ZGR_PROFILE=quick|medium|paper (default quick), ZGR_CELL_TIMEOUT=seconds per cell,
 *       ZGR_PYTHON=python with nbconvert/nbclient/jupyter_client, ZGR_CHROMIUM=browser (none: off).
 *
 * A notebook that fails (a thrown error, a failed assertion, a type error, a rejected promise)
 * is not overwritten; the runner prints the notebook, the cell and tslab's message, carries on
 * with the next notebook, and exits non-zero at the end.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM_HINT, chromiumSearchPath, findChromium } from '../lib/plots/chromium';
import { repoRoot } from '../lib/results/paths';
import { profileName, type ProfileName } from '../lib/results/profile';
import { writeFileAtomic } from '../lib/results/write';
import { serializeNotebook } from './ipynb';
import {
  JUPYTER_HINT,
  KERNEL_NAME,
  findPython,
  jupyterEnv,
  listNotebooks,
  nodePrerequisites,
  pythonCandidates,
  selectNotebooks,
  writeKernelspec,
} from './jupyter';
import { executeNotebook, type CellFailure } from './tslab-executor';
import { runCommand, type OptionValues } from './cli';

/**
 * Per-cell time limit (s; ZGR_CELL_TIMEOUT overrides): the slowest quick-profile cell (notebook 07's,
 * GR drawn until decided) took 313 s from an empty cache on a 2-core machine with two training
 * processes beside it, so 1800 s leaves > 5× for slower machines; paper cells train.
 */
const CELL_TIMEOUT_S: Record<ProfileName, number> = {
  quick: 1800,
  medium: 3 * 3600,
  long: 12 * 3600,
  paper: 48 * 3600,
};
const EXECUTOR_MODULES = ['nbconvert', 'nbclient', 'jupyter_client'];
const EXECUTORS = ['tslab', 'jupyter'] as const;
type ExecutorName = (typeof EXECUTORS)[number];

interface Executor {
  name: ExecutorName;
  /** one line: what runs the notebooks and why this one */
  why: string;
  python?: string;
}

/** How one notebook's run went: the executed copy (when there is one) and what failed. */
interface NotebookRun {
  output: string;
  code: number;
  failures: CellFailure[];
  /** the last lines the executor printed, shown when nothing more specific is known */
  log: string;
}

interface Job {
  root: string;
  file: string;
  tag: string;
  outDir: string;
  timeoutS: number;
  env: NodeJS.ProcessEnv;
  asyncFile: string;
  /** when the whole run started (ms since epoch) */
  t0: number;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function cellTimeout(profile: ProfileName): number {
  const env = process.env.ZGR_CELL_TIMEOUT;
  if (env == null || env === '') return CELL_TIMEOUT_S[profile];
  const n = Number(env);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`ZGR_CELL_TIMEOUT must be a positive integer (seconds), got ${JSON.stringify(env)}`);
  return n;
}

// ---------------------------------------------------------------- arguments and choices

const USAGE = `usage: npm run reproduce [-- [--list | --check] [--executor tslab|jupyter] [SELECTOR ...]]
Executes the notebooks in the project's tslab kernel and saves them, with their outputs and
figures, in place.
  SELECTOR     03 | 3 | 03-c1-zero-temperature-limit | c1      (default: every notebook)
  --list       list the notebooks and exit
  --check      check the prerequisites and exit
  --executor   tslab (Node only) or jupyter (nbconvert; the default when a Python has it)
env ZGR_PROFILE quick (default) | medium | paper; ZGR_CELL_TIMEOUT seconds per cell;
    ZGR_PYTHON a Python with nbconvert, nbclient, jupyter_client; ZGR_CHROMIUM a browser (none: off).`;

const COMMAND = {
  name: 'reproduce',
  usage: USAGE,
  options: { list: { type: 'boolean' }, check: { type: 'boolean' }, executor: { type: 'string', choices: EXECUTORS } },
  positionals: true,
  failureStatus: 2,
} as const;

/** jupyter when its Python is found (or forced), else tslab; an error message when forced jupyter is missing. */
function chooseExecutor(forced: ExecutorName | null): Executor | { missing: string } {
  if (forced === 'tslab') return { name: 'tslab', why: "tslab's own executor in Node (forced by --executor tslab)" };
  const py = findPython(EXECUTOR_MODULES);
  if (py != null)
    return {
      name: 'jupyter',
      python: py.python,
      why:
        `Jupyter's executor (nbconvert) with ${py.python} ` +
        `(${py.versions})${forced ? ', forced by --executor jupyter' : ''}`,
    };
  const none = `no Python among ${pythonCandidates().join(', ')} imports ${EXECUTOR_MODULES.join(', ')}`;
  if (forced === 'jupyter') return { missing: `--executor jupyter: ${none}.\n${JUPYTER_HINT}` };
  return { name: 'tslab', why: `tslab's own executor in Node (scripts/tslab-executor.ts): ${none}` };
}

/**
 * The Chromium for static figures: its path, null (none: the note says how to get one), or an error
 * for a bad ZGR_CHROMIUM.
 */
function chromiumStatus(): { path: string | null; line: string } {
  const found = findChromium(); // throws for a ZGR_CHROMIUM that is not an executable
  if (found != null) return { path: found, line: `figures: SVG, PNG, HTML and JSON (Chromium ${found})` };
  const off = process.env.ZGR_CHROMIUM
    ? `ZGR_CHROMIUM=${process.env.ZGR_CHROMIUM}`
    : `no Chromium found (looked at ${chromiumSearchPath()})`;
  return { path: null, line: `figures: HTML and JSON only, SVG/PNG SKIPPED — ${off}.\n  ${CHROMIUM_HINT}` };
}

// ---------------------------------------------------------------- the two executors

/** Run a command; resolves with its exit code and stderr (stdout is discarded). */
function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Ctrl-C reaches the child through the terminal's process group; just wait for it
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr }));
  });
}

/** The ZGR_CELL_ERROR lines printed by scripts/nbconvert-config.py. */
function cellFailures(stderr: string): CellFailure[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('ZGR_CELL_ERROR '))
    .map((l) => JSON.parse(l.slice('ZGR_CELL_ERROR '.length)) as CellFailure);
}

/** Jupyter's executor: nbconvert --execute into job.outDir. */
async function runJupyter(job: Job, python: string): Promise<NotebookRun> {
  const output = path.join(job.outDir, job.file);
  const args = [
    '-m',
    'nbconvert',
    '--config',
    path.join(job.root, 'scripts', 'nbconvert-config.py'),
    '--to',
    'notebook',
    '--execute',
    `--ExecutePreprocessor.timeout=${job.timeoutS}`,
    '--ExecutePreprocessor.record_timing=False', // no timestamps in committed notebooks
    '--output-dir',
    job.outDir,
    '--output',
    job.file,
    path.join(job.root, 'notebooks', job.file),
  ];
  const { code, stderr } = await run(python, args, { cwd: path.join(job.root, 'notebooks'), env: job.env });
  return { output, code, failures: cellFailures(stderr), log: stderr };
}

/** tslab's own executor (Node only): the executed notebook is written into job.outDir unless a cell failed. */
async function runTslab(job: Job): Promise<NotebookRun> {
  const output = path.join(job.outDir, job.file);
  const result = await executeNotebook(path.join(job.root, 'notebooks', job.file), {
    cwd: path.join(job.root, 'notebooks'),
    env: job.env,
    timeoutS: job.timeoutS,
    // records async failures for the runner, as in the Jupyter kernelspec (scripts/kernel-preload.ts)
    preload: [path.join(job.root, 'dist', 'scripts', 'kernel-preload.js')],
  });
  if (result.failure == null) fs.writeFileSync(output, serializeNotebook(result.notebook));
  return {
    output,
    code: result.failure == null ? 0 : 1,
    failures: result.failure ? [result.failure] : [],
    log: result.kernelLog,
  };
}

// ---------------------------------------------------------------- checks and messages

type Cell = {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: { output_type: string; name?: string; text?: string | string[] }[];
};
const joinText = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));

/** Checks of the executed notebook that the executors do not make. */
function checkExecuted(file: string): string[] {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Cell[] };
  const problems: string[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    if (joinText(cell.source).trim() !== '' && cell.execution_count == null)
      problems.push(`cell ${i} was not executed`);
    const stderr = (cell.outputs ?? [])
      .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
      .map((o) => joinText(o.text))
      .join('');
    if (/UnhandledPromiseRejection:|UncaughtException:/.test(stderr)) problems.push(`cell ${i}: ${stderr.trim()}`);
  });
  return problems;
}

/** The failures recorded by scripts/kernel-preload.ts in the kernel. */
function asyncFailures(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { kind, message } = JSON.parse(line) as { kind: string; message: string };
      return (
        `an ${kind} in the kernel (it surfaced after its cell had ended, so no cell reported ` +
        `it):\n${indent(message)}`
      );
    });
}

function indent(text: string, prefix = '    '): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

function describeFailure(notebook: string, f: CellFailure): string {
  const src = f.source.split('\n');
  const shown = src.length > 12 ? [...src.slice(0, 12), `… (${src.length - 12} more lines)`] : src;
  const what = {
    async: 'an unhandled promise rejection or uncaught exception, reported while running',
    timeout: 'a time-out in',
    died: 'the kernel died in',
    error: 'an error in',
  }[f.kind];
  return [
    `  ${notebook}: ${what} cell ${f.cell}${f.execution_count != null ? ` (In [${f.execution_count}])` : ''}:`,
    indent(shown.join('\n'), '    | '),
    '  message:',
    indent(f.message),
  ].join('\n');
}

/** Run one notebook with `executor`; true when it ran and was saved in place. */
async function reproduceOne(job: Job, executor: Executor): Promise<boolean> {
  const input = path.join(job.root, 'notebooks', job.file);
  const kernel = (JSON.parse(fs.readFileSync(input, 'utf8')) as { metadata?: { kernelspec?: { name?: string } } })
    .metadata?.kernelspec?.name;
  if (kernel !== KERNEL_NAME) {
    console.log(
      `${job.tag}: FAILED — its kernelspec is ${JSON.stringify(kernel)}, expected ${JSON.stringify(KERNEL_NAME)}`,
    );
    return false;
  }
  console.log(`${job.tag}: running…`);
  const start = Date.now();
  const beat = setInterval(() => console.log(`${job.tag}: still running (${fmtS(Date.now() - start)})`), 60_000);
  fs.rmSync(path.join(job.outDir, job.file), { force: true });
  fs.rmSync(job.asyncFile, { force: true });
  let result: NotebookRun;
  try {
    result = executor.name === 'jupyter' ? await runJupyter(job, executor.python!) : await runTslab(job);
  } finally {
    clearInterval(beat);
  }
  const took = fmtS(Date.now() - start);
  const { output, code, failures } = result;
  const problems = code === 0 && fs.existsSync(output) ? checkExecuted(output) : [];
  // rejections tslab logged to no cell (they fired after their cell ended): kernel-preload.ts
  if (failures.length === 0) problems.push(...asyncFailures(job.asyncFile));
  if (code !== 0 || failures.length > 0 || problems.length > 0 || !fs.existsSync(output)) {
    console.log(`${job.tag}: FAILED after ${took} (notebooks/${job.file} left as it was)`);
    if (failures.length > 0) failures.forEach((f) => console.error(describeFailure(`notebooks/${job.file}`, f)));
    else if (problems.length > 0) console.error(indent(problems.join('\n')));
    else
      console.error(
        indent(
          result.log
            .split('\n')
            .filter((l) => l.trim() !== '')
            .slice(-30)
            .join('\n'),
        ),
      );
    return false;
  }
  writeFileAtomic(input, fs.readFileSync(output));
  console.log(`${job.tag}: ok in ${took} (total ${fmtS(Date.now() - job.t0)})`);
  return true;
}

// ---------------------------------------------------------------- main

async function main({
  values: args,
  positionals: selectors,
}: {
  values: OptionValues<typeof COMMAND.options>;
  positionals: string[];
}): Promise<number> {
  const root = repoRoot();
  const profile = profileName(); // a bad ZGR_PROFILE is an error here, before anything runs
  const timeoutS = cellTimeout(profile);
  const all = listNotebooks(root);
  const chosen = selectNotebooks(all, selectors);
  if (args.list) {
    all.forEach((n) => console.log(n));
    return 0;
  }
  const executor = chooseExecutor(args.executor ?? null);
  let chromium: ReturnType<typeof chromiumStatus>;
  try {
    chromium = chromiumStatus();
  } catch (err) {
    console.error(`reproduce: ${(err as Error).message}`);
    return 3;
  }
  const missing = nodePrerequisites(root);
  if ('missing' in executor) missing.push(executor.missing);
  if (missing.length > 0) {
    console.error(['Running notebooks needs:', ...missing].join('\n'));
    return 3;
  }
  const ex = executor as Executor;
  console.log(`reproduce: executor ${ex.name} — ${ex.why}`);
  console.log(`reproduce: ${chromium.line}`);
  if (args.check) {
    const jupyter = "; optional, for Jupyter's executor (the path CI checks):\n" + indent(JUPYTER_HINT, '  ');
    console.log(`ok: node ${process.version}${ex.name === 'tslab' ? jupyter : ''}`);
    return 0;
  }
  if (chosen.length === 0) {
    console.error('no notebooks found in notebooks/ (expected notebooks/NN-name.ipynb)');
    return 2;
  }
  const kernelspec = ex.name === 'jupyter' ? `, kernel ${path.relative(root, writeKernelspec(root))}` : '';
  // without a Chromium the runner has said so (above): the kernels stay quiet about it
  const extra: Record<string, string> = {
    ZGR_PROFILE: profile,
    ...(chromium.path == null ? { ZGR_CHROMIUM: 'none' } : {}),
  };
  const env = ex.name === 'jupyter' ? jupyterEnv(root, extra) : { ...process.env, ...extra };
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-reproduce-'));
  console.log(`reproduce: ${chosen.length} notebook(s), profile ${profile}, cell timeout ${timeoutS} s${kernelspec}`);

  const failed: string[] = [];
  const t0 = Date.now();
  try {
    for (const [i, file] of chosen.entries()) {
      const name = file.replace(/\.ipynb$/, '');
      const asyncFile = path.join(outDir, `${name}.async-failures.jsonl`);
      const job: Job = {
        root,
        file,
        tag: `[${i + 1}/${chosen.length}] ${name}`,
        outDir,
        timeoutS,
        asyncFile,
        t0,
        env: { ...env, ZGR_ASYNC_FAILURES_FILE: asyncFile },
      };
      if (!(await reproduceOne(job, ex))) failed.push(name);
    }
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  const total = fmtS(Date.now() - t0);
  if (failed.length > 0) {
    console.log(
      `reproduce: ${failed.length} of ${chosen.length} notebook(s) FAILED (${failed.join(', ')}) in ${total}`,
    );
    return 1;
  }
  console.log(
    `reproduce: all ${chosen.length} notebook(s) ok in ${total}, profile ${profile}, ` +
      `executor ${ex.name}${chromium.path == null ? ', no SVG/PNG (no Chromium)' : ''}`,
  );
  return 0;
}

runCommand(COMMAND, main);

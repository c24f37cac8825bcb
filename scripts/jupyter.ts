/**
 * What the notebook scripts share: finding a Python with Jupyter's executor, the project-local
 * tslab kernelspec (no global install: JUPYTER_PATH points at .jupyter/ in the repository), the
 * environment of Jupyter child processes, and the list of notebooks.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHROMIUM_HINT, findChromium } from '../lib/plots/chromium';
import { writeJsonAtomic } from '../lib/results/write';

/** Notebooks are notebooks/NN-slug.ipynb, run in the order of NN. */
export const NOTEBOOK_PATTERN = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb$/;
export const KERNEL_NAME = 'tslab';

export const JUPYTER_HINT = [
  'Debian/Ubuntu (one line):',
  '  sudo apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbclient jupyter-client chromium',
  'or with pip, into the Python you want to use:',
  '  pip install nbconvert nbclient jupyter_client',
  '  (then ZGR_PYTHON=/path/to/that/python3 if it is not /usr/bin/python3 or python3 on PATH)',
].join('\n');

/** Pythons to try, in order: env ZGR_PYTHON, Debian's /usr/bin/python3, python3 on PATH. */
export function pythonCandidates(): string[] {
  const list = process.env.ZGR_PYTHON ? [process.env.ZGR_PYTHON] : ['/usr/bin/python3', 'python3'];
  return [...new Set(list)];
}

/** The first candidate Python that can import `modules`, with their versions; else null. */
export function findPython(modules: readonly string[]): { python: string; versions: string } | null {
  const code =
    `import importlib, sys\nms = [importlib.import_module(m) for m in ` +
    `${JSON.stringify(modules)}]\nprint(" ".join(m.__name__ + " " + str(getattr(m, ` +
    `"__version__", "?")) for m in ms))`;
  for (const python of pythonCandidates()) {
    try {
      const versions = execFileSync(python, ['-c', code], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 30_000,
      }).trim();
      return { python, versions };
    } catch {
      // not installed, or cannot import: try the next one
    }
  }
  return null;
}

/**
 * Check what running notebooks needs besides Node; returns the Python to use, or a message that
 * says exactly what is missing and how to get it.
 */
export function checkPrerequisites(
  root: string,
  modules: readonly string[],
): { python: string; versions: string; chromium: string } | { missing: string } {
  const problems: string[] = [];
  const py = findPython(modules);
  if (py == null)
    problems.push(`- Jupyter: no Python among ${pythonCandidates().join(', ')} can import ${modules.join(', ')}.`);
  let chromium: string | null = null;
  try {
    chromium = findChromium();
    if (chromium == null) problems.push(`- Chromium (static figure export): not found. ${CHROMIUM_HINT}`);
  } catch (err) {
    problems.push(`- Chromium: ${(err as Error).message}`);
  }
  problems.push(...nodePrerequisites(root));
  if (problems.length > 0 || py == null || chromium == null) {
    return { missing: ['Running notebooks needs, besides Node:', ...problems, '', JUPYTER_HINT].join('\n') };
  }
  return { ...py, chromium };
}

/** What running notebooks needs in any case (either executor): tslab and the compiled library. */
export function nodePrerequisites(root: string): string[] {
  const problems: string[] = [];
  if (!fs.existsSync(path.join(root, 'node_modules', 'tslab', 'bin', 'tslab')))
    problems.push('- tslab (the TypeScript kernel): node_modules/tslab is missing; run `npm ci`.');
  if (!fs.existsSync(path.join(root, 'dist', 'lib', 'index.js')))
    problems.push('- the compiled library (notebooks import dist/lib): run `npm run build`.');
  return problems;
}

/** .jupyter/ at the repository root (git-ignored): the kernelspec lives in .jupyter/kernels/. */
export function jupyterDir(root: string): string {
  return path.join(root, '.jupyter');
}

/**
 * Write .jupyter/kernels/tslab/kernel.json: this Node running this checkout's tslab (`tslab
 * install` fails here, and a global kernelspec would be shared with every other project), with
 * dist/scripts/kernel-preload.js loaded first.
 */
export function writeKernelspec(root: string): string {
  const file = path.join(jupyterDir(root), 'kernels', KERNEL_NAME, 'kernel.json');
  writeJsonAtomic(file, {
    argv: [
      process.execPath,
      // records async failures for the runner (scripts/kernel-preload.ts; inert without its env)
      '--require',
      path.join(root, 'dist', 'scripts', 'kernel-preload.js'),
      path.join(root, 'node_modules', 'tslab', 'bin', 'tslab'),
      'kernel',
      '--config-path',
      '{connection_file}',
    ],
    display_name: 'TypeScript',
    language: 'typescript',
  });
  return file;
}

/** The environment of Jupyter processes: project-local kernelspec, config and runtime folders. */
export function jupyterEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = jupyterDir(root);
  return {
    ...process.env,
    // ours first, then whatever the user had
    JUPYTER_PATH: [dir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    // no user config (~/.jupyter) changes how notebooks run here
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(root, '.jupyter-runtime'),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    ...extra,
  };
}

/** notebooks/NN-*.ipynb, in order. */
export function listNotebooks(root: string): string[] {
  const dir = path.join(root, 'notebooks');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => NOTEBOOK_PATTERN.test(f))
    .sort();
}

/**
 * The notebooks named by `selectors` (all when none): "03" or "3" (the number), "03-c1-zero-…"
 * (the file name, with or without .ipynb) or "c1" (a part of the name). Unknown selectors are an
 * error that lists the notebooks.
 */
export function selectNotebooks(all: readonly string[], selectors: readonly string[]): string[] {
  if (selectors.length === 0) return [...all];
  const chosen = new Set<string>();
  for (const s of selectors) {
    const key = s.replace(/^notebooks\//, '').replace(/\.ipynb$/, '');
    const hits = /^\d+$/.test(key)
      ? all.filter((f) => Number(NOTEBOOK_PATTERN.exec(f)![1]) === Number(key))
      : all.filter((f) => f.replace(/\.ipynb$/, '') === key).concat(all.filter((f) => f.includes(key)));
    if (hits.length === 0)
      throw new Error(`no notebook matches ${JSON.stringify(s)}; notebooks: ${all.join(', ') || '(none)'}`);
    hits.forEach((h) => chosen.add(h));
  }
  return all.filter((f) => chosen.has(f));
}

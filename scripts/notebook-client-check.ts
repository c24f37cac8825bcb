/**
 * npm run notebook-client-check [-- SELECTOR]: open an executed notebook in a real client and
 * check that its figure renders. Serves a copy of it with the classic Jupyter Notebook server
 * (token auth on, 127.0.0.1 only), loads the notebook (default: the first) in headless
 * Chromium, asserts that an SVG or plot element with a non-zero size is in an output area,
 * saves a screenshot in a temporary folder and prints its path. The server and its kernels are
 * stopped at the end, and the whole check is bounded in time (env ZGR_CLIENT_CHECK_TIMEOUT_S).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../lib/plots/browser';
import { repoRoot } from '../lib/results/paths';
import { runCommand } from './cli';
import { checkPrerequisites, jupyterEnv, listNotebooks, selectNotebooks, writeKernelspec } from './jupyter';

const TIMEOUT_S = Number(process.env.ZGR_CLIENT_CHECK_TIMEOUT_S || 180);
/** what counts as a rendered figure in classic Notebook's output area */
const FIGURE_SELECTOR = '.output_area svg, .output_area img[src^="data:image"], .output_area .js-plotly-plot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0; // not listening yet
  }
}

/** Shut down the server's kernels through its API, then stop the server's process group. */
async function stopServer(server: ChildProcess, base: string, token: string): Promise<void> {
  try {
    const kernels = (await (
      await fetch(`${base}/api/kernels?token=${token}`, { signal: AbortSignal.timeout(5000) })
    ).json()) as { id: string }[];
    await Promise.all(
      kernels.map((k) =>
        fetch(`${base}/api/kernels/${k.id}?token=${token}`, {
          method: 'DELETE',
          signal: AbortSignal.timeout(10_000),
        }).catch(() => undefined),
      ),
    );
  } catch {
    // the server may already be gone
  }
  if (server.exitCode != null || server.signalCode != null || server.pid == null) return;
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  // the server runs in its own process group (detached): signal the group it leads, nothing else
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  if (await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) return;
  signal('SIGKILL');
  await Promise.race([exited, sleep(5000)]);
}

const USAGE = `usage: notebook-client-check [SELECTOR]     (npm run notebook-client-check -- 03)
Opens an executed notebook (default: the first; SELECTOR as for reproduce: 03, 3, c1, a file name)
in the classic Jupyter Notebook server and headless Chromium, checks that its figure renders and
prints a screenshot's path. Needs Python with notebook<7 and jupyter_client, and a Chromium.
env ZGR_CLIENT_CHECK_TIMEOUT_S bounds the whole check (default 180).`;

async function main({ positionals: argv }: { positionals: string[] }): Promise<number> {
  const root = repoRoot();
  const pre = checkPrerequisites(root, ['notebook', 'jupyter_client']);
  if ('missing' in pre) {
    console.error(
      pre.missing
        .replace('jupyter-nbconvert python3-nbclient jupyter-client', 'jupyter-notebook')
        .replace('pip install nbconvert nbclient jupyter_client', 'pip install "notebook<7" jupyter_client'),
    );
    return 3;
  }
  const [file] = selectNotebooks(listNotebooks(root), argv.length > 0 ? argv : ['01']);
  if (file == null) throw new Error('no notebook to open (notebooks/NN-*.ipynb)');
  writeKernelspec(root);

  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-client-check-'));
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(outDir, 'notebook-server.log'), 'w');
  // serve a copy: the server autosaves opened notebooks and writes .ipynb_checkpoints/, and the
  // committed notebook must stay as the executor wrote it
  const served = path.join(outDir, 'notebooks');
  fs.mkdirSync(served);
  fs.copyFileSync(path.join(root, 'notebooks', file), path.join(served, file));
  const args = [
    '-m',
    'notebook',
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
    `--NotebookApp.token=${token}`,
    `--notebook-dir=${served}`,
  ];
  if (process.getuid?.() === 0) args.push('--allow-root'); // containers and CI often run as root
  const server = spawn(pre.python, args, {
    cwd: root,
    env: jupyterEnv(root),
    stdio: ['ignore', log, log],
    detached: true,
  });
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_r, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${TIMEOUT_S} s (ZGR_CLIENT_CHECK_TIMEOUT_S)`)),
      TIMEOUT_S * 1000,
    );
  });
  try {
    await Promise.race([
      deadline,
      (async () => {
        for (let t = Date.now(); (await status(`${base}/api/status?token=${token}`)) !== 200; await sleep(250)) {
          if (server.exitCode != null)
            throw new Error(
              `the notebook server exited with code ${server.exitCode}; see ` +
                `${path.join(outDir, 'notebook-server.log')}`,
            );
          if (Date.now() - t > 60_000)
            throw new Error(
              `the notebook server did not answer within 60 s; see ${path.join(outDir, 'notebook-server.log')}`,
            );
        }
        const anonymous = await status(`${base}/api/status`);
        if (anonymous !== 403 && anonymous !== 401)
          throw new Error(`token auth is off: /api/status without the token answered ${anonymous}`);
        console.log(`server: classic Notebook on ${base} (token auth on: ${anonymous} without it)`);

        browser = await launchChromium();
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        await page.goto(`${base}/notebooks/${encodeURIComponent(file)}?token=${token}`, {
          waitUntil: 'load',
          timeout: 60_000,
        });
        const figure = await page.waitForSelector(FIGURE_SELECTOR, { state: 'attached', timeout: 60_000 });
        await figure.scrollIntoViewIfNeeded();
        const box = await figure.boundingBox();
        if (box == null || box.width < 50 || box.height < 50)
          throw new Error(`the figure element of ${file} has no size: ${JSON.stringify(box)}`);
        const count = await page.locator(FIGURE_SELECTOR).count();
        const tag = await figure.evaluate((el) => el.tagName.toLowerCase());
        const shot = path.join(outDir, `${file.replace(/\.ipynb$/, '')}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        await figure.screenshot({ path: path.join(outDir, `${file.replace(/\.ipynb$/, '')}-figure.png`) });
        console.log(
          `ok: ${file} shows ${count} figure element(s) in its output areas; the first is ` +
            `<${tag}>, ${Math.round(box.width)}×${Math.round(box.height)} px`,
        );
        console.log(`screenshot: ${shot}`);
      })(),
    ]);
    return 0;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await stopServer(server, base, token);
    fs.closeSync(log);
  }
}

runCommand({ name: 'notebook-client-check', usage: USAGE, options: {}, positionals: true }, main);

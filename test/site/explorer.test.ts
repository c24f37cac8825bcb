/**
 * The explorer (site/, issue 12) in a real browser: build it (scripts/site-build.mjs), serve it on a
 * random localhost port (scripts/site-serve.mjs), open it in headless Chromium (found and launched
 * as for the figures, lib/plots/chromium.ts and browser.ts) and check
 * - the backend the URL asks for runs, and the page says which: webgl (Chromium's SwiftShader
 *   when it gives a WebGL context, else the page must fall back to cpu and say so; a second
 *   browser without 3D APIs checks that fallback), wasm over http (binaries from wasm/) and from
 *   file:// (binaries inlined as data: URLs);
 * - no console errors and no uncaught exceptions on any page;
 * - moving the τ slider (a real key press) changes the plotted data; at C = 6 the means table fits its panel;
 * - for a fixed input (C = 3, fixed logits, the quadratic) the numbers shown — the exact
 *   gradient, ZGR's and ST's exact means, read back both from window.__explorer and from the
 *   plotted bars — equal the package's float64 forms computed here in Node within 1e-9;
 * - the toy optimisation runs on the chosen backend and starts at the exact E f;
 * - on webgl and wasm, moving each control while the optimisation runs leaves it running: after
 *   each move it steps on, with no error and no console error (webgl reads are async, so a control
 *   fires while a step is in flight: it must not dispose that step's tensors).
 * A full-page screenshot goes to $ZGR_ARTIFACTS/explorer.png (else site/dist/screenshot.png).
 * Skipped without a Chromium. About 60–100 s on 2 busy cores.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../lib/plots/chromium';
import { launchChromium } from '../../lib/plots/browser';
import {
  estimatorMean,
  exactGradient,
  float64,
  perVariable,
  randomPolynomialProblem,
  Random,
  softmax,
  stGradient,
  zgrGradient,
} from '../../lib/package';

/** The repository: the first folder above this file with site/index.html (works from test/ and dist/test/). */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'site', 'index.html')) && fs.existsSync(path.join(dir, 'package.json')))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository with site/index.html above ${__dirname}`);
  }
}

const ROOT = repositoryRoot();
const DIST = path.join(ROOT, 'site', 'dist');
const TOLERANCE = 1e-9;

/** What the page's window.__explorer.numbers() returns (the parts the test reads). */
interface Numbers {
  backend: {
    requested: string | null;
    active: string;
    note: string;
    webglAvailable: boolean | null;
    wasmSource: string;
  };
  state: { C: number; logits: number[]; fn: string; tau: number; fseed: number };
  function: { name: string; terms: { coef: number; vars: number[] }[] | null };
  p: number[];
  objective: number;
  exactGradient: number[];
  labels: Record<string, string>;
  methods: Record<string, string>;
  means: Record<string, number[]>;
  plane: {
    chosen: { name: string; label: string; beta: { estimate: number } | null; sigma: { estimate: number } | null }[];
    family: unknown[];
  };
  optimisation: {
    running: boolean;
    step: number;
    error: string | null;
    curves: { name: string; steps: number[]; objective: number[] }[];
  };
  tensors: number;
  updates: number;
  error: string | null;
}

interface Trace {
  name: string;
  x: unknown[];
  y: number[];
}

interface Opened {
  page: Page;
  /** console errors and uncaught exceptions */
  problems: string[];
  numbers(): Promise<Numbers>;
  /** the plotted traces of a plot div (#bars, #plane, #optim) */
  traces(id: string): Promise<Trace[]>;
}

declare const window: { __explorer: { ready: Promise<void>; idle(): Promise<void>; numbers(): Numbers } };
declare const document: {
  getElementById(id: string): { data?: Trace[] } | null;
  createElement(tag: string): { getContext(kind: string): unknown };
  querySelector(selector: string): { scrollWidth: number; clientWidth: number } | null;
};

const maxGap = (a: readonly number[], b: readonly number[]) => {
  assert.equal(a.length, b.length, `lengths ${a.length} and ${b.length}`);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i])));
};

async function open(browser: Browser, url: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(url, { timeout: 120_000 });
  await page.evaluate(() => window.__explorer.ready);
  return {
    page,
    problems,
    numbers: () => page.evaluate(() => window.__explorer.numbers()),
    traces: (id) =>
      page.evaluate(
        (div) =>
          (document.getElementById(div)?.data ?? []).map((t) => ({
            name: t.name,
            x: Array.from(t.x),
            y: Array.from(t.y),
          })),
        id,
      ),
  };
}

/** Run the toy optimisation from the page's button until `steps`, then stop it; its numbers. */
async function optimise(o: Opened, steps: number): Promise<Numbers['optimisation']> {
  await o.page.click('#run');
  await o.page.waitForFunction(
    (n) => window.__explorer.numbers().optimisation.step >= n || window.__explorer.numbers().optimisation.error != null,
    steps,
    { timeout: 120_000 },
  );
  const { optimisation } = await o.numbers();
  if (optimisation.running) await o.page.click('#run');
  return optimisation;
}

const chromiumPath = (() => {
  try {
    return findChromium();
  } catch {
    return null;
  }
})();
const skip = chromiumPath == null ? 'no Chromium here (apt-get install chromium, or set ZGR_CHROMIUM)' : false;

describe('the explorer (site/): built on the package, in headless Chromium', { skip, timeout: 240_000 }, () => {
  let server: ChildProcess | null = null;
  let base = '';
  let browser: Browser | null = null;
  const started = Date.now();

  before(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'site-build.mjs'), '--check'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    for (const file of [
      'index.html',
      'explorer.js',
      'plotly.min.js',
      'wasm-inline.js',
      'wasm/tfjs-backend-wasm.wasm',
      'wasm/tfjs-backend-wasm-simd.wasm',
    ]) {
      assert.ok(fs.existsSync(path.join(DIST, file)), `site/dist/${file} was not built`);
    }
    const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /src="https?:/, 'the page must load nothing from a CDN');
    server = spawn(process.execPath, [path.join(ROOT, 'scripts', 'site-serve.mjs'), '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    base = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`site-serve printed no URL in 15 s: ${out}`)), 15_000);
      server!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /explorer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      server!.on('exit', (code) => reject(new Error(`site-serve exited (${code}): ${out}`)));
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    server?.kill();
    console.log(`# explorer test: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  /** Each control of the page, moved as a user moves it (key presses, a choice, typing then Tab). */
  const MOVES: { control: string; move(page: Page): Promise<void> }[] = [
    ...['C', 'logit-0', 'tau', 'K', 'a', 'M', 'lr'].map((id) => ({
      control: `#${id} (slider)`,
      move: async (page: Page) => {
        await page.focus(`#${id}`);
        await page.keyboard.press('ArrowRight');
      },
    })),
    { control: '#est-darn (checkbox)', move: (page: Page) => page.click('#est-darn') },
    ...[
      ['fseed', '7'],
      ['seed', '3'],
      ['steps', '4000'],
    ].map(([id, value]) => ({
      control: `#${id} (typed)`,
      move: async (page: Page) => {
        await page.fill(`#${id}`, value);
        await page.press(`#${id}`, 'Tab');
      },
    })),
    { control: '#fn (choice: cubic)', move: (page: Page) => page.selectOption('#fn', 'cubic').then(() => undefined) },
    { control: '#fn (choice: toy)', move: (page: Page) => page.selectOption('#fn', 'toy').then(() => undefined) },
    { control: '#q (choice)', move: (page: Page) => page.selectOption('#q', '3').then(() => undefined) },
  ];

  for (const backendName of ['webgl', 'wasm']) {
    it(
      `${backendName}: moving each control while the optimisation runs leaves it running (it ` +
        `steps on after each move), no console error`,
      async () => {
        // few estimators and many steps: it must not finish during the test
        const o = await open(browser!, `${base}?backend=${backendName}&C=4&est=st,darn,zgr,rloo&steps=5000`);
        await o.page.click('#run');
        const stepsOn = async (after: string) => {
          const from = (await o.numbers()).optimisation.step;
          const t0 = Date.now();
          await o.page
            .waitForFunction(
              (n) =>
                window.__explorer.numbers().optimisation.step >= n ||
                window.__explorer.numbers().optimisation.error != null,
              from + 10,
              { timeout: 120_000 },
            )
            .catch(async (e: Error) => {
              const { optimisation } = await o.numbers();
              throw new Error(
                `after ${after}: step ${from} → ${optimisation.step} in ${Date.now() - t0} ms, running ` +
                  `${optimisation.running}, error ${optimisation.error}; ${o.problems.join('; ')}: ` +
                  `${e.message}`,
              );
            });
          console.log(`# ${backendName}: after ${after}: 10 steps in ${Date.now() - t0} ms`);
          const n = await o.numbers();
          assert.equal(n.optimisation.error, null, `after ${after}: the optimisation stopped`);
          assert.ok(
            n.optimisation.running && n.optimisation.step >= from + 10,
            `after ${after}: step ${from} → ${n.optimisation.step}, running ${n.optimisation.running}`,
          );
          assert.match((await o.page.textContent('#optim-status')) ?? '', /running/, `after ${after}: the status line`);
        };
        await stepsOn('Start');
        for (const { control, move } of MOVES) {
          await move(o.page);
          await o.page.evaluate(() => window.__explorer.idle());
          await stepsOn(control);
        }
        assert.deepEqual(o.problems, []);
        await o.page.click('#run');
        await o.page.close();
      },
    );
  }

  it(
    'webgl over http: runs on WebGL where Chromium gives a context (else falls back to cpu, ' +
      'saying so); the τ slider moves the plots; the optimisation runs; screenshot',
    async () => {
      const o = await open(browser!, `${base}?backend=webgl`);
      const gl = await o.page.evaluate(() => {
        const canvas = document.createElement('canvas');
        return (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) != null;
      });
      const n = await o.numbers();
      assert.equal(n.backend.requested, 'webgl');
      assert.equal(n.backend.webglAvailable, gl);
      assert.equal(n.backend.active, gl ? 'webgl' : 'cpu', `backend ${JSON.stringify(n.backend)}`);
      assert.equal(await o.page.textContent('#backend'), n.backend.active);
      if (!gl) assert.match((await o.page.textContent('#backend-note')) ?? '', /WebGL is not available/);
      assert.equal(n.error, null);

      // τ: 0.5 → the next stop, by a key press on the slider (what a user does)
      const barsBefore = await o.traces('bars');
      const planeBefore = await o.traces('plane');
      const tauBefore = n.state.tau;
      await o.page.focus('#tau');
      await o.page.keyboard.press('ArrowRight');
      await o.page.evaluate(() => window.__explorer.idle());
      const m = await o.numbers();
      assert.ok(m.state.tau > tauBefore, `τ ${tauBefore} → ${m.state.tau}`);
      const barsAfter = await o.traces('bars');
      const planeAfter = await o.traces('plane');
      const y = (traces: Trace[], prefix: string) => traces.find((t) => t.name.startsWith(prefix))?.y ?? [];
      assert.deepEqual(y(barsAfter, 'exact'), y(barsBefore, 'exact'), 'the exact gradient does not depend on τ');
      assert.ok(maxGap(y(barsAfter, 'ST-GS'), y(barsBefore, 'ST-GS')) > 1e-6, 'ST-GS’s plotted mean moves with τ');
      assert.notEqual(
        barsAfter.find((t) => t.name.startsWith('ST-GS'))?.name,
        barsBefore.find((t) => t.name.startsWith('ST-GS'))?.name,
        'its label carries τ',
      );
      const star = (traces: Trace[], prefix: string) => traces.find((t) => t.name.startsWith(`▶ ${prefix}`));
      assert.ok(star(planeBefore, 'GR-MC') && star(planeAfter, 'GR-MC'), 'the chosen GR-MCK is a star on the plane');
      assert.notDeepEqual(
        [star(planeAfter, 'GR-MC')!.x, star(planeAfter, 'GR-MC')!.y],
        [star(planeBefore, 'GR-MC')!.x, star(planeBefore, 'GR-MC')!.y],
        'GR-MCK’s point on the plane moves with τ',
      );

      const run = await optimise(o, 10);
      assert.equal(run.error, null);
      assert.ok(run.step >= 10, `optimisation reached step ${run.step}`);
      for (const c of run.curves) {
        assert.equal(c.objective[0], m.objective, `${c.name} starts at the exact E f of the sliders' logits`);
        assert.ok(c.objective.every(Number.isFinite), `${c.name}: E f stays finite`);
      }
      const shot = process.env.ZGR_ARTIFACTS
        ? path.join(process.env.ZGR_ARTIFACTS, 'explorer.png')
        : path.join(DIST, 'screenshot.png');
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await o.page.screenshot({ path: shot, fullPage: true });
      assert.deepEqual(o.problems, []);
      await o.page.close();
    },
  );

  it(
    'without WebGL (Chromium run with --disable-3d-apis) ?backend=webgl falls back to cpu ' + 'and says so on the page',
    async () => {
      const plain = await chromium.launch({
        executablePath: chromiumPath!,
        args: [...CHROMIUM_ARGS, '--disable-3d-apis'],
        timeout: 60_000,
      });
      try {
        const o = await open(plain, `${base}?backend=webgl&C=6`);
        const n = await o.numbers();
        assert.equal(n.backend.webglAvailable, false);
        const [scroll, client] = await o.page.evaluate(() => {
          const t = document.querySelector('#means-table')!;
          return [t.scrollWidth, t.clientWidth];
        });
        assert.ok(scroll <= client + 1, `at C = 6 the means table fits its panel: ${scroll} px wide in ${client} px`);
        assert.equal(n.backend.active, 'cpu');
        assert.match(
          (await o.page.textContent('#backend-note')) ?? '',
          /WebGL is not available in this browser: falling back to the cpu backend/,
        );
        assert.equal(await o.page.textContent('#backend'), 'cpu');
        assert.equal(n.exactGradient.length, n.state.C);
        assert.deepEqual(o.problems, []);
      } finally {
        await plain.close();
      }
    },
  );

  it('wasm over http: the binaries come from wasm/ next to the page; the optimisation runs on it', async () => {
    const o = await open(browser!, `${base}?backend=wasm`);
    const n = await o.numbers();
    assert.equal(n.backend.active, 'wasm', JSON.stringify(n.backend));
    assert.match(n.backend.wasmSource, /fetched from http:\/\/127\.0\.0\.1:\d+\/wasm\//);
    assert.equal(n.backend.note, '');
    const run = await optimise(o, 20);
    assert.equal(run.error, null);
    assert.ok(run.curves.length > 0 && run.curves.every((c) => c.objective.every(Number.isFinite)));
    // no tensor leaks: continuing (Adam's slots exist after its first step) keeps the count
    const tensors = (await o.numbers()).tensors;
    const more = await optimise(o, run.step + 10);
    assert.ok(more.step >= run.step + 10);
    assert.equal((await o.numbers()).tensors, tensors, 'live tensors after 10 more steps');
    assert.deepEqual(o.problems, []);
    await o.page.close();
  });

  it(
    'from file://: wasm runs on binaries inlined as data: URLs (file pages cannot fetch ' +
      'wasm/*.wasm), no console errors',
    async () => {
      const o = await open(browser!, `${pathToFileURL(path.join(DIST, 'index.html')).href}?backend=wasm`);
      const n = await o.numbers();
      assert.equal(n.backend.active, 'wasm', JSON.stringify(n.backend));
      assert.match(n.backend.wasmSource, /data: URLs/);
      assert.equal(n.error, null);
      assert.deepEqual(o.problems, []);
      await o.page.close();
    },
  );

  it(
    'fixed input (C = 3, logits (0.7, −0.4, 0.2), the quadratic of seed 2023): the exact ' +
      'gradient and ZGR’s and ST’s exact means shown equal the package’s float64 forms in Node ' +
      'within 1e-9',
    async () => {
      const logits = [0.7, -0.4, 0.2];
      const o = await open(
        browser!,
        `${base}?backend=cpu&C=3&logits=${logits.join(',')}&f=quadratic&fseed=2023&est=st,darn,zgr,stGs`,
      );
      const n = await o.numbers();
      assert.equal(n.backend.active, 'cpu');
      assert.deepEqual(n.state.logits, logits);

      // the same problem, built here from the package: the seeded quadratic (every monomial of degree ≤ 2)
      const loss = randomPolynomialProblem(float64, Random.fromSeed(2023), [3], 2).loss;
      assert.deepEqual(
        n.function.terms,
        loss.terms.map((t) => ({ coef: t.coef, vars: [...t.vars] })),
        'the page’s f is the package’s seeded quadratic',
      );
      const problem = { F: float64, p: [softmax(logits)], loss };
      const exact = exactGradient(problem);
      const zgrMean = estimatorMean(
        problem,
        perVariable((_i, x, v) => zgrGradient(logits, x, v)),
      )[0];
      const stMean = estimatorMean(
        problem,
        perVariable((_i, x, v) => stGradient(logits, x, v)),
      )[0];

      assert.ok(maxGap(n.p, problem.p[0]) <= TOLERANCE);
      assert.ok(Math.abs(n.objective - exact.objective) <= TOLERANCE, `E f ${n.objective} vs ${exact.objective}`);
      assert.ok(
        maxGap(n.exactGradient, exact.gradient[0]) <= TOLERANCE,
        `exact gradient ${n.exactGradient} vs ${exact.gradient[0]}`,
      );
      assert.equal(n.methods.zgr, 'exact');
      assert.equal(n.methods.st, 'exact');
      assert.ok(maxGap(n.means.zgr, zgrMean) <= TOLERANCE, `ZGR mean ${n.means.zgr} vs ${zgrMean}`);
      assert.ok(maxGap(n.means.st, stMean) <= TOLERANCE, `ST mean ${n.means.st} vs ${stMean}`);
      // what is drawn is what numbers() reports
      const bars = await o.traces('bars');
      const bar = (name: string) => bars.find((t) => t.name === name)?.y ?? [];
      assert.ok(maxGap(bar('exact ∂L/∂η'), exact.gradient[0]) <= TOLERANCE);
      assert.ok(maxGap(bar('ZGR'), zgrMean) <= TOLERANCE);
      assert.ok(maxGap(bar('ST'), stMean) <= TOLERANCE);
      // and C3 shows: ZGR unbiased on the quadratic, ST not
      assert.ok(maxGap(zgrMean, exact.gradient[0]) < 1e-12);
      assert.ok(maxGap(stMean, exact.gradient[0]) > 1e-3);
      assert.equal(n.methods.stGs, 'monte-carlo');
      assert.deepEqual(o.problems, []);
      await o.page.close();
    },
  );
});

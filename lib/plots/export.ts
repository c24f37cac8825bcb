/**
 * The one figure exporter. `exportFigure(figure, target)` writes four files into figures/ (at
 * the repository root, whatever the cwd):
 *     <notebook>-<name>.svg   static vector image
 *     <notebook>-<name>.png   static raster image (2x)
 *     <notebook>-<name>.html  self-contained interactive page (plotly.js inlined, works offline)
 *     <notebook>-<name>.json  the plotted data, the figure spec and the provenance record
 * `showFigure` does the same and displays the figure inline in a tslab notebook as one bundle
 * (plotly JSON + SVG + PNG + text). Static images come from plotly.js in headless Chromium (one
 * browser per process, launched at the first figure); call `closeExporter()` at the end of a
 * notebook or script — after an idle minute it closes by itself, so no process hangs on it.
 *
 * Without a Chromium (findChromium() is null: none installed, or ZGR_CHROMIUM=none) the SVG and
 * PNG are skipped, not failed: the HTML and the JSON are still written, the JSON says
 * `staticImages: "skipped: …"`, SVG/PNG files of an earlier run are left as they were, and the
 * process says once, on stderr, how to get a Chromium (not when ZGR_CHROMIUM=none: whoever set
 * it, e.g. npm run reproduce, has said so already).
 * A Chromium without the figures' first font (FONT_FAMILIES, lib/plots/style.ts) renders them, but
 * says once, on stderr, that their SVG legends will clip where a viewer has that font.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FigureTarget } from '../results/provenance';
import { figuresDir } from '../results/paths';
import { writeFileAtomic, writeJsonAtomic } from '../results/write';
import { launchChromium } from './browser';
import { CHROMIUM_HINT, CHROMIUM_OFF, findChromium } from './chromium';
import { displayBundle } from './display';
import { FIGURE_SIZE, FONT_FAMILIES, FONT_FAMILY } from './style';
import type { Figure } from './types';

export interface ExportOptions extends FigureTarget {
  /** the result records the figure was built from, stored in the JSON beside the spec */
  results?: unknown;
  /** size of the static images in CSS px (default FIGURE_SIZE) */
  width?: number;
  height?: number;
  /** output folder (default figures/ at the repository root) */
  dir?: string;
}

/** What the JSON file of a figure holds (test/figures.test.ts checks it). */
export interface FigureRecord {
  slug: string;
  notebook: string;
  name: string;
  /** file names, relative to the JSON's folder */
  files: { svg: string; png: string; html: string; json: string };
  size: { width: number; height: number };
  provenance: FigureTarget['provenance'];
  figure: Figure;
  results?: unknown;
  /** present when no Chromium rendered the SVG and PNG: why (they are then missing, or from an earlier run) */
  staticImages?: string;
}

export interface ExportedFigure {
  slug: string;
  /** absolute paths of the files written (svg and png are null when no Chromium rendered them) */
  paths: { svg: string | null; png: string | null; html: string; json: string };
  /** the static images, or null when skipped (no Chromium) */
  svg: string | null;
  png: Buffer | null;
  /** milliseconds: browser start (0 when already running), rendering, writing */
  ms: { launch: number; render: number; write: number };
}

const SLUG_PART = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** how long an unused browser stays open (env ZGR_EXPORTER_IDLE_S) */
const IDLE_MS = 1000 * Number(process.env.ZGR_EXPORTER_IDLE_S || 60);

/** `<notebook>-<name>`, both kebab-case. */
export function figureSlug(notebook: string, name: string): string {
  for (const [what, value] of [
    ['notebook', notebook],
    ['name', name],
  ] as const) {
    if (typeof value !== 'string' || !SLUG_PART.test(value))
      throw new Error(`figure ${what} must be kebab-case (a-z, 0-9, -), got ${JSON.stringify(value)}`);
  }
  return `${notebook}-${name}`;
}

// ---------------------------------------------------------------- the browser (one per process)

interface Session {
  browser: Browser;
  page: Page;
}

let session: Promise<Session> | null = null;
let idleTimer: NodeJS.Timeout | null = null;
/** exports run one at a time on the one page */
let queue: Promise<unknown> = Promise.resolve();
let plotlySource: string | undefined;

/** The file name of the shared plotly.js that every figure page loads from its own folder. */
export const PLOTLY_FILE = 'plotly.js';

/** Write plotly.js beside the pages, unless an identical copy is there already. */
function ensurePlotlyFile(dir: string): void {
  const target = path.join(dir, PLOTLY_FILE);
  const source = plotlyJs();
  if (
    fs.existsSync(target) &&
    fs.statSync(target).size === Buffer.byteLength(source) &&
    fs.readFileSync(target, 'utf8') === source
  )
    return;
  writeFileAtomic(target, source);
}

/** plotly.js (the bundle of plotly.js-dist). */
function plotlyJs(): string {
  plotlySource ??= fs.readFileSync(require.resolve('plotly.js-dist/plotly.js'), 'utf8');
  return plotlySource;
}

async function openSession(): Promise<Session> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addScriptTag({ content: plotlyJs() });
    // a crashed or closed browser is replaced at the next figure
    browser.on('disconnected', () => {
      session = null;
    });
    if (!fontNoted) {
      fontNoted = true;
      const present = await fontsPresent(page, FONT_FAMILIES);
      if (!present[FONT_FAMILIES[0]]) {
        const used = FONT_FAMILIES.find((f) => present[f]) ?? 'its default sans-serif';
        console.error(
          `[zgr-companion] figures: this Chromium has no ${FONT_FAMILIES[0]}, the figures' first font: ` +
            `their SVG legend boxes are measured with ${used}, narrower, ` +
            `and clip the text where a viewer has ${FONT_FAMILIES[0]}. ` +
            'Install it (Debian, Ubuntu: apt install fonts-dejavu-core).',
        );
      }
    }
    return { browser, page };
  } catch (err) {
    await browser.close().catch(() => undefined);
    throw err;
  }
}

let fontNoted = false;

/**
 * Which of `families` the page's Chromium has, measured: text set in a family it lacks falls back
 * to the generic font named after it, and so has that font's width, with either generic.
 */
function fontsPresent(page: Page, families: readonly string[]): Promise<Record<string, boolean>> {
  return page.evaluate(
    (names) => {
      const ctx = document.createElement('canvas').getContext('2d');
      if (ctx == null) throw new Error('fontsPresent: no 2d canvas context');
      const sample = 'ZGR ≡ ReinMax(τ=1) mmmmwwwwiiii 0123456789';
      const width = (font: string) => {
        ctx.font = `40px ${font}`;
        return ctx.measureText(sample).width;
      };
      return Object.fromEntries(
        names.map((f) => [f, ['monospace', 'serif'].some((g) => width(`'${f}', ${g}`) !== width(g))]),
      );
    },
    [...families],
  );
}

/**
 * Which of `families` (default FONT_FAMILIES) the exporter's Chromium has; null without a
 * Chromium. Starts the exporter's browser (closeExporter() closes it).
 */
export async function exporterFonts(
  families: readonly string[] = FONT_FAMILIES,
): Promise<Record<string, boolean> | null> {
  if (!staticExportAvailable()) return null;
  if (session == null) {
    session = openSession();
    session.catch(() => (session = null));
  }
  const { page } = await session;
  touchIdleTimer();
  return fontsPresent(page, families);
}

/** Close the exporter's browser (if any). Safe to call many times; the next export relaunches. */
export async function closeExporter(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  const s = session;
  session = null;
  if (s) await s.then((x) => x.browser.close()).catch(() => undefined);
}

function touchIdleTimer(): void {
  if (idleTimer) clearTimeout(idleTimer);
  // not unref'd: a process that never calls closeExporter still exits, one idle minute later
  idleTimer = setTimeout(() => void closeExporter(), IDLE_MS);
}

// ---------------------------------------------------------------- without a Chromium

let noChromiumNoted = false;

/**
 * Whether static images can be rendered: true with a Chromium; false without one (said once per
 * process on stderr unless ZGR_CHROMIUM=none). A ZGR_CHROMIUM that is not an executable throws.
 */
function staticExportAvailable(): boolean {
  if (session != null) return true;
  if (findChromium() != null) return true;
  const off = CHROMIUM_OFF.includes((process.env.ZGR_CHROMIUM ?? '').toLowerCase());
  if (!off && !noChromiumNoted) {
    noChromiumNoted = true;
    console.error(
      '[zgr-companion] figures: no Chromium found, so SVG/PNG are skipped; ' +
        `the interactive HTML and the JSON are written. ${CHROMIUM_HINT}`,
    );
  }
  return false;
}

// ---------------------------------------------------------------- rendering

/** A short hash of the slug: stable ids in the SVG, distinct between figures on one page. */
function slugHash(slug: string): string {
  return 'z' + createHash('sha256').update(slug).digest('hex').slice(0, 8);
}

/**
 * plotly names clip paths and defs after a random uid per plot (and classes after random trace
 * uids): give traces stable uids and replace the plot uid, so that re-running a notebook on the
 * same data rewrites identical SVG bytes.
 */
function stableSvg(svg: string, uid: string): string {
  const random = /<defs id="defs-([^"]+)"/.exec(svg)?.[1];
  if (!random) return svg;
  const esc = random.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // ids are id="<letters>[-]<uid>…", references #<letters>[-]<uid>… (in url(…), url('…'), href)
  return svg.replace(new RegExp(`(id="[A-Za-z]*-?|#[A-Za-z]*-?)${esc}`, 'g'), `$1${uid}`);
}

async function render(
  figure: Figure,
  slug: string,
  width: number,
  height: number,
): Promise<{ svg: string; png: Buffer; launchMs: number }> {
  const t0 = Date.now();
  let launched = false;
  if (session == null) {
    session = openSession();
    launched = true;
    session.catch(() => (session = null));
  }
  const { page } = await session;
  const launchMs = launched ? Date.now() - t0 : 0;
  const uid = slugHash(slug);
  const fig = { data: figure.data.map((t, i) => ({ uid: `${uid}t${i}`, ...t })), layout: figure.layout };
  const out = await page.evaluate(
    async ({ fig, width, height }) => {
      const Plotly = (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly;
      const svg = await Plotly.toImage(fig, { format: 'svg', width, height });
      const png = await Plotly.toImage(fig, { format: 'png', width, height, scale: 2 });
      return { svg, png };
    },
    { fig, width, height },
  );
  const svg = stableSvg(decodeURIComponent(out.svg.replace(/^data:image\/svg\+xml,/, '')), uid);
  const png = Buffer.from(out.png.replace(/^data:image\/png;base64,/, ''), 'base64');
  return { svg, png, launchMs };
}

/** The interactive page: plotly.js and the figure inline, so it opens offline from anywhere. */
function htmlPage(record: FigureRecord): string {
  // inside <script>, "</script" would end the element and "<!--" could start a comment
  const safe = (s: string) => s.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  const json = JSON.stringify({
    data: record.figure.data,
    layout: { ...record.figure.layout, autosize: true },
  }).replace(/</g, '\\u003c');
  const p = record.provenance;
  // no date or wall time here: re-running unchanged code rewrites this page byte for byte
  // (the JSON beside it has the full provenance record)
  const about = [
    `${record.slug}`,
    `commit ${p.commit ? p.commit.slice(0, 12) : 'unknown'}${p.dirty ? ' (+ uncommitted changes)' : ''}`,
    `backend ${p.backend ?? 'none'}`,
    `seed ${p.seed ?? 'none'}`,
    `profile ${p.profile}`,
    `provenance: ${record.files.json}`,
  ].join(' · ');
  const title = String((record.figure.layout.title as { text?: string } | undefined)?.text ?? record.slug).replace(
    /[<>&"]/g,
    '',
  );
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${title}</title>`,
    `<style>html,body{margin:0;height:100%;font-family:${FONT_FAMILY}}#plot{height:calc(100% - 2em)}` +
      'footer{font-size:12px;color:#666;padding:4px 8px}</style>',
    // one shared copy of plotly.js beside the pages (11 MB once, not per figure): the page works
    // offline wherever the figures folder is
    `<script src="${PLOTLY_FILE}"></script>`,
    '</head><body>',
    '<div id="plot"></div>',
    `<footer>${about.replace(/[<>&]/g, '')}</footer>`,
    `<script type="application/json" id="figure">${json}</script>`,
    '<script>const f = JSON.parse(document.getElementById("figure").textContent); ' +
      'Plotly.newPlot("plot", f.data, f.layout, {responsive: true});</script>',
    '</body></html>',
    '',
  ].join('\n');
}

/** No Chromium: the HTML page and the JSON (which says why the static images are missing). */
function writeWithoutImages(record: FigureRecord, dir: string): ExportedFigure {
  const t0 = Date.now();
  const given = process.env.ZGR_CHROMIUM;
  const why =
    `skipped: no Chromium (${given ? `ZGR_CHROMIUM=${given}` : 'none found'}) when this JSON was written; ` +
    `${record.files.svg} and ${record.files.png} are missing or from an earlier run`;
  const full: FigureRecord = { ...record, staticImages: why };
  ensurePlotlyFile(dir);
  const paths = {
    svg: null,
    png: null,
    html: writeFileAtomic(path.join(dir, record.files.html), htmlPage(full)),
    json: writeJsonAtomic(path.join(dir, record.files.json), full),
  };
  return { slug: record.slug, paths, svg: null, png: null, ms: { launch: 0, render: 0, write: Date.now() - t0 } };
}

/** Render `figure` and write its four files (two without a Chromium); returns their paths, the images and timings. */
export async function exportFigure(figure: Figure, options: ExportOptions): Promise<ExportedFigure> {
  const slug = figureSlug(options.notebook, options.name);
  if (!figure || !Array.isArray(figure.data) || typeof figure.layout !== 'object')
    throw new Error(`exportFigure(${slug}): expected a plotly spec { data: [...], layout: {...} }`);
  if (options.provenance == null || typeof options.provenance !== 'object')
    throw new Error(`exportFigure(${slug}): options.provenance is required (run.figure(name) or provenance({...}))`);
  const width = options.width ?? FIGURE_SIZE.width;
  const height = options.height ?? FIGURE_SIZE.height;
  const dir = options.dir ?? figuresDir();
  const files = { svg: `${slug}.svg`, png: `${slug}.png`, html: `${slug}.html`, json: `${slug}.json` };
  const record: FigureRecord = {
    slug,
    notebook: options.notebook,
    name: options.name,
    files,
    size: { width, height },
    provenance: options.provenance,
    figure,
    ...(options.results !== undefined ? { results: options.results } : {}),
  };
  // checked before rendering: plotly would silently drop NaN and JSON cannot hold it
  JSON.stringify(record, (_k, v) => {
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new Error(`exportFigure(${slug}): the figure or results hold ${v}; plotly and JSON cannot`);
    return v;
  });

  const job = queue.then(async () => {
    if (!staticExportAvailable()) return writeWithoutImages(record, dir);
    try {
      const t0 = Date.now();
      const { svg, png, launchMs } = await render(figure, slug, width, height);
      const t1 = Date.now();
      const paths = {
        svg: writeFileAtomic(path.join(dir, files.svg), svg),
        png: writeFileAtomic(path.join(dir, files.png), png),
        html: (ensurePlotlyFile(dir), writeFileAtomic(path.join(dir, files.html), htmlPage(record))),
        json: writeJsonAtomic(path.join(dir, files.json), record), // last: its presence means all four are there
      };
      return { slug, paths, svg, png, ms: { launch: launchMs, render: t1 - t0 - launchMs, write: Date.now() - t1 } };
    } finally {
      touchIdleTimer(); // also after a failure, so that a browser left open still closes
    }
  });
  queue = job.catch(() => undefined);
  return job;
}

/**
 * Export `figure` and show it in the running tslab notebook as one display bundle: the plotly
 * JSON (interactive in JupyterLab with the plotly renderer), SVG and PNG (JupyterLab without
 * the renderer, nbconvert HTML, GitHub; classic Notebook shows the PNG while a notebook is not
 * trusted, the SVG once it is) and a text line naming the files.
 * Outside a notebook it only exports and prints where the files went.
 */
export async function showFigure(figure: Figure, options: ExportOptions): Promise<void> {
  const out = await exportFigure(figure, options);
  const width = options.width ?? FIGURE_SIZE.width;
  const height = options.height ?? FIGURE_SIZE.height;
  const where = path.relative(process.cwd(), path.dirname(out.paths.json)) || '.';
  const plotly = { 'application/vnd.plotly.v1+json': { data: figure.data, layout: figure.layout } };
  const shown =
    out.svg != null && out.png != null
      ? displayBundle(
          {
            ...plotly,
            'image/svg+xml': out.svg,
            'image/png': out.png.toString('base64'),
            'text/plain': `Figure ${out.slug}: ${where}/${out.slug}.{svg,png,html,json}`,
          },
          { 'image/png': { width, height } },
        )
      : displayBundle({
          ...plotly,
          'text/plain': `Figure ${out.slug}: ${where}/${out.slug}.{html,json} (no SVG/PNG: no Chromium)`,
        });
  const text = `Figure ${out.slug}: ${where}/${out.slug}.{${out.svg != null ? 'svg,png,' : ''}html,json}`;
  if (shown === 'none') console.log(text);
  // nothing returned: tslab would print it as the cell's value (use exportFigure for the paths)
}

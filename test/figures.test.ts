/**
 * Figures: every figure in figures/ is complete and holds data, and the figure infrastructure
 * (builders, exporter, atomic writer, provenance) does what it says.
 *
 * The expected figures are derived, not listed: every figures/*.json names its four files, so
 * the check grows with the notebooks. With no figures yet it skips with a message.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { estimatorStyle } from '../lib/estimators/spec';
import { findChromium } from '../lib/plots/chromium';
import { closeExporter, exportFigure, figureSlug, PLOTLY_FILE, type FigureRecord } from '../lib/plots/export';
import { groupedBarFigure } from '../lib/plots/bar-figure';
import { lineFigure } from '../lib/plots/line-figure';
import { markdownTable } from '../lib/plots/table';
import { figuresDir, repoRoot } from '../lib/results/paths';
import { profileName } from '../lib/results/profile';
import { provenance, startRun } from '../lib/results/provenance';
import { writeJsonAtomic } from '../lib/results/write';
import { selectNotebooks } from '../scripts/jupyter';
import { FONT_FAMILY } from '../lib/plots/style';
import { styleProblems } from './plots/style-checks';

const FIGURE_EXTENSIONS = ['svg', 'png', 'html', 'json'] as const;

// ------------------------------------------------------------------ checks of one figure's files

/**
 * Well-formedness of an XML document (what a browser's XML parser would reject): one root
 * element named `root`, tags balanced and properly nested, attributes quoted and not repeated,
 * no stray '<', '&' only in entities. Returns the problems found.
 */
function xmlProblems(text: string, root: string): string[] {
  const problems: string[] = [];
  // a comment, a processing instruction, CDATA, a doctype, or a tag: (/)(name)(attributes)(/)
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/;
  const others = [/<!--[\s\S]*?-->/, /<\?[\s\S]*?\?>/, /<!\[CDATA\[[\s\S]*?\]\]>/, /<!DOCTYPE[^>]*>/];
  const token = new RegExp([...others, tag].map((r) => r.source).join('|'), 'g');
  const stack: string[] = [];
  let roots = 0;
  let last = 0;
  const checkText = (s: string, at: number) => {
    if (s.includes('<'))
      problems.push(
        `stray '<' or malformed tag near offset ${at + s.indexOf('<')}: ` +
          `${JSON.stringify(s.slice(s.indexOf('<'), s.indexOf('<') + 60))}`,
      );
    const amp = /&(?!(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);)/.exec(s);
    if (amp) problems.push(`bare '&' near offset ${at + amp.index}`);
  };
  for (let m = token.exec(text); m; m = token.exec(text)) {
    checkText(text.slice(last, m.index), last);
    last = token.lastIndex;
    const [, close, name, attrs, selfClose] = m;
    if (name == null) continue; // comment, declaration, CDATA
    if (!close) {
      const names = [...attrs.matchAll(/\s+([^\s=/>]+)\s*=/g)].map((a) => a[1]);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) problems.push(`<${name}> repeats attribute ${dup}`);
      if (stack.length === 0) roots++;
      if (!selfClose) stack.push(name);
    } else {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}> near offset ${m.index}`);
    }
  }
  checkText(text.slice(last), last);
  if (stack.length > 0) problems.push(`unclosed elements: ${stack.slice(-5).join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements, expected 1`);
  const first = /<([A-Za-z_][\w:.-]*)/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''));
  if (first?.[1] !== root) problems.push(`root element is <${first?.[1]}>, expected <${root}>`);
  return problems;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const traceTypes = new Set(['scatter', 'bar', 'box', 'histogram', 'violin', 'waterfall', 'funnel']);

/** The SVG parses, draws every trace, names every legend entry, and its references resolve. */
function checkSvg(svg: string, record: FigureRecord): void {
  const problems = xmlProblems(svg, 'svg');
  assert.deepEqual(problems, [], `${record.files.svg} is not well-formed XML:\n  ${problems.join('\n  ')}`);
  const traces = record.figure.data.filter((t) => t.visible !== false);
  assert.ok(traces.length > 0, `${record.slug}: the figure has no visible traces`);
  const cartesian = traces.filter((t) => traceTypes.has(t.type ?? 'scatter')).length;
  const drawn = (svg.match(/<g class="trace[ "]/g) ?? []).length;
  assert.ok(
    drawn >= cartesian,
    `${record.files.svg}: ${drawn} trace groups drawn, the JSON has ${cartesian} cartesian traces`,
  );
  const legendable = traces.filter((t) => t.showlegend !== false && typeof t.name === 'string' && t.name !== '');
  const legendShown =
    record.figure.layout.showlegend === true || (record.figure.layout.showlegend !== false && legendable.length >= 2);
  if (legendShown) {
    const legendText = [...svg.matchAll(/<text[^>]*class="legendtext"[^>]*>([\s\S]*?)<\/text>/g)].map((m) =>
      m[1].replace(/<[^>]+>/g, ''),
    );
    for (const t of legendable) {
      const name = xmlEscape(String(t.name).replace(/<[^>]+>/g, ''));
      assert.ok(
        legendText.some((l) => l.includes(name)),
        `${record.files.svg}: no legend entry for trace ${JSON.stringify(t.name)} (legend: ` +
          `${JSON.stringify(legendText)})`,
      );
    }
  }
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
  const refs = [...svg.matchAll(/url\((?:'|"|&quot;)?#([^)'"&]+)/g)].map((m) => m[1]);
  const dangling = refs.filter((r) => !ids.has(r));
  assert.deepEqual(dangling, [], `${record.files.svg}: url(#…) references without a matching id`);
}

/** The PNG decodes, has the figure's size (2x) and is not blank. */
function checkPng(bytes: Buffer, record: FigureRecord): void {
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (err) {
    assert.fail(`${record.files.png} does not decode as PNG: ${(err as Error).message}`);
  }
  assert.ok(
    png.width >= record.size.width && png.height >= record.size.height,
    `${record.files.png}: ${png.width}×${png.height} px, smaller than the figure ` +
      `(${record.size.width}×${record.size.height})`,
  );
  const d = png.data;
  const background = d.readUInt32BE(0); // the top-left pixel, RGBA
  const colours = new Set<number>();
  let differ = 0;
  for (let i = 0; i < d.length; i += 4) {
    const px = d.readUInt32BE(i);
    if (px !== background) differ++;
    if (colours.size < 64) colours.add(px);
  }
  const fraction = differ / (png.width * png.height);
  assert.ok(
    fraction > 0.01 && colours.size >= 3,
    `${record.files.png} looks blank: ${(100 * fraction).toFixed(2)}% of pixels differ from ` +
      `the background, ${colours.size} colours`,
  );
}

/** The page loads nothing from the network (only plotly.js beside it) and holds the figure. */
function checkHtml(html: string, record: FigureRecord): void {
  const external =
    html.match(/<(?:script|link|img|iframe)\b[^>]*\s(?:src|href)\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]*/gi) ?? [];
  assert.deepEqual(external, [], `${record.files.html} loads resources from the network`);
  assert.ok(
    /Plotly\.newPlot/.test(html) && html.includes(`<script src="${PLOTLY_FILE}"></script>`),
    `${record.files.html} does not load ${PLOTLY_FILE}`,
  );
  const json = /<script type="application\/json" id="figure">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(json, `${record.files.html} holds no figure data`);
  assert.deepEqual(
    (JSON.parse(json) as { data: unknown }).data,
    record.figure.data,
    `${record.files.html}: its data differ from ${record.files.json}`,
  );
}

/** The JSON names the figure, its files and a complete provenance record. */
function checkRecord(record: FigureRecord, jsonFile: string): void {
  const where = path.basename(jsonFile);
  assert.equal(record.slug, figureSlug(record.notebook, record.name), `${where}: slug`);
  assert.equal(`${record.slug}.json`, where, `${where}: the file name must be the slug`);
  for (const ext of FIGURE_EXTENSIONS)
    assert.equal(record.files?.[ext], `${record.slug}.${ext}`, `${where}: files.${ext}`);
  const p = record.provenance as unknown as Record<string, unknown>;
  assert.ok(p && typeof p === 'object', `${where}: no provenance`);
  for (const key of ['commit', 'dirty', 'backend', 'seed', 'profile', 'wallTimeS', 'node', 'date'])
    assert.ok(key in p, `${where}: provenance.${key} is missing`);
  assert.ok(
    p.commit === null || /^[0-9a-f]{40}$/.test(String(p.commit)),
    `${where}: provenance.commit = ${JSON.stringify(p.commit)}, expected a 40-hex commit or null`,
  );
  assert.ok(p.backend === null || typeof p.backend === 'string', `${where}: provenance.backend`);
  assert.ok(p.seed === null || Number.isSafeInteger(p.seed), `${where}: provenance.seed = ${JSON.stringify(p.seed)}`);
  assert.ok(
    p.profile === 'quick' || p.profile === 'paper',
    `${where}: provenance.profile = ${JSON.stringify(p.profile)}`,
  );
  assert.ok(
    p.wallTimeS === null || (typeof p.wallTimeS === 'number' && p.wallTimeS >= 0),
    `${where}: provenance.wallTimeS = ${JSON.stringify(p.wallTimeS)}`,
  );
  assert.ok(typeof p.node === 'string' && /^v\d+/.test(p.node), `${where}: provenance.node`);
  assert.ok(
    typeof p.date === 'string' && !Number.isNaN(Date.parse(p.date)),
    `${where}: provenance.date = ${JSON.stringify(p.date)}`,
  );
  assert.ok(
    Array.isArray(record.figure?.data) && typeof record.figure.layout === 'object',
    `${where}: figure.data / figure.layout`,
  );
}

/**
 * All checks of the figure whose JSON is `jsonFile`. A figure exported without a Chromium
 * (record.staticImages says why) has no SVG/PNG of its own: those checks are left to
 * `checkStaticImages`, which the tests skip for it.
 */
function checkFigure(jsonFile: string): FigureRecord {
  const dir = path.dirname(jsonFile);
  const record = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as FigureRecord;
  checkRecord(record, jsonFile);
  for (const ext of FIGURE_EXTENSIONS) {
    if (record.staticImages != null && (ext === 'svg' || ext === 'png')) continue;
    const file = path.join(dir, record.files[ext]);
    assert.ok(
      fs.existsSync(file) && fs.statSync(file).size > 0,
      `${record.files[ext]} is missing or empty (named by ${path.basename(jsonFile)})`,
    );
  }
  if (record.staticImages == null) checkStaticImages(record, dir);
  checkHtml(fs.readFileSync(path.join(dir, record.files.html), 'utf8'), record);
  assert.ok(
    fs.statSync(path.join(dir, PLOTLY_FILE)).size > 1_000_000,
    `${PLOTLY_FILE} is missing beside ${record.files.html}`,
  );
  return record;
}

/** The SVG and PNG of a figure. */
function checkStaticImages(record: FigureRecord, dir: string): void {
  checkSvg(fs.readFileSync(path.join(dir, record.files.svg), 'utf8'), record);
  checkPng(fs.readFileSync(path.join(dir, record.files.png)), record);
}

// ------------------------------------------------------------------ the committed figures

const figureJsons = fs.existsSync(figuresDir())
  ? fs
      .readdirSync(figuresDir())
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

describe('figures/: every figure is complete and holds data', () => {
  if (figureJsons.length === 0) {
    it(
      'has figures to check',
      { skip: 'figures/ holds no figure (*.json) yet: run `npm run reproduce`' },
      () => undefined,
    );
    return;
  }
  for (const file of figureJsons) {
    const staticImages = (JSON.parse(fs.readFileSync(path.join(figuresDir(), file), 'utf8')) as FigureRecord)
      .staticImages;
    if (staticImages != null) {
      it(
        `${file.replace(/\.json$/, '')}: SVG and PNG`,
        { skip: `${staticImages}: re-run its notebook with a Chromium` },
        () => undefined,
      );
    }
    it(
      `${file.replace(/\.json$/, '')}: JSON with provenance, SVG with its traces, non-blank ` +
        `PNG, self-contained HTML`,
      () => {
        const record = checkFigure(path.join(figuresDir(), file));
        if (/^\d{2}-/.test(record.notebook)) {
          assert.ok(
            fs.existsSync(path.join(repoRoot(), 'notebooks', `${record.notebook}.ipynb`)),
            `${file}: its notebook notebooks/${record.notebook}.ipynb does not exist`,
          );
        }
      },
    );
  }
  // the shared style (one font; log axes labelled with numbers, no bare minor digits; error bars
  // as arrays). A figure exported before the shared font was set is stale: skipped, naming the
  // notebook to re-run, rather than failed, so that regenerating notebooks one at a time works.
  for (const file of figureJsons) {
    const record = JSON.parse(fs.readFileSync(path.join(figuresDir(), file), 'utf8')) as FigureRecord;
    const family = (record.figure?.layout?.font as { family?: string } | undefined)?.family;
    const stale =
      family !== FONT_FAMILY
        ? `exported before the shared style (font ${JSON.stringify(family)}): re-run notebooks/${record.notebook}.ipynb`
        : false;
    it(`${file.replace(/\.json$/, '')}: the shared style (font, log ticks, error bars)`, { skip: stale }, () => {
      const problems = styleProblems(record.figure);
      assert.deepEqual(problems, [], `${file}:\n  ${problems.join('\n  ')}`);
    });
  }
  it('no file in figures/ is left without the JSON that names it', () => {
    const named = new Set(
      figureJsons.flatMap((f) =>
        Object.values((JSON.parse(fs.readFileSync(path.join(figuresDir(), f), 'utf8')) as FigureRecord).files),
      ),
    );
    const orphans = fs
      .readdirSync(figuresDir())
      .filter((f) => FIGURE_EXTENSIONS.some((e) => f.endsWith(`.${e}`)) && !named.has(f));
    assert.deepEqual(
      orphans,
      [],
      'stale figure files (renamed or removed figures?): delete them or re-run their notebook',
    );
  });
});

// ------------------------------------------------------------------ the infrastructure

describe('figure builders: registry colours, labelled axes, log scales where values span decades', () => {
  it('lineFigure draws each estimator in its registry colour, with a filled band', () => {
    const fig = lineFigure({
      x: { title: 'temperature τ', log: true },
      y: { title: 'deviation', log: 'auto' },
      series: [
        {
          estimator: 'zgr',
          x: [0.1, 1, 10],
          y: [1e-3, 1e-2, 1e-1],
          band: { lower: [5e-4, 5e-3, 5e-2], upper: [2e-3, 2e-2, 2e-1] },
        },
        { estimator: 'st', x: [0.1, 1], y: [0.5, 0.5] },
      ],
    });
    const lines = fig.data.filter((t) => t.showlegend !== false);
    assert.deepEqual(
      lines.map((t) => t.name),
      ['ZGR', 'ST'],
    );
    assert.deepEqual(
      lines.map((t) => (t.line as { color: string }).color),
      [estimatorStyle({ name: 'zgr' }).colour, estimatorStyle({ name: 'st' }).colour],
    );
    assert.equal(fig.data.filter((t) => t.fill === 'tonexty').length, 1, 'one filled band');
    const { xaxis, yaxis } = fig.layout as Record<string, { type: string; title: { text: string } }>;
    assert.equal(xaxis.type, 'log');
    assert.equal(yaxis.type, 'log', 'y spans 3 decades: auto picks log');
    assert.equal(xaxis.title.text, 'temperature τ');
  });
  it('lineFigure keeps a linear axis for values within a decade, and labels units', () => {
    const fig = lineFigure({
      x: { title: 'step' },
      y: { title: 'time', unit: 's', log: 'auto' },
      series: [{ label: 'a', x: [1, 2], y: [1, 2] }],
    });
    const { yaxis } = fig.layout as Record<string, { type: string; title: { text: string } }>;
    assert.equal(yaxis.type, 'linear');
    assert.equal(yaxis.title.text, 'time (s)');
  });
  it(
    'builders reject NaN, ragged series, unknown estimators and non-positive values on log ' +
      'axes, naming the series',
    () => {
      assert.throws(
        () =>
          lineFigure({ x: { title: 'x' }, y: { title: 'y' }, series: [{ estimator: 'zgr', x: [1, 2], y: [1, NaN] }] }),
        /ZGR.*y\[1\] is NaN/,
      );
      assert.throws(
        () => lineFigure({ x: { title: 'x' }, y: { title: 'y' }, series: [{ estimator: 'zgr', x: [1, 2], y: [1] }] }),
        /ZGR.*1 values, expected 2/,
      );
      assert.throws(
        () => lineFigure({ x: { title: 'x' }, y: { title: 'y' }, series: [{ estimator: 'nope', x: [1], y: [1] }] }),
        /unknown estimator "nope"/,
      );
      assert.throws(
        () =>
          lineFigure({
            x: { title: 'x' },
            y: { title: 'y', log: true },
            series: [{ label: 'a', x: [1, 2], y: [1, 0] }],
          }),
        /log-scale/,
      );
      assert.throws(
        () =>
          groupedBarFigure({
            categories: ['a', 'b'],
            x: { title: 'c' },
            y: { title: 'v' },
            series: [{ estimator: 'st', values: [1] }],
          }),
        /ST.*1 values, expected 2/,
      );
    },
  );
  it('groupedBarFigure: one bar trace per series, estimator colours, references in grey', () => {
    const fig = groupedBarFigure({
      categories: ['j = 1', 'j = 2'],
      x: { title: 'j' },
      y: { title: 'g' },
      series: [
        { label: 'exact', values: [1, -1] },
        { estimator: 'darn', values: [0.5, -0.5], error: [0.1, 0.1] },
      ],
    });
    assert.deepEqual(
      fig.data.map((t) => (t.marker as { color: string }).color),
      ['#333333', estimatorStyle({ name: 'darn' }).colour],
    );
    assert.equal((fig.layout as { barmode: string }).barmode, 'group');
  });
  it('markdownTable right-aligns numeric columns and formats −0 as 0', () => {
    assert.equal(
      markdownTable(
        ['name', 'g'],
        [
          ['a|b', -0.00001],
          ['c', 1],
        ],
        2,
      ),
      '| name | g |\n|:---|---:|\n| a\\|b | 0.00 |\n| c | 1.00 |',
    );
  });
  it('figure names are kebab-case', () => {
    assert.equal(figureSlug('03-c1-zero-temperature-limit', 'deviation'), '03-c1-zero-temperature-limit-deviation');
    assert.throws(() => figureSlug('03 C1', 'x'), /kebab-case/);
    assert.throws(() => figureSlug('03-c1', 'a/b'), /kebab-case/);
  });
});

describe('results: atomic writer, provenance and profile', () => {
  it('writeJsonAtomic writes the whole file, leaves no temporary file and refuses NaN', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-results-'));
    const file = path.join(dir, 'sub', 'r.json');
    writeJsonAtomic(file, { a: [1, 2], b: 'x' });
    writeJsonAtomic(file, { a: [3] });
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { a: [3] });
    assert.throws(() => writeJsonAtomic(file, { loss: NaN }), /"loss" is NaN/);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { a: [3] }, 'a failed write leaves the old file');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['r.json']);
    fs.rmSync(dir, { recursive: true });
  });
  it('provenance records commit, backend, seed, profile, wall time, node and date', () => {
    const p = provenance({ seed: 7, wallTimeS: 1.5 });
    assert.equal(p.seed, 7);
    assert.equal(p.wallTimeS, 1.5);
    assert.equal(p.profile, profileName());
    assert.equal(p.node, process.version);
    assert.ok(p.commit === null || /^[0-9a-f]{40}$/.test(p.commit));
    assert.ok(!Number.isNaN(Date.parse(p.date)));
    assert.throws(() => provenance({ seed: 1.5 }), /seed must be an integer/);
  });
  it('provenance tolerates a missing git (commit from ZGR_COMMIT, else null)', () => {
    const saved = { PATH: process.env.PATH, ZGR_COMMIT: process.env.ZGR_COMMIT };
    try {
      process.env.PATH = '/nonexistent';
      delete process.env.ZGR_COMMIT;
      assert.equal(provenance({ seed: null }).commit, null);
      process.env.ZGR_COMMIT = 'f'.repeat(40);
      assert.equal(provenance({ seed: null }).commit, 'f'.repeat(40));
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.ZGR_COMMIT === undefined) delete process.env.ZGR_COMMIT;
      else process.env.ZGR_COMMIT = saved.ZGR_COMMIT;
    }
  });
  it('ZGR_PROFILE is quick by default, medium, long or paper on request, anything else a clear error', () => {
    assert.equal(profileName({}), 'quick');
    assert.equal(profileName({ ZGR_PROFILE: 'paper' }), 'paper');
    assert.equal(profileName({ ZGR_PROFILE: 'medium' }), 'medium');
    assert.throws(
      () => profileName({ ZGR_PROFILE: 'full' }),
      /ZGR_PROFILE must be one of quick, medium, long, paper .*"full"/,
    );
  });
  it('a run gives figures its notebook, name and provenance with the wall time so far', () => {
    const run = startRun({ notebook: '01-estimators-tour', seed: 3 });
    const target = run.figure('x');
    assert.equal(target.notebook, '01-estimators-tour');
    assert.equal(target.provenance.seed, 3);
    assert.ok(target.provenance.wallTimeS! >= 0);
    assert.match(run.describe(), /^backend .*\nseed +3\nprofile/);
  });
});

describe('npm run reproduce: choosing notebooks', () => {
  const all = ['01-estimators-tour.ipynb', '02-c2-c5-exact-claims.ipynb', '03-c1-zero-temperature-limit.ipynb'];
  it('selects by number, file name or part of the name, in notebook order; none selects all', () => {
    assert.deepEqual(selectNotebooks(all, ['03']), [all[2]]);
    assert.deepEqual(selectNotebooks(all, ['3', '1']), [all[0], all[2]]);
    assert.deepEqual(selectNotebooks(all, ['notebooks/02-c2-c5-exact-claims.ipynb']), [all[1]]);
    assert.deepEqual(selectNotebooks(all, ['c1']), [all[2]]);
    assert.deepEqual(selectNotebooks(all, []), all);
  });
  it('an unknown selector is an error that lists the notebooks', () => {
    assert.throws(
      () => selectNotebooks(all, ['09']),
      /no notebook matches "09"; notebooks: 01-estimators-tour.ipynb, /,
    );
  });
});

describe('exporter: one browser, four files per figure', () => {
  let chromium: string | null = null;
  try {
    chromium = findChromium();
  } catch {
    chromium = null;
  }
  const skip = chromium == null ? 'no Chromium here (apt-get install chromium, or set ZGR_CHROMIUM)' : false;
  it(
    'exportFigure writes SVG, PNG, HTML and JSON that pass the figure checks, with stable element ids',
    { skip, timeout: 120_000 },
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-figures-'));
      try {
        const fig = lineFigure({
          title: 'exporter test',
          x: { title: 'temperature τ', log: true },
          y: { title: 'value', log: 'auto' },
          series: [
            {
              estimator: 'zgr',
              x: [0.1, 1, 10],
              y: [0.001, 0.01, 0.1],
              band: { lower: [0.0005, 0.005, 0.05], upper: [0.002, 0.02, 0.2] },
            },
            { estimator: 'grMck', options: { K: 10, tau: 1 }, x: [0.1, 1, 10], y: [0.002, 0.03, 0.2] },
          ],
        });
        const target = { notebook: '00-test', name: 'lines', provenance: provenance({ seed: 1, wallTimeS: 0 }), dir };
        const first = await exportFigure(fig, target);
        const second = await exportFigure(fig, target);
        assert.equal(second.ms.launch, 0, 'the second figure reuses the browser');
        assert.ok(
          first.svg != null && second.svg != null && first.png != null,
          'with a Chromium the SVG and PNG are rendered',
        );
        const ids = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]).join(' ');
        assert.ok(
          /id="defs-z[0-9a-f]{8}"/.test(first.svg),
          "plotly's random plot id is replaced by one derived from the slug",
        );
        assert.ok(
          ids(first.svg) === ids(second.svg),
          `element ids differ between two exports of one figure:\n  ${ids(first.svg)}\n  ${ids(second.svg)}`,
        );
        const record = checkFigure(first.paths.json);
        assert.equal(record.slug, '00-test-lines');
        assert.deepEqual(styleProblems(record.figure), []);
        // the SVG names the shared font, so a viewer draws the text the legend boxes were measured with
        assert.ok(first.svg.includes('DejaVu Sans'), 'the SVG names the shared font family');
        assert.ok(
          fs.readFileSync(first.paths.html, 'utf8').includes(`font-family:${FONT_FAMILY}`),
          'the page uses the shared font',
        );
      } finally {
        await closeExporter();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

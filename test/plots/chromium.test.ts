/**
 * Finding a Chromium (ZGR_CHROMIUM, the system's, a playwright-installed one) and exporting
 * figures without one: the HTML and JSON are written, the SVG and PNG skipped, not failed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { groupedBarFigure } from '../../lib/plots/bar-figure';
import { findChromium, findPlaywrightChromium, playwrightBrowsersDir } from '../../lib/plots/chromium';
import { closeExporter, exporterFonts, exportFigure, type FigureRecord } from '../../lib/plots/export';
import { FONT_FAMILIES } from '../../lib/plots/style';
import { provenance } from '../../lib/results/provenance';

function executable(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
}

describe('findChromium', () => {
  it(
    'ZGR_CHROMIUM=none turns static export off; a ZGR_CHROMIUM that is not an executable is ' +
      'an error that says how to get one',
    () => {
      assert.equal(findChromium({ ZGR_CHROMIUM: 'none' }), null);
      assert.equal(findChromium({ ZGR_CHROMIUM: 'off' }), null);
      const says = [
        'ZGR_CHROMIUM=/nonexistent/chrome is not an executable',
        'playwright-core install chromium',
        'apt install chromium',
      ];
      assert.throws(() => findChromium({ ZGR_CHROMIUM: '/nonexistent/chrome' }), new RegExp(says.join('.*')));
    },
  );

  it(
    "finds playwright's Chromium under PLAYWRIGHT_BROWSERS_PATH or ~/.cache/ms-playwright: " +
      'newest revision, full browser first',
    () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-home-'));
      try {
        const env = { HOME: home };
        const dir = playwrightBrowsersDir(env);
        if (process.platform === 'linux') assert.equal(dir, path.join(home, '.cache', 'ms-playwright'));
        assert.equal(findPlaywrightChromium(env), null, 'nothing installed');
        executable(path.join(dir, 'chromium_headless_shell-1200', 'chrome-linux', 'headless_shell'));
        assert.equal(
          findPlaywrightChromium(env),
          path.join(dir, 'chromium_headless_shell-1200', 'chrome-linux', 'headless_shell'),
        );
        executable(
          path.join(dir, 'chromium_headless_shell-1255', 'chrome-headless-shell-linux64', 'chrome-headless-shell'),
        );
        executable(path.join(dir, 'chromium-1255', 'chrome-linux64', 'chrome'));
        fs.mkdirSync(path.join(dir, 'chromium-1300')); // an unfinished download: no executable
        assert.equal(findPlaywrightChromium(env), path.join(dir, 'chromium-1255', 'chrome-linux64', 'chrome'));
        assert.equal(findPlaywrightChromium({ PLAYWRIGHT_BROWSERS_PATH: path.join(home, 'elsewhere') }), null);
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    },
  );
});

describe('exporter without a Chromium', () => {
  it(
    'writes the HTML and the JSON (which says the static images were skipped), no SVG/PNG, ' + 'and does not fail',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zgr-nochromium-'));
      const saved = process.env.ZGR_CHROMIUM;
      process.env.ZGR_CHROMIUM = 'none';
      try {
        const fig = groupedBarFigure({
          title: 'no chromium',
          categories: ['a', 'b'],
          x: { title: 'category' },
          y: { title: 'value' },
          series: [{ label: 'one', values: [1, 2] }],
        });
        const out = await exportFigure(fig, {
          notebook: '00-test',
          name: 'bars',
          provenance: provenance({ seed: 1, wallTimeS: 0 }),
          dir,
        });
        assert.equal(out.svg, null);
        assert.equal(out.png, null);
        assert.deepEqual(out.paths.svg, null);
        assert.deepEqual(fs.readdirSync(dir).sort(), ['00-test-bars.html', '00-test-bars.json', 'plotly.js']);
        const record = JSON.parse(fs.readFileSync(out.paths.json, 'utf8')) as FigureRecord;
        assert.match(record.staticImages ?? '', /^skipped: no Chromium \(ZGR_CHROMIUM=none\)/);
        assert.deepEqual(record.files, {
          svg: '00-test-bars.svg',
          png: '00-test-bars.png',
          html: '00-test-bars.html',
          json: '00-test-bars.json',
        });
        assert.match(fs.readFileSync(out.paths.html, 'utf8'), /Plotly\.newPlot/);
      } finally {
        if (saved === undefined) delete process.env.ZGR_CHROMIUM;
        else process.env.ZGR_CHROMIUM = saved;
        await closeExporter();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

/** The families fontconfig has (fc-list), or null where fc-list is not installed. */
function fontconfigFamilies(): Set<string> | null {
  const out = spawnSync('fc-list', [':', 'family'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return null;
  return new Set(
    out.stdout
      .split('\n')
      .flatMap((line) => line.split(','))
      .map((f) => f.trim())
      .filter((f) => f !== ''),
  );
}

describe("the exporter's fonts", () => {
  it(
    'are measured in its Chromium: a family it lacks is reported absent, and the fonts fontconfig lists are present',
    { skip: findChromium() == null ? 'no Chromium here' : false },
    async () => {
      try {
        const missing = 'No Such Font Zgr';
        const present = await exporterFonts([...FONT_FAMILIES, missing]);
        assert.ok(present != null);
        assert.equal(present[missing], false, `a family no one has reads as present: ${JSON.stringify(present)}`);
        const listed = fontconfigFamilies();
        // Chromium also takes fontconfig's metric-compatible aliases (Arial → Liberation Sans): only the
        // listed ones are checked
        for (const f of FONT_FAMILIES)
          if (listed?.has(f))
            assert.equal(
              present[f],
              true,
              `fc-list has ${f}, the exporter's Chromium does not: ${JSON.stringify(present)}`,
            );
      } finally {
        await closeExporter();
      }
    },
  );
});

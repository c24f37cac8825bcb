/**
 * Finding the headless Chromium that renders figures (plotly.js needs a real browser; see
 * PLATFORM.md) and the flags it runs with. No playwright types here: this module is safe to
 * import anywhere, including notebooks.
 */
import * as fs from 'node:fs';

/** Where Chromium usually lives; the first executable one is used unless ZGR_CHROMIUM is set. */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  '/usr/lib/chromium/chromium', // Debian's binary (/usr/bin/chromium is a wrapper script)
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
];

/** Launch flags for a headless, sandbox-less, offline Chromium (no --user-data-dir here). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage', // containers often have a tiny /dev/shm
];

export const CHROMIUM_HINT =
  'Chromium is needed to render figures. Debian/Ubuntu: apt-get install -y --no-install-recommends chromium ' +
  '(or set ZGR_CHROMIUM=/path/to/chrome-or-chromium).';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The Chromium executable: env ZGR_CHROMIUM (must exist) or the first candidate found; else null. */
export function findChromium(env: Record<string, string | undefined> = process.env): string | null {
  const given = env.ZGR_CHROMIUM;
  if (given) {
    if (!isExecutable(given)) throw new Error(`ZGR_CHROMIUM=${given} is not an executable file. ${CHROMIUM_HINT}`);
    return given;
  }
  return CHROMIUM_CANDIDATES.find(isExecutable) ?? null;
}

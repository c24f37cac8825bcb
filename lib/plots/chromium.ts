/**
 * Finding the headless Chromium that renders figures (plotly.js needs a real browser; see
 * PLATFORM.md) and the flags it runs with. No playwright types here: this module is safe to
 * import anywhere, including notebooks.
 *
 * Static figure export (SVG, PNG) is optional: without a Chromium the exporter still writes the
 * interactive HTML and the JSON, and says once how to get one (CHROMIUM_HINT).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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

/** ZGR_CHROMIUM values that turn static export off on purpose (no search, no note). */
export const CHROMIUM_OFF: readonly string[] = ['none', 'off'];

export const CHROMIUM_HINT =
  'Chromium renders the static figures (SVG, PNG). Get one with either of: ' +
  "`npx playwright-core install chromium` (the project's own playwright-core; " +
  '`npx playwright install chromium` works too; ' +
  'add --with-deps, as root, for the system libraries it needs) or `apt install chromium` (Debian/Ubuntu); ' +
  'or set ZGR_CHROMIUM=/path/to/chrome-or-chromium.';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Playwright's browser folder: PLAYWRIGHT_BROWSERS_PATH, else <XDG_CACHE_HOME or ~/.cache>/ms-playwright. */
export function playwrightBrowsersDir(env: Record<string, string | undefined> = process.env): string {
  const given = env.PLAYWRIGHT_BROWSERS_PATH;
  if (given && given !== '0') return given;
  const home = env.HOME || os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'ms-playwright');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'ms-playwright');
}

/** Executables inside one playwright browser folder (chromium-N, chromium_headless_shell-N), old and new layouts. */
const PLAYWRIGHT_EXECUTABLES: Record<string, readonly string[][]> = {
  chromium: [
    ['chrome-linux64', 'chrome'],
    ['chrome-linux', 'chrome'],
    ['chrome-linux-arm64', 'chrome'],
    ['chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
  ],
  chromium_headless_shell: [
    ['chrome-headless-shell-linux64', 'chrome-headless-shell'],
    ['chrome-headless-shell-linux-arm64', 'chrome-headless-shell'],
    ['chrome-linux', 'headless_shell'],
    ['chrome-headless-shell-mac-arm64', 'chrome-headless-shell'],
    ['chrome-headless-shell-mac-x64', 'chrome-headless-shell'],
    ['chrome-mac', 'headless_shell'],
  ],
};

/**
 * A Chromium that playwright installed (`npx playwright-core install chromium`): the newest
 * revision first, the full browser before the headless shell; null when there is none.
 */
export function findPlaywrightChromium(env: Record<string, string | undefined> = process.env): string | null {
  const dir = playwrightBrowsersDir(env);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const installs = names
    .map((name) => /^(chromium|chromium_headless_shell)-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m != null)
    .sort((a, b) => Number(b[2]) - Number(a[2]) || (a[1] === 'chromium' ? -1 : 1));
  for (const [name, kind] of installs) {
    const found = PLAYWRIGHT_EXECUTABLES[kind].map((parts) => path.join(dir, name, ...parts)).find(isExecutable);
    if (found) return found;
  }
  return null;
}

/**
 * The Chromium executable: env ZGR_CHROMIUM (must exist; `none` turns static export off), else
 * the first system candidate, else a playwright-installed one; null when there is none.
 */
export function findChromium(env: Record<string, string | undefined> = process.env): string | null {
  const given = env.ZGR_CHROMIUM;
  if (given) {
    if (CHROMIUM_OFF.includes(given.toLowerCase())) return null;
    if (!isExecutable(given)) {
      throw new Error(
        `ZGR_CHROMIUM=${given} is not an executable file (ZGR_CHROMIUM=none turns static figure export off). ` +
          CHROMIUM_HINT,
      );
    }
    return given;
  }
  return CHROMIUM_CANDIDATES.find(isExecutable) ?? findPlaywrightChromium(env);
}

/** Where findChromium looked, for messages. */
export function chromiumSearchPath(env: Record<string, string | undefined> = process.env): string {
  if (env.ZGR_CHROMIUM && CHROMIUM_OFF.includes(env.ZGR_CHROMIUM.toLowerCase()))
    return `ZGR_CHROMIUM=${env.ZGR_CHROMIUM} (static export off)`;
  return ['ZGR_CHROMIUM (unset)', ...CHROMIUM_CANDIDATES, `${playwrightBrowsersDir(env)}/chromium*-N`].join(', ');
}

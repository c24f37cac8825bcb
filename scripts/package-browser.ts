/**
 * Opens a page in headless Chromium and prints what it logs (scripts/package-check.sh: the
 * @zgr/estimators README example, bundled for the browser). Chromium is found and launched as
 * for the figures (lib/plots/browser.ts: ZGR_CHROMIUM or the usual paths, the same flags).
 *
 *   node package-browser.js PAGE.html DONE_PREFIX
 *
 * Prints each console message of the page as a line; waits until one starts with DONE_PREFIX.
 * Exit 1 when the page logs a console error, throws, fails to load, or is not done in 60 s.
 */
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../lib/plots/browser';
import { runCommand, UsageError } from './cli';

const USAGE = `usage: package-browser PAGE.html DONE_PREFIX
Opens PAGE.html in headless Chromium, prints its console messages, and waits for one that starts
with DONE_PREFIX; exit 1 on a console error, an exception, a failed load, or 60 s without it.`;

async function main({ positionals }: { positionals: string[] }): Promise<number> {
  const [page, donePrefix] = positionals;
  if (positionals.length !== 2)
    throw new UsageError(`needs PAGE.html and DONE_PREFIX, got ${JSON.stringify(positionals)}`);
  const problems: string[] = [];
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    tab.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error') problems.push(`console error: ${text}`);
      else console.log(text);
      if (text.startsWith(donePrefix)) finish();
    });
    tab.on('pageerror', (error) => {
      problems.push(`page error: ${error.message}`);
      finish();
    });
    await tab.goto(pathToFileURL(page).href);
    const timeout = new Promise<void>((resolve) =>
      setTimeout(() => {
        problems.push(`no console line starting with '${donePrefix}' within 60 s`);
        resolve();
      }, 60_000).unref(),
    );
    await Promise.race([done, timeout]);
    await new Promise((resolve) => setTimeout(resolve, 250)); // errors logged just after the last line
  } finally {
    await browser.close();
  }
  for (const problem of problems) console.error(problem);
  return problems.length === 0 ? 0 : 1;
}

runCommand({ name: 'package-browser', usage: USAGE, options: {}, positionals: true }, main);

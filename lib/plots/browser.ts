/**
 * Launching headless Chromium through playwright-core. Kept apart from the modules notebooks
 * import, so that playwright's typings never reach tslab's TypeScript 5.0 (PLATFORM.md).
 */
import type { Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_HINT, findChromium } from './chromium';

/** Start headless Chromium; an error says how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath == null) throw new Error(`no Chromium found. ${CHROMIUM_HINT}`);
  // require, not import: loading playwright-core costs ~100 ms, paid only when a figure is drawn
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath,
    args: [...CHROMIUM_ARGS],
    // tslab interrupts a cell with SIGINT: that must not kill the browser (or exit the kernel)
    handleSIGINT: false,
    timeout: 60_000,
  });
}

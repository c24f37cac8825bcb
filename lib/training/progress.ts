/**
 * A progress bar for long runs: steps done, rate, ETA and the training loss of the last epoch
 * (−ELBO, or the task's loss; losses are read once an epoch), on stderr. On a terminal it redraws
 * one line; elsewhere (CI logs, notebooks) it prints a line at most every `everyS` seconds and at
 * each epoch end, so logs stay short. And the line a command ends a run with (runSummary).
 */

export interface ProgressUpdate {
  /** steps done in the whole run (including those before a resume) */
  step: number;
  /** total steps of the run */
  total: number;
  epoch: number;
  epochs: number;
  /**
   * mean training loss: of this epoch at its end (epochEnd), before that of the last finished
   * epoch (NaN in the first): losses are read once per epoch (training-run.ts)
   */
  loss: number;
  /** this update ends an epoch */
  epochEnd?: boolean;
}

export type ProgressSink = (update: ProgressUpdate & { final?: boolean; label?: string }) => void;

/** h:mm:ss */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * A bar for one run; `label` prefixes every line, `lossName` names the training loss (default
 * −ELBO). ETA counts only the steps done in this process.
 */
export function progressBar(
  label: string,
  options: { stream?: NodeJS.WriteStream; everyS?: number; width?: number; lossName?: string } = {},
): ProgressSink {
  const stream = options.stream ?? process.stderr;
  const lossName = options.lossName ?? '−ELBO';
  const tty = stream.isTTY === true;
  const everyS = options.everyS ?? 10;
  const width = options.width ?? 24;
  let start: { t: number; step: number } | null = null;
  let lastPrint = 0;
  return (u) => {
    const now = Date.now();
    if (start == null) start = { t: now, step: u.step };
    const elapsed = (now - start.t) / 1000;
    const rate = elapsed > 0 ? (u.step - start.step) / elapsed : 0; // steps/s in this process
    const eta = rate > 0 ? (u.total - u.step) / rate : NaN;
    const filled = Math.round((width * u.step) / Math.max(1, u.total));
    const line =
      `${u.label ?? label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${u.step}/${u.total} steps` +
      ` | epoch ${u.epoch}/${u.epochs} | ${lossName} ` +
      `${Number.isFinite(u.loss) ? u.loss.toFixed(lossName === '−ELBO' ? 2 : 4) : '–'}` +
      ` | ${rate.toFixed(1)} steps/s | ETA ${formatDuration(eta)}`;
    if (tty) {
      stream.write(`\r${line}\x1b[K${u.final ? '\n' : ''}`);
    } else if (u.final || u.epochEnd || now - lastPrint >= everyS * 1000) {
      stream.write(line + '\n');
      lastPrint = now;
    }
  };
}

/** What happens in a sweep of runs (runSweep), in order: start, then progress and done events of its runs. */
export type SweepEvent<R = unknown> =
  | { type: 'start'; runs: number; finishedBefore: number; workers: number; resultsDir: string }
  | { type: 'progress'; key: string; update: ProgressUpdate }
  | { type: 'done'; key: string; finished: number; runs: number; result: R };

/** A run's key without its hash, for progress lines: "8x4-zgr-lr0.001-s0". */
export const shortKey = (key: string): string => key.replace(/-[0-9a-f]{10}$/, '');

/**
 * A live board of a sweep for a display that can be redrawn in place (a notebook's
 * `tslab.newDisplay()`): runs finished, elapsed time, and one line per running run with its
 * epoch, steps and training loss of the last epoch (−ELBO unless `lossName` says otherwise).
 * Redrawn at most every `everyS` seconds, and at every epoch end, finished run and the start.
 */
export function sweepBoard(
  show: (text: string) => void,
  options: { everyS?: number; width?: number; lossName?: string } = {},
): (event: SweepEvent) => void {
  const everyS = options.everyS ?? 2;
  const lossName = options.lossName ?? '−ELBO';
  const width = options.width ?? 20;
  const started = Date.now();
  const running = new Map<string, ProgressUpdate>();
  let header = '';
  let finished = 0;
  let runs = 0;
  let lastShow = 0;
  const draw = () => {
    const lines = [...running.entries()].map(([key, u]) => {
      const filled = Math.round((width * u.step) / Math.max(1, u.total));
      return (
        `  ${shortKey(key).padEnd(34)} epoch ${u.epoch}/${u.epochs} ` +
        `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
        `${u.step}/${u.total} steps, ${lossName} ` +
        `${Number.isFinite(u.loss) ? u.loss.toFixed(lossName === '−ELBO' ? 2 : 4) : '–'}`
      );
    });
    const status = `${finished} of ${runs} runs finished · ${formatDuration((Date.now() - started) / 1000)} elapsed`;
    show([header, status, ...(lines.length > 0 ? ['running:', ...lines] : [])].join('\n'));
    lastShow = Date.now();
  };
  return (e) => {
    if (e.type === 'start') {
      header =
        `${e.runs} runs: ${e.finishedBefore} finished before, ` +
        `${e.runs - e.finishedBefore} to train on ${e.workers} process(es)`;
      runs = e.runs;
      finished = e.finishedBefore;
    } else if (e.type === 'progress') {
      running.set(e.key, e.update);
      if (!e.update.epochEnd && Date.now() - lastShow < everyS * 1000) return;
    } else {
      running.delete(e.key);
      finished = e.finished;
    }
    draw();
  };
}

/** What runSummary reads of a run's result (training-run.ts RunResult). */
export interface RunSummaryInput {
  label: string;
  done: boolean;
  resumes: number;
  weightsChecksum: string;
  config: { epochs: number };
  history: { epoch: number; wallTimeS: number }[];
}

/**
 * The line a command ends a run with, for people: how far it got, its training time, the test
 * metric of its last epoch (`metric`, the task's summary phrase), and where it is, e.g.
 *   "ZGR: finished 10 epochs in 0:12:03 of training (resumed once); test −ELBO 98.12;
 *   weights 070bbc57099ea189; in results/e3/8x4-zgr-…"
 */
export function runSummary(r: RunSummaryInput, metric: string, folder: string): string {
  const epochs = r.history.at(-1)?.epoch ?? 0;
  const time = formatDuration(r.history.at(-1)?.wallTimeS ?? 0);
  const resumed = r.resumes === 0 ? '' : r.resumes === 1 ? ' (resumed once)' : ` (resumed ${r.resumes} times)`;
  const what = r.done
    ? `finished ${plural(epochs, 'epoch')}`
    : `stopped after ${epochs} of ${plural(r.config.epochs, 'epoch')}`;
  return `${r.label}: ${what} in ${time} of training${resumed}; ${metric}; weights ${r.weightsChecksum}; in ${folder}`;
}

/** What a command says when the run it was asked for has finished before: "skipped: already finished (10 epochs)". */
export function alreadyFinished(r: RunSummaryInput): string {
  return `skipped: already finished (${plural(r.history.at(-1)?.epoch ?? 0, 'epoch')})`;
}

/**
 * What a command prints for a run that finished before it was asked for: alreadyFinished's line, then
 * the run's summary (runSummary, `summary` of its last epoch).
 */
export function finishedBefore<R extends RunSummaryInput>(
  r: R,
  summary: (last: R['history'][number]) => string,
  folder: string,
): string {
  return `${alreadyFinished(r)}\n${runSummary(r, summary(r.history.at(-1)!), folder)}`;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

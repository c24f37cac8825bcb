/**
 * A progress bar for long runs: steps done, rate, ETA and the running −ELBO, on stderr. On a
 * terminal it redraws one line; elsewhere (CI logs, notebooks) it prints a line at most every
 * `everyS` seconds and at each epoch end, so logs stay short.
 */

export interface ProgressUpdate {
  /** steps done in the whole run (including those before a resume) */
  step: number;
  /** total steps of the run */
  total: number;
  epoch: number;
  epochs: number;
  /** running mean of the training loss in the current epoch */
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

/** A bar for one run; `label` prefixes every line. ETA counts only the steps done in this process. */
export function progressBar(label: string, options: { stream?: NodeJS.WriteStream; everyS?: number; width?: number } = {}): ProgressSink {
  const stream = options.stream ?? process.stderr;
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
      ` | epoch ${u.epoch}/${u.epochs} | −ELBO ${Number.isFinite(u.loss) ? u.loss.toFixed(2) : '–'}` +
      ` | ${rate.toFixed(1)} steps/s | ETA ${formatDuration(eta)}`;
    if (tty) {
      stream.write(`\r${line}\x1b[K${u.final ? '\n' : ''}`);
    } else if (u.final || u.epochEnd || now - lastPrint >= everyS * 1000) {
      stream.write(line + '\n');
      lastPrint = now;
    }
  };
}

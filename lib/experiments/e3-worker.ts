/**
 * A worker process of `runSweep` (e3-vae-training.ts), served by the process pool
 * (process-pool.ts): it receives one run over IPC, trains it (resuming from a checkpoint when
 * there is one), reports progress and the result back, and exits. Not meant to be run by hand:
 * use scripts/train-vae.ts.
 */
import type { SweepJob } from './e3-vae-training';
import { serveJob } from './process-pool';
import type { ProgressUpdate } from './progress';
import { trainVae, type VaeRunResult } from './vae-training';

if (require.main === module) {
  if (process.send == null) {
    console.error('e3-worker: must be started by runSweep (it talks over IPC); use scripts/train-vae.ts instead');
    process.exit(2);
  }
  serveJob<SweepJob, ProgressUpdate, VaeRunResult>(({ config, resultsDir }, progress) => trainVae(config, { resultsDir, progress }));
}

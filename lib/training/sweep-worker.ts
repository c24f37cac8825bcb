/**
 * A worker process of a sweep (sweep.ts), served by the process pool (process-pool.ts): it
 * receives one run of a task over IPC, trains it with the runner (training-run.ts; resuming from
 * a checkpoint when there is one), reports progress and the result back, and exits. Not meant to
 * be run by hand: use scripts/train-vae.ts or scripts/train-e5.ts.
 */
import { serveJob } from './process-pool';
import type { ProgressUpdate } from './progress';
import type { SweepJob } from './sweep';
import { taskByName } from './tasks';
import { trainRun, type RunResult } from './training-run';

if (require.main === module) {
  if (process.send == null) {
    console.error(
      'sweep-worker: must be started by a sweep (it talks over ' +
        'IPC); use scripts/train-vae.ts or scripts/train-e5.ts instead',
    );
    process.exit(2);
  }
  serveJob<SweepJob, ProgressUpdate, RunResult<unknown, unknown>>(({ task, config, resultsDir }, progress) =>
    trainRun(taskByName(task), config, { resultsDir, progress }),
  );
}

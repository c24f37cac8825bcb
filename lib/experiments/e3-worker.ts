/**
 * A worker process of `runSweep` (e3-vae-training.ts): it receives one configuration over IPC,
 * trains it (resuming from a checkpoint when there is one), reports progress and the result
 * back, and exits. Not meant to be run by hand: use scripts/train-vae.ts.
 */
import { runKey, trainVae, type VaeTrainingConfig, type WorkerMessage } from './e3-vae-training';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

if (require.main === module) {
  if (process.send == null) {
    console.error('e3-worker: must be started by runSweep (it talks over IPC); use scripts/train-vae.ts instead');
    process.exit(2);
  }
  process.once('message', async (m: { config: VaeTrainingConfig; resultsDir: string }) => {
    const key = runKey(m.config);
    try {
      const result = await trainVae(m.config, {
        resultsDir: m.resultsDir,
        progress: (update) => void send({ type: 'progress', key, update }),
      });
      await send({ type: 'done', key, result });
      process.exit(0);
    } catch (err) {
      await send({ type: 'error', key, message: (err as Error).stack ?? String(err) });
      process.exit(1);
    }
  });
}

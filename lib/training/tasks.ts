/**
 * The tasks a sweep can run, by name: the categorical VAE of E3 and the quantised classifier of
 * E5 (both through the one runner, training-run.ts). A sweep job names its task, so one worker
 * script (sweep-worker.ts) serves both.
 */
import type { E5TrainingInput } from './quantised-config';
import { E5_TASK, type E5RunResult } from './quantised-task';
import type { RunConfig, Trainable, TrainingTask } from './training-run';
import type { VaeTrainingInput } from './vae-config';
import { VAE_TASK, type VaeRunResult } from './vae-task';

export const TASKS = { vae: VAE_TASK, e5: E5_TASK } as const;
export type TaskName = keyof typeof TASKS;

interface TaskTypes {
  vae: { input: VaeTrainingInput; result: VaeRunResult };
  e5: { input: E5TrainingInput; result: E5RunResult };
}
/** What a caller gives for a run of task T. */
export type TaskInput<T extends TaskName> = TaskTypes[T]['input'];
/** The result of a run of task T. */
export type TaskResult<T extends TaskName> = TaskTypes[T]['result'];

/** A task by name, typed loosely for code that only moves its configurations and results around (sweeps, workers). */
export function taskByName(name: string): TrainingTask<unknown, RunConfig, unknown, Trainable, unknown> {
  if (!(name in TASKS))
    throw new Error(`unknown training task ${JSON.stringify(name)} (known: ${Object.keys(TASKS).join(', ')})`);
  return TASKS[name as TaskName] as unknown as TrainingTask<unknown, RunConfig, unknown, Trainable, unknown>;
}

/**
 * Panel (c): the toy optimisation (PAPER.md E2 on this page's problem). Each chosen estimator gets
 * its own copy of the logits (a tf.variable, starting at the sliders' logits), tfjs's Adam and a
 * seeded Random; one step draws a sample with the package's op (sampleOp for a pathwise
 * estimator: forward the one-hot sample, backward the estimator; the surrogate for RLOO) and
 * descends f of it. After each few steps the exact E f at softmax(logits) is recorded (the
 * package's exactGradient, by enumeration). Runs on the page's tfjs backend.
 *
 * A step is async (reading the logits back awaits the backend: on webgl a real wait, during which
 * the page's controls fire). So a tick owns the runs it started with: reset() swaps in fresh runs
 * and disposes the old ones only once the tick in flight has finished, and that tick, finding its
 * runs replaced, leaves the new ones alone.
 */
import * as tf from '@tensorflow/tfjs';
import {
  estimatorStyle,
  exactGradient,
  float64,
  Random,
  resolveCategorical,
  sampleOp,
  softmax,
} from '../../lib/package';
import type { Curve } from './figures';
import type { ToyFunction } from './problem';
import { chosenNames, optionsOf, type State } from './state';

/** Adam steps per estimator between two recordings (and screen updates). */
export const STEPS_PER_TICK = 5;

interface Run extends Curve {
  logits: tf.Variable;
  optimizer: tf.Optimizer;
  rng: Random;
}

export class Optimisation {
  private runs: Run[] = [];
  private f: ToyFunction | null = null;
  private C = 0;
  private maxSteps = 0;
  private timer: number | null = null;
  /** the newest tick in flight (it awaits the backend) and the runs it steps, if any */
  private inFlight: { runs: Run[]; done: Promise<void> } | null = null;
  running = false;
  step = 0;
  /** E f at the start (the sliders' logits) */
  start0 = NaN;
  /** an error that stopped it, if any */
  error: string | null = null;

  constructor(private readonly onUpdate: () => void) {}

  /** Exact E f at the logits, from the package's enumeration. */
  private objective(logits: readonly number[]): number {
    return exactGradient({ F: float64, p: [softmax(logits)], loss: this.f!.loss }).objective;
  }

  /** Fresh runs for a state (stops a running one). */
  reset(s: State, f: ToyFunction): void {
    this.stop();
    this.dispose();
    this.f = f;
    this.C = s.C;
    this.maxSteps = s.steps;
    this.step = 0;
    this.error = null;
    this.start0 = this.objective(s.logits);
    this.runs = chosenNames(s).map((name, i) => {
      const options = optionsOf(name, s);
      const { label, colour } = estimatorStyle({ name, options });
      return {
        name,
        label,
        colour,
        options,
        // [1, C]: one variable; unnamed (tfjs names it uniquely): the previous runs may live on until their
        // step in flight ends
        logits: tf.variable(tf.tensor2d([s.logits]), true),
        optimizer: tf.train.adam(s.lr),
        rng: Random.fromSeed(s.seed * 7919 + i),
        steps: [0],
        objective: [this.start0],
      };
    });
    this.onUpdate();
  }

  /** The loss of one step: f of the sample, through the estimator (RLOO: its surrogate of M samples). */
  private loss(run: Run): tf.Scalar {
    const r = resolveCategorical({ name: run.name, options: run.options }, 'explorer');
    const f = this.f!;
    if (r.kind === 'score')
      return r.row.surrogate(
        run.logits,
        r.options,
        (onehot) => f.tensor(onehot.reshape([-1, this.C])),
        run.rng,
      ) as tf.Scalar;
    return f.tensor(sampleOp(r.row, run.logits, r.options, run.rng)).sum() as tf.Scalar;
  }

  start(): void {
    if (this.running || this.runs.length === 0 || this.step >= this.maxSteps) return;
    this.running = true;
    this.error = null;
    this.onUpdate();
    // a tick of these runs still in flight (Stop, then Continue at once) schedules the next one itself
    if (this.inFlight?.runs !== this.runs) this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer != null) clearTimeout(this.timer);
    this.timer = null;
  }

  get done(): boolean {
    return this.step >= this.maxSteps;
  }

  private schedule(): void {
    if (this.timer != null) clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    this.timer = null;
    if (!this.running) return;
    const runs = this.runs;
    const done = this.tickOf(runs).finally(() => {
      if (this.inFlight?.done === done) this.inFlight = null;
    });
    this.inFlight = { runs, done };
  }

  /** STEPS_PER_TICK Adam steps of each run, then record E f; does nothing to runs that reset() replaced meanwhile. */
  private async tickOf(runs: Run[]): Promise<void> {
    const current = () => this.runs === runs;
    try {
      const n = Math.min(STEPS_PER_TICK, this.maxSteps - this.step);
      for (const run of runs) {
        for (let k = 0; k < n; k++) run.optimizer.minimize(() => this.loss(run), false, [run.logits]);
      }
      const logits = await Promise.all(runs.map(async (run) => Array.from(await run.logits.data())));
      if (!current()) return;
      this.step += n;
      runs.forEach((run, i) => {
        run.steps.push(this.step);
        run.objective.push(this.objective(logits[i]));
      });
    } catch (e) {
      if (!current()) return;
      this.error = e instanceof Error ? e.message : String(e);
      this.running = false;
    }
    if (this.step >= this.maxSteps) this.running = false;
    this.onUpdate();
    if (this.running) this.schedule();
  }

  curves(): Curve[] {
    return this.runs.map(({ name, options, label, colour, steps, objective }) => ({
      name,
      options,
      label,
      colour,
      steps: [...steps],
      objective: [...objective],
    }));
  }

  /** The logits each run has reached. */
  logitsNow(): Record<string, number[]> {
    return Object.fromEntries(this.runs.map((r) => [r.name, Array.from(r.logits.dataSync())]));
  }

  /** Frees the runs' tensors: at once, or when the tick in flight (which still uses them) has finished. */
  dispose(): void {
    const old = this.runs;
    this.runs = [];
    const free = () => {
      for (const r of old) {
        r.logits.dispose();
        r.optimizer.dispose();
      }
    };
    if (this.inFlight == null) free();
    else void this.inFlight.done.then(free);
  }
}

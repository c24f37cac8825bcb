/**
 * Panel (c): the toy optimisation (PAPER.md E2 on this page's problem). Each chosen estimator gets
 * its own copy of the logits (a tf.variable, starting at the sliders' logits), tfjs's Adam and a
 * seeded Random; one step draws a sample with the package's op (sampleOp for a pathwise
 * estimator: forward the one-hot sample, backward the estimator; the surrogate for RLOO) and
 * descends f of it. After each few steps the exact E f at softmax(logits) is recorded (the
 * package's exactGradient, by enumeration). Runs on the page's tfjs backend.
 */
import * as tf from '@tensorflow/tfjs';
import { estimatorStyle, exactGradient, float64, Random, resolveEstimator, sampleOp, softmax } from '../../lib/package';
import type { Curve } from './figures';
import type { ToyFunction } from './problem';
import { chosenNames, optionsOf, type State } from './state';

/** Adam steps per estimator between two recordings (and screen updates). */
export const STEPS_PER_TICK = 5;

interface Run extends Curve {
  logits: tf.Variable;
  optimizer: tf.Optimizer;
  rng: Random;
  options: Record<string, number>;
}

export class Optimisation {
  private runs: Run[] = [];
  private f: ToyFunction | null = null;
  private C = 0;
  private maxSteps = 0;
  private timer: number | null = null;
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
        name, label, colour, options,
        logits: tf.variable(tf.tensor2d([s.logits]), true, `logits-${name}`), // [1, C]: one variable
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
    const r = resolveEstimator({ name: run.name, options: run.options });
    const f = this.f!;
    if (r.kind === 'score') return r.row.surrogate(run.logits, r.options, (onehot) => f.tensor(onehot.reshape([-1, this.C])), run.rng) as tf.Scalar;
    return f.tensor(sampleOp(r.row, run.logits, r.options, run.rng)).sum() as tf.Scalar;
  }

  start(): void {
    if (this.running || this.runs.length === 0 || this.step >= this.maxSteps) return;
    this.running = true;
    this.onUpdate();
    this.schedule();
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
    this.timer = window.setTimeout(() => void this.tick(), 0);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.running) return;
    try {
      const n = Math.min(STEPS_PER_TICK, this.maxSteps - this.step);
      for (const run of this.runs) {
        for (let k = 0; k < n; k++) run.optimizer.minimize(() => this.loss(run), false, [run.logits]);
      }
      this.step += n;
      for (const run of this.runs) {
        const logits = Array.from(await run.logits.data());
        run.steps.push(this.step);
        run.objective.push(this.objective(logits));
      }
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.running = false;
    }
    if (this.step >= this.maxSteps) this.running = false;
    this.onUpdate();
    if (this.running) this.schedule();
  }

  curves(): Curve[] {
    return this.runs.map(({ name, label, colour, steps, objective }) => ({ name, label, colour, steps: [...steps], objective: [...objective] }));
  }

  /** The logits each run has reached. */
  logitsNow(): Record<string, number[]> {
    return Object.fromEntries(this.runs.map((r) => [r.name, Array.from(r.logits.dataSync())]));
  }

  dispose(): void {
    for (const r of this.runs) {
      r.logits.dispose();
      r.optimizer.dispose();
    }
    this.runs = [];
  }
}

/**
 * Adam (Kingma & Ba 2015) in the form PyTorch uses, written out so that its whole state (step,
 * first and second moments) can be saved in a checkpoint and restored bit for bit:
 *     m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²
 *     θ ← θ − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** number of updates done */
  step = 0;
  private m: tf.Variable[];
  private v: tf.Variable[];

  constructor(
    readonly variables: readonly tf.Variable[],
    options: AdamOptions,
  ) {
    const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = options;
    if (!(lr > 0 && Number.isFinite(lr)))
      throw new Error(`${new.target.name}: lr must be a finite number > 0, got ${lr}`);
    if (!(beta1 >= 0 && beta1 < 1)) throw new Error(`${new.target.name}: beta1 must be in [0, 1), got ${beta1}`);
    if (!(beta2 > 0 && beta2 < 1)) throw new Error(`${new.target.name}: beta2 must be in (0, 1), got ${beta2}`);
    if (!(eps >= 0 && Number.isFinite(eps)))
      throw new Error(`${new.target.name}: eps must be a finite number ≥ 0, got ${eps}`);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.m = variables.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
    this.v = variables.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
  }

  /** One update with gradients in the order of `variables`. */
  apply(grads: readonly tf.Tensor[]): void {
    this.step += 1;
    const t = this.step;
    const stepSize = this.lr / (1 - this.beta1 ** t); //    lr / (1 − β1^t), in float64
    const sqrtBias2 = Math.sqrt(1 - this.beta2 ** t); //   √(1 − β2^t)
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        const { m, v } = this.updateMoments(i, grads[i]);
        w.assign(w.sub(m.div(v.sqrt().div(sqrtBias2).add(this.eps)).mul(stepSize)));
      });
    });
  }

  /**
   * m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g² for variable i; returns the new moments (call inside a
   * tidy).
   */
  protected updateMoments(i: number, g: tf.Tensor): { m: tf.Tensor; v: tf.Tensor } {
    const m = this.m[i].mul(this.beta1).add(g.mul(1 - this.beta1));
    const v = this.v[i].mul(this.beta2).add(g.square().mul(1 - this.beta2));
    this.m[i].assign(m);
    this.v[i].assign(v);
    return { m, v };
  }

  /** One update on the gradient of `loss` w.r.t. the variables; returns the loss value. */
  minimize(loss: () => tf.Scalar): number {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables as tf.Variable[]);
      this.apply(this.variables.map((w) => grads[w.name]));
      return value.dataSync()[0];
    });
  }

  /** The moments, in the order m_0, v_0, m_1, v_1, … (for checkpoints). */
  stateTensors(): tf.Variable[] {
    return this.variables.flatMap((_, i) => [this.m[i], this.v[i]]);
  }

  dispose(): void {
    [...this.m, ...this.v].forEach((t) => t.dispose());
  }
}

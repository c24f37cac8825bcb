/**
 * RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond"), in the form
 * PyTorch's torch.optim.RAdam uses — the optimiser of many cells of the E3 protocol table
 * (PAPER.md). Adam's moments, with the adaptive step switched on only once the variance of the
 * adaptive learning rate is tractable, and then rectified:
 *     m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,   m̂ = m / (1 − β1^t)
 *     ρ∞ = 2/(1 − β2) − 1,     ρ_t = ρ∞ − 2 t β2^t / (1 − β2^t)
 *     ρ_t > 5:  r_t = √((ρ_t − 4)(ρ_t − 2) ρ∞ / ((ρ∞ − 4)(ρ∞ − 2) ρ_t)),
 *               θ ← θ − lr · r_t · m̂ · √(1 − β2^t) / (√v + ε)
 *     else:     θ ← θ − lr · m̂                                   (SGD with momentum, bias-corrected)
 * The state (step, m, v) is Adam's, so checkpoints store and restore it the same way.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam } from './adam';

/** ρ_t > RECTIFY_ABOVE switches the adaptive step on (PyTorch's threshold). */
export const RECTIFY_ABOVE = 5;

/** ρ_t and, where the adaptive step is on, the rectification r_t (null: momentum step only). */
export function rectification(t: number, beta2: number): { rho: number; r: number | null } {
  const rhoInf = 2 / (1 - beta2) - 1;
  const b2t = beta2 ** t;
  const rho = rhoInf - (2 * t * b2t) / (1 - b2t);
  if (!(rho > RECTIFY_ABOVE)) return { rho, r: null };
  return { rho, r: Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho)) };
}

export class RAdam extends Adam {
  override apply(grads: readonly tf.Tensor[]): void {
    this.step += 1;
    const t = this.step;
    const bias1 = 1 - this.beta1 ** t;
    const sqrtBias2 = Math.sqrt(1 - this.beta2 ** t);
    const { r } = rectification(t, this.beta2);
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        const { m, v } = this.updateMoments(i, grads[i]);
        const mHat = m.div(bias1);
        // rectified adaptive step, or the bias-corrected momentum step while ρ_t ≤ 5
        const step =
          r == null
            ? mHat.mul(this.lr)
            : mHat
                .mul(sqrtBias2)
                .div(v.sqrt().add(this.eps))
                .mul(this.lr * r);
        w.assign(w.sub(step));
      });
    });
  }
}

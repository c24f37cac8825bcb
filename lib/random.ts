/**
 * The one seeded random stream of the project.
 *
 * Every uniform, Gumbel, exponential, logistic, categorical and Bernoulli draw — in the tfjs ops,
 * the float64 forms, the Monte Carlo checks and the experiments — comes from a `Random`. It is
 * xoroshiro128+ (package pure-rand), advanced explicitly: the same seed gives the same numbers on
 * every backend, because noise is drawn here in float64 and only then handed to tfjs.
 * We do not use `tf.randomUniform(seed)` (restarts on every call) nor `tf.multinomial` (seeded
 * differently per backend); see PLATFORM.md.
 */
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

const TWO_POW_26 = 2 ** 26;
const TWO_POW_52 = 2 ** 52;

export class Random {
  private constructor(
    private gen: RandomGenerator,
    /** the seed this stream (or the stream it was split from) started with */
    readonly seed: number,
  ) {}

  /** A stream from an integer seed in [0, 2^31). */
  static fromSeed(seed: number): Random {
    if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 31) {
      throw new Error(`Random.fromSeed: seed must be an integer in [0, 2^31), got ${seed}`);
    }
    return new Random(xoroshiro128plus(seed), seed);
  }

  /** The generator state (with the seed), for checkpoints: `Random.fromState` resumes from it. */
  getState(): { seed: number; state: number[] } {
    return { seed: this.seed, state: [...this.gen.getState()] };
  }

  /** Resume a stream saved by `getState`. */
  static fromState(saved: { seed: number; state: readonly number[] }): Random {
    return new Random(xoroshiro128plus.fromState(saved.state), saved.seed);
  }

  /** An independent copy at the same position: it yields the same numbers as this stream. */
  clone(): Random {
    return new Random(this.gen.clone(), this.seed);
  }

  /**
   * A new stream far ahead of this one (xoroshiro jump: 2^64 draws), for a parallel worker or a
   * sub-experiment; this stream advances past it too, so repeated splits never overlap.
   */
  split(): Random {
    const child = this.gen.clone();
    child.unsafeJump!();
    this.gen.unsafeJump!();
    this.gen.unsafeJump!();
    return new Random(child, this.seed);
  }

  /** One uniform strictly inside (0, 1): (k + 1/2) / 2^52 for a 52-bit integer k. */
  nextUniform(): number {
    const hi = this.gen.unsafeNext() >>> 6; // 26 bits
    const lo = this.gen.unsafeNext() >>> 6; // 26 bits
    // (k + 0.5) / 2^52 lies in [2^-53, 1 - 2^-53]: both ends are exact doubles, never 0 or 1.
    return (hi * TWO_POW_26 + lo + 0.5) / TWO_POW_52;
  }

  /** One integer uniform in [lo, hi] (inclusive), for generating test cases. */
  integer(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new Error(`Random.integer: bounds must be integers with lo ≤ hi, got [${lo}, ${hi}]`);
    }
    return lo + Math.floor(this.nextUniform() * (hi - lo + 1));
  }

  /**
   * A uniform permutation of 0…n−1 (Fisher–Yates from the last position down, j = integer(0, i)):
   * the same draws, in the same order, as the E3 loop's epoch shuffle.
   */
  permutation(n: number): Int32Array {
    checkCount(n);
    const perm = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(0, i);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    return perm;
  }

  /** n uniforms in (0, 1). */
  uniform(n: number): Float64Array {
    checkCount(n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextUniform();
    return out;
  }

  /** n draws of Exp(1): E = −log U (finite and > 0 since U ∈ (0, 1)). */
  exponential(n: number): Float64Array {
    const out = this.uniform(n);
    for (let i = 0; i < n; i++) out[i] = -Math.log(out[i]);
    return out;
  }

  /** n draws of Gumbel(0, 1), in log space: G = −log E with E ~ Exp(1), so G ∈ [−3.6, 36.7]. */
  gumbel(n: number): Float64Array {
    const out = this.exponential(n);
    for (let i = 0; i < n; i++) out[i] = -Math.log(out[i]);
    return out;
  }

  /** n draws of Logistic(0, 1) = log U − log(1 − U): the difference of two Gumbels. */
  logistic(n: number): Float64Array {
    const out = this.uniform(n);
    for (let i = 0; i < n; i++) out[i] = Math.log(out[i]) - Math.log1p(-out[i]);
    return out;
  }

  /**
   * One categorical index from logits by the Gumbel-max trick, argmax_j (logits_j + G_j) — the
   * same rule (and the same noise consumption) as the tfjs ops use.
   */
  categorical(logits: readonly number[]): number {
    const g = this.gumbel(logits.length);
    let best = 0;
    for (let j = 1; j < logits.length; j++) if (logits[j] + g[j] > logits[best] + g[best]) best = j;
    return best;
  }

  /** One Bernoulli draw with logit a: 1 when a + Logistic > 0, as the binary tfjs ops do. */
  bernoulli(a: number): 0 | 1 {
    return a + this.logistic(1)[0] > 0 ? 1 : 0;
  }
}

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`Random: the number of draws must be a non-negative integer, got ${n}`);
  }
}

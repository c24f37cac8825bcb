/**
 * The functions f of the explorer: one categorical variable with C categories, f a function of its
 * one-hot vector z ∈ R^C. Each has a float64 form (the package's `Loss`: value and gradient, what
 * the exact analysis enumerates) and a tfjs form (what the toy optimisation differentiates through
 * the package's estimator ops). The polynomials are the package's own toy problems
 * (randomPolynomialProblem, polynomialLoss), so a test can rebuild them in Node from the seed.
 */
import * as tf from '@tensorflow/tfjs';
import { float64, polynomialLoss, randomPolynomialProblem, Random, type Loss, type Monomial } from '../../lib/package';

export type FunctionName = 'linear' | 'quadratic' | 'cubic' | 'toy';

export const FUNCTION_NAMES: readonly FunctionName[] = ['linear', 'quadratic', 'cubic', 'toy'];

/** The exponents q of the polynomial toy (PAPER.md E2). */
export const TOY_QS = [1.5, 2, 3] as const;

/** The toy's target level: f = |u − 0.45|^q. */
const TOY_TARGET = 0.45;

export interface ToyFunction {
  name: FunctionName;
  /** a short description with the formula, for the page */
  label: string;
  /** f and ∇f on R^C in float64 (the package's Loss) */
  loss: Loss<number>;
  /** the monomials, for the polynomials (null for the toy) */
  terms: Monomial<number>[] | null;
  /** f of a batch of one-hot rows z [B, C] → [B], in tfjs */
  tensor(z: tf.Tensor): tf.Tensor;
}

/**
 * The seeded quadratic of C categories: every monomial of degree ≤ 2 of z, cross terms included,
 * with the package's random coefficients k/d (randomPolynomialProblem(float64, Random.fromSeed(seed),
 * [C], 2); its random probabilities are not used: p comes from the logits).
 */
export function quadraticTerms(C: number, seed: number): Monomial<number>[] {
  return [...randomPolynomialProblem(float64, Random.fromSeed(seed), [C], 2).loss.terms];
}

/** f of a batch of one-hot rows, for monomials of degree ≤ 3: c + z·b + Σ (zA)∘z + Σ_cubic coef z_k z_l z_m. */
function polynomialTensor(C: number, terms: readonly Monomial<number>[]): (z: tf.Tensor) => tf.Tensor {
  let c = 0;
  const b = new Array<number>(C).fill(0);
  const A = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const cubic: Monomial<number>[] = [];
  for (const t of terms) {
    if (t.vars.length === 0) c += t.coef;
    else if (t.vars.length === 1) b[t.vars[0]] += t.coef;
    else if (t.vars.length === 2) A[t.vars[0]][t.vars[1]] += t.coef;
    else if (t.vars.length === 3) cubic.push(t);
    else throw new Error(`polynomialTensor: degree ${t.vars.length} > 3`);
  }
  return (z) =>
    tf.tidy(() => {
      const rows = z.reshape([-1, C]); //                                     [B, C]
      let f = rows
        .matMul(tf.tensor2d(A))
        .mul(rows)
        .sum(-1)
        .add(rows.matMul(tf.tensor2d(b, [C, 1])).reshape([-1]))
        .add(c);
      for (const t of cubic) {
        const [k, l, m] = t.vars.map((j) => rows.slice([0, j], [-1, 1]).reshape([-1]));
        f = f.add(k.mul(l).mul(m).mul(t.coef));
      }
      return f; //                                                             [B]
    });
}

/**
 * The function `name` on C categories:
 * - linear:    f = c + bᵀz (the linear part of the seeded quadratic): ST, DARN, ZGR unbiased (C4)
 * - quadratic: f = c + bᵀz + zᵀAz, A with cross terms: ZGR unbiased, ST and DARN biased (C3)
 * - cubic:     the quadratic + z₁³ (z₁ the first category's entry, index 0), the C3
 *              counterexample: ZGR biased too
 * - toy:       f = |u − 0.45|^q, u = Σ_j z_j · j/(C − 1) the level of the sample in [0, 1]; for C = 2,
 *              u = b is the binary sample and f one term of E2's polynomial toy Σ_i |b_i − 0.45|^q / n
 *              (the variables of that toy are independent and f separates, so each variable's
 *              estimates are those of this one, scaled by 1/n)
 */
export function makeFunction(name: FunctionName, C: number, seed: number, q: number): ToyFunction {
  if (name === 'toy') {
    const w = Array.from({ length: C }, (_, j) => j / (C - 1));
    const level = (z: readonly number[]) => z.reduce((s, zj, j) => s + zj * w[j], 0);
    const loss: Loss<number> = {
      value: (z) => Math.abs(level(z) - TOY_TARGET) ** q,
      gradient: (z) => {
        const d = level(z) - TOY_TARGET;
        const slope = q * Math.sign(d) * Math.abs(d) ** (q - 1); // d|d|^q / dd
        return w.map((wj) => slope * wj);
      },
    };
    return {
      name,
      terms: null,
      loss,
      label:
        `polynomial toy |u − 0.45|<sup>${q}</sup>, u = Σ<sub>j</sub> z<sub>j</sub>·j/(C−1)` +
        (C === 2 ? ' (= |b − 0.45|^q, E2)' : ''),
      tensor: (z) =>
        tf.tidy(() =>
          z
            .reshape([-1, C])
            .matMul(tf.tensor2d(w, [C, 1]))
            .reshape([-1])
            .sub(TOY_TARGET)
            .abs()
            .pow(q),
        ),
    };
  }
  const quadratic = quadraticTerms(C, seed);
  const terms =
    name === 'linear'
      ? quadratic.filter((t) => t.vars.length <= 1)
      : name === 'quadratic'
        ? quadratic
        : [...quadratic, { coef: 1, vars: [0, 0, 0] }];
  const label =
    name === 'linear'
      ? 'linear f = c + bᵀz'
      : name === 'quadratic'
        ? 'quadratic f = c + bᵀz + zᵀAz (cross terms)'
        : 'cubic f = c + bᵀz + zᵀAz + z<sub>1</sub>³ (C3 counterexample)';
  return {
    name,
    terms,
    loss: polynomialLoss(float64, C, terms),
    label: `${label}, seed ${seed}`,
    tensor: polynomialTensor(C, terms),
  };
}

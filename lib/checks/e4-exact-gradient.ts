/**
 * E4's exact gradient, checked (PAPER.md E4): the gradient of the VAE's batch loss w.r.t. the
 * encoder logits by enumeration (score identity, float64: lib/models/vae-exact.ts) must equal
 * tf.grad of the same enumerated objective written directly on tensors (float32). Everything the
 * bias–variance analysis reports is measured against this gradient; a wrong state order, a wrong
 * probability or a wrong KL term would fail here. The errors are measured beside the models
 * (e4ExactGradientErrors in lib/models/vae-exact.ts, quantisedExactGradientErrors in
 * lib/models/quantised-exact.ts for E5); this file judges them.
 */
import { atMost, claimReport, type ClaimReport } from './report';

export const E4_EXACT_GRADIENT_THRESHOLDS = {
  /** ‖enumerated − autodiff‖ / ‖autodiff‖, at most (float32 autodiff over C^L states) */
  maxRelativeError: 1e-3,
  /** |J_enumerated − J_autodiff| / |J|, at most */
  maxObjectiveError: 1e-5,
};

/** The verdict over several (checkpoint, batch) cases, each with its measured errors. */
export function e4ExactGradientCheck(
  cases: readonly { where: string; errors: { objective: number; gradient: number } }[],
  experiment: { id: 'E4' | 'E5'; model: string } = { id: 'E4', model: 'the VAE' },
): ClaimReport<typeof E4_EXACT_GRADIENT_THRESHOLDS> {
  const t = E4_EXACT_GRADIENT_THRESHOLDS;
  return claimReport(
    experiment.id,
    `the enumerated gradient of ${experiment.model} batch loss equals tf.grad of the enumerated objective`,
    t,
    cases.flatMap(({ where, errors }) => [
      atMost(`${where} gradient`, `${where}: relative error of the gradient`, errors.gradient, t.maxRelativeError),
      atMost(`${where} objective`, `${where}: relative error of the objective`, errors.objective, t.maxObjectiveError),
    ]),
  );
}

/**
 * E4 from the command line: train (or reuse) the ZGR run, then bias, std, MSE and cosine of
 * every estimator against the exact gradient at each checkpoint, printed as a table.
 *
 *   node dist/scripts/e4-gradient-quality.js                  # ZGR_PROFILE (quick by default)
 *   ZGR_PROFILE=paper node dist/scripts/e4-gradient-quality.js
 */
import { initBackend } from '../lib/backend';
import { grDominance, runE4 } from '../lib/experiments/e4-gradient-quality';

async function main(): Promise<void> {
  await initBackend();
  const t0 = Date.now();
  const result = await runE4();
  for (const c of result.checkpoints) {
    console.log(`\n${c.checkpoint.name} (epoch ${c.checkpoint.epoch}): J = ${c.objective.toFixed(3)}, ‖∇J‖ = ${c.exactNorm.toExponential(3)}, ${c.seconds.toFixed(1)} s`);
    console.log(['estimator'.padEnd(22), 'bias/‖g‖', 'std/‖g‖', 'mse/‖g‖²', 'cosine'].join('\t'));
    for (const q of c.estimators) {
      const n = q.exactNorm;
      console.log([q.label.padEnd(22), (q.bias / n).toFixed(4), (q.std / n).toFixed(4), (q.mse / n / n).toFixed(4), q.cosine.toFixed(4)].join('\t'));
    }
    const d = grDominance(c.estimators);
    console.log(`C7: best ST-ZGR(a) has MSE ≤ 1.05 × that of ${(100 * d.dominated).toFixed(0)}% of the GR family members`);
  }
  console.log(`\nE4 ${result.key}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

/**
 * E4 from the command line: train (or reuse) the runs of the profile, then the exact moments of
 * every estimator at each checkpoint and batch, the quality table and the C7 verdict.
 *
 *   npm run e4                          # ZGR_PROFILE (quick by default)
 *   ZGR_PROFILE=paper npm run e4        # 8×4 and 4×6, 160 epochs, batches of 100 images
 */
import { initBackend } from '../lib/backend';
import { profileName } from '../lib/results/profile';
import { c7BiasVariance } from '../lib/checks/c7-bias-variance';
import { runE4 } from '../lib/experiments/e4-gradient-quality';
import { runCommand } from './cli';

const USAGE = `usage: e4-gradient-quality     (npm run e4)
E4: train (or reuse) the runs of the profile, then every estimator's exact gradient moments at
each checkpoint and batch, the quality table and the C7 verdict. No options; the environment:
  ZGR_PROFILE    quick (default) | medium | paper
  ZGR_BACKEND    the tfjs backend (default: the best that starts)`;

async function main(): Promise<void> {
  profileName(); // a bad ZGR_PROFILE is an error before anything starts
  await initBackend();
  const t0 = Date.now();
  const result = await runE4();
  for (const c of result.checkpoints) {
    for (const k of c.cases) {
      console.log(
        `\n${c.configuration}, ${c.checkpoint.name} (epoch ${c.checkpoint.epoch}), batch ` +
          `${k.batch}: J = ${k.objective.toFixed(3)}, ‖∇‖ = ${k.gradientNorm.toExponential(3)}, ` +
          `${k.seconds.toFixed(1)} s`,
      );
      console.log(['estimator'.padEnd(36), 'β', 'σ', 'rel. bias', 'rel. std', 'resc. MSE'].join('\t'));
      for (const p of k.points.filter((q) => q.family !== 'ST-ZGR(a) mean of M')) {
        const q = p.quality;
        console.log(
          [
            p.label.padEnd(36),
            q.scaleFreeBias?.estimate.toFixed(4) ?? 'n/a',
            q.scaleFreeStd?.estimate.toFixed(3) ?? 'n/a',
            q.relativeBias.estimate.toFixed(4),
            q.relativeStd.estimate.toFixed(3),
            q.rescaledMse.estimate.toFixed(4),
          ].join('\t'),
        );
      }
      console.log(c7BiasVariance(k.points, `${c.configuration}, ${c.checkpoint.name}, batch ${k.batch}`).summary);
    }
  }
  console.log(`\nE4 ${result.key}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

runCommand({ name: 'e4-gradient-quality', usage: USAGE, options: {} }, main);

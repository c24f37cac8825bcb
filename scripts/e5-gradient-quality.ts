/**
 * E5's exact gradient quality from the command line: train (or reuse) the small net's run, then
 * every estimator's exact moments at each checkpoint, batch and coordinate system, and the C7
 * verdict (the same check as the VAE's).
 *
 *   npm run e5-quality                      # ZGR_PROFILE (quick by default)
 *   ZGR_PROFILE=paper npm run e5-quality    # 10 ternary units, 50 epochs, batches of 100 images
 */
import { initBackend } from '../lib/backend';
import { profileName } from '../lib/results/profile';
import { c7BiasVariance } from '../lib/checks/c7-bias-variance';
import { runE5Quality } from '../lib/experiments/e5-gradient-quality';
import { runCommand } from './cli';

const USAGE = `usage: e5-gradient-quality     (npm run e5-quality)
E5's exact gradient quality: train (or reuse) the small net's run, then every estimator's exact
moments at each checkpoint, batch and coordinate system, and the C7 verdict. No options; the
environment:
  ZGR_PROFILE    quick (default) | medium | paper
  ZGR_BACKEND    the tfjs backend (default: the best that starts)`;

async function main(): Promise<void> {
  profileName(); // a bad ZGR_PROFILE is an error before anything starts
  await initBackend();
  const t0 = Date.now();
  const result = await runE5Quality();
  for (const c of result.checkpoints) {
    for (const k of c.cases) {
      const where = `${c.checkpoint.name} (epoch ${c.checkpoint.epoch}), batch ${k.batch}, w.r.t. the ${k.space}`;
      console.log(
        `\n${where}: J = ${k.objective.toFixed(4)}, ‖∇‖ = ${k.gradientNorm.toExponential(3)}, ` +
          `${k.seconds.toFixed(1)} s`,
      );
      console.log(c7BiasVariance(k.points, `E5, ${where}`).summary);
    }
  }
  console.log(`\nE5 gradient quality: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

runCommand({ name: 'e5-gradient-quality', usage: USAGE, options: {} }, main);

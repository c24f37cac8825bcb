/**
 * A sweep file: a JSON array of run configurations (`VaeTrainingInput`, vae-config.ts), each
 * normalised and checked, for the sweeps a profile does not describe (the cluster CI's small
 * sweep, cluster/examples/ci-sweep.json). `npm run train -- --sweep-file FILE` runs it like
 * `--sweep` runs a profile: in worker processes, resumable, sharded with `--shard I/N`.
 *
 *   [{ "C": 8, "numLatents": 4, "estimator": { "name": "zgr" }, "seed": 0, "epochs": 1 }, …]
 */
import * as fs from 'node:fs';
import { E3_DEFAULTS, normaliseConfig, runKey, type VaeTrainingConfig, type VaeTrainingInput } from './vae-config';

const REQUIRED = ['C', 'numLatents', 'estimator', 'seed'];
/** every field of a configuration: a misspelt one would otherwise change the run's key unnoticed */
const FIELDS = new Set([...REQUIRED, ...Object.keys(E3_DEFAULTS)]);

/** The runs of a sweep file, normalised, in file order; errors name the file and the entry. */
export function readSweepFile(file: string): VaeTrainingConfig[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `sweep file ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (err) {
    throw new Error(`sweep file ${file}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(entries) || entries.length === 0)
    throw new Error(
      `sweep file ${file}: expected a non-empty JSON array of run configurations, ` +
        `got ${Array.isArray(entries) ? 'an empty array' : typeof entries}`,
    );
  const configs = entries.map((entry, i) => {
    if (entry == null || typeof entry !== 'object' || Array.isArray(entry))
      throw new Error(`sweep file ${file}: entry ${i} must be an object, got ${JSON.stringify(entry)}`);
    const missing = REQUIRED.filter((k) => !(k in entry));
    if (missing.length > 0)
      throw new Error(`sweep file ${file}: entry ${i} lacks ${missing.join(', ')} (required: ${REQUIRED.join(', ')})`);
    const unknown = Object.keys(entry).filter((k) => !FIELDS.has(k));
    if (unknown.length > 0)
      throw new Error(
        `sweep file ${file}: entry ${i} has unknown field(s) ${unknown.join(', ')} (fields: ${[...FIELDS].join(', ')})`,
      );
    try {
      return normaliseConfig(entry as VaeTrainingInput);
    } catch (err) {
      throw new Error(`sweep file ${file}: entry ${i}: ${(err as Error).message}`);
    }
  });
  // a run twice would be trained twice at once (by two shards, into one folder)
  const keys = configs.map((c) => runKey(c));
  const dup = keys.findIndex((k, i) => keys.indexOf(k) !== i);
  if (dup >= 0)
    throw new Error(
      `sweep file ${file}: entries ${keys.indexOf(keys[dup])} and ${dup} are the same run (${keys[dup]})`,
    );
  return configs;
}

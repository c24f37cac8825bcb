/** Helpers of the command-line scripts (train-vae, train-e5). */

/** The numeric value of option `--name` (undefined when not given); an error names the option and value. */
export function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v == null) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * The run profile: `quick` (default; every notebook in minutes on 2 cores), `medium` (runs of up
 * to 2 hours on 2 cores whose results are committed under results/; experiments without such
 * runs use their quick settings), `long` (E3 at a 30-epoch horizon, ~10 core-hours accumulated
 * over sittings and committed under results/e3-long; others as medium or quick) or `paper`
 * (the paper's scale). It is read from env ZGR_PROFILE. Experiments keep their per-profile settings
 * as typed data keyed by `ProfileName`; only the name is decided here.
 */
export type ProfileName = 'quick' | 'medium' | 'long' | 'paper';
export const PROFILES: readonly ProfileName[] = ['quick', 'medium', 'long', 'paper'];

/** The profile named by ZGR_PROFILE (unset or empty: quick); any other value is an error. */
export function profileName(env: Record<string, string | undefined> = process.env): ProfileName {
  const value = env.ZGR_PROFILE;
  if (value == null || value === '') return 'quick';
  if ((PROFILES as readonly string[]).includes(value)) return value as ProfileName;
  throw new Error(
    `ZGR_PROFILE must be one of ${PROFILES.join(', ')} (or unset for quick), got ${JSON.stringify(value)}`,
  );
}

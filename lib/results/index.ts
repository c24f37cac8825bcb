/** Results: the atomic writer, the provenance record, the profile, the output folders. */
export { writeFileAtomic, writeJsonAtomic } from './write';
export {
  provenance,
  startRun,
  describeProvenance,
  gitCommit,
  gitDirty,
  type Provenance,
  type Run,
  type FigureTarget,
} from './provenance';
export { profileName, PROFILES, type ProfileName } from './profile';
export { repoRoot, figuresDir, cacheDir, cacheVariable, type CacheName } from './paths';

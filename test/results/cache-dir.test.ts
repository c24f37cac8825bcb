/**
 * Where caches lie (lib/results/paths.ts cacheDir): the one rule — a cache's own variable, else
 * every cache under ZGR_CACHE_DIR, else .cache/ at the repository root — with the old
 * per-experiment variables still honoured, and an unknown name refused by name.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { cacheDir, cacheVariable, repoRoot, type CacheName } from '../../lib/results/paths';

const NAMES: CacheName[] = ['e3-vae-training', 'e4-gradient-quality', 'e5-quantised-network', 'e5-gradient-quality'];

describe('cacheDir: one rule for every cache folder', () => {
  it('by default each cache lies under .cache/ at the repository root, named as before', () => {
    for (const name of NAMES) assert.equal(cacheDir(name, {}), path.join(repoRoot(), '.cache', name));
  });

  it('ZGR_CACHE_DIR moves every cache; a cache’s own variable moves that one and wins', () => {
    assert.equal(cacheDir('e4-gradient-quality', { ZGR_CACHE_DIR: '/c' }), path.join('/c', 'e4-gradient-quality'));
    assert.equal(cacheVariable('e3-vae-training'), 'ZGR_CACHE_E3_VAE_TRAINING');
    assert.equal(cacheDir('e3-vae-training', { ZGR_CACHE_DIR: '/c', ZGR_CACHE_E3_VAE_TRAINING: '/runs' }), '/runs');
    assert.equal(
      cacheDir('e5-quantised-network', { ZGR_CACHE_DIR: '/c', ZGR_CACHE_E3_VAE_TRAINING: '/runs' }),
      path.join('/c', 'e5-quantised-network'),
    );
  });

  it('the old variables still point at their cache (deprecated aliases), below the new one', () => {
    const old: Record<CacheName, string> = {
      'e3-vae-training': 'ZGR_E3_RESULTS_DIR',
      'e4-gradient-quality': 'ZGR_E4_RESULTS_DIR',
      'e5-quantised-network': 'ZGR_E5_RESULTS_DIR',
      'e5-gradient-quality': 'ZGR_E5_QUALITY_DIR',
    };
    for (const name of NAMES) {
      assert.equal(cacheDir(name, { [old[name]]: '/old' }), '/old', name);
      assert.equal(cacheDir(name, { [old[name]]: '/old', [cacheVariable(name)]: '/new' }), '/new', name);
    }
  });

  it('an unknown name is refused, naming the argument and the value', () => {
    assert.throws(() => cacheDir('e9' as CacheName, {}), /cacheDir: name must be one of e3-vae-training, .*, got "e9"/);
  });
});

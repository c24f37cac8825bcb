// Builds @zgr/estimators (npm run package) from lib/package/index.ts, the browser-safe entry:
//   dist/index.mjs   ESM     dist/index.cjs   CommonJS     (esbuild, platform neutral)
//   dist/types/…     declarations (tsc -p packages/estimators), re-exported by index.d.mts / .d.cts
// Every bare import of the entry's graph must be a dependency or peer of this package and stays
// external; the build fails if one is not (it would be bundled silently) or if the dependency
// versions drift from the root package.json, whose pins the tests ran with. platform 'neutral'
// makes any Node builtin in the graph a build error.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const entry = join(root, 'lib', 'package', 'index.ts');
const dist = join(here, 'dist');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const fail = (message) => {
  console.error(`package build: ${message}`);
  process.exit(1);
};

// the package's dependency pins are the root's (what the test suite ran with)
for (const [name, version] of Object.entries(pkg.dependencies ?? {})) {
  const pinned = rootPkg.dependencies?.[name];
  if (pinned !== version)
    fail(`dependency ${name}@${version} differs from the root package.json (${pinned ?? 'absent'})`);
}
for (const [name, range] of Object.entries(pkg.peerDependencies ?? {})) {
  const pinned = rootPkg.dependencies?.[name];
  if (pinned == null || range !== `^${pinned}`)
    fail(`peer ${name}@${range} should be ^<root pin> (root: ${pinned ?? 'absent'})`);
}

const allowed = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

rmSync(dist, { recursive: true, force: true });
const banner = `/* ${pkg.name} ${pkg.version} (${pkg.license}): built from zgr-companion lib/package/index.ts */`;
const common = {
  entryPoints: [entry],
  bundle: true,
  platform: 'neutral',
  target: 'es2020',
  // bare imports: leave every one external here, then check below that each is declared
  packages: 'external',
  banner: { js: banner },
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
};
const outputs = [
  { format: 'esm', outfile: join(dist, 'index.mjs') },
  { format: 'cjs', outfile: join(dist, 'index.cjs') },
];
for (const out of outputs) {
  const result = await build({ ...common, ...out });
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    if (file.includes('node_modules')) fail(`${file} was bundled: only lib/ sources belong in the bundle`);
    for (const imp of input.imports) {
      if (!imp.external || imp.path === '<runtime>') continue;
      if (imp.path.startsWith('node:')) fail(`${file} imports the Node builtin ${imp.path}`);
      if (!allowed.includes(packageName(imp.path))) {
        fail(`${file} imports ${imp.path}, which is neither a dependency nor a peer of ${pkg.name}`);
      }
    }
  }
}

// declarations: the entry's .d.ts tree, typed without @types/node, and one stub per module format
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', here], {
  stdio: 'inherit',
});
const types =
  './' +
  relative(dist, join(dist, 'types', 'lib', 'package', 'index.js'))
    .split('\\')
    .join('/');
for (const stub of ['index.d.mts', 'index.d.cts']) writeFileSync(join(dist, stub), `export * from '${types}';\n`);

console.log(
  `${pkg.name}@${pkg.version} built into ${relative(root, dist)}: index.mjs, index.cjs, ` +
    `index.d.mts, index.d.cts, types/`,
);

// Builds the explorer (site/): site/src/main.ts → site/dist/ (npm run site:build; npm run site also serves it).
//   index.html       the page (site/index.html)
//   explorer.js      site/src/main.ts bundled by esbuild: iife, platform browser, the package's
//                    entry lib/package/index.ts and @tensorflow/tfjs (+ the wasm backend) inside
//   plotly.min.js    node_modules/plotly.js-dist/plotly.js, minified once (kept while unchanged)
//   wasm/*.wasm      the tfjs wasm binaries, for setWasmPaths('wasm/') over http(s)
//   wasm-inline.js   the same binaries as data: URLs, loaded only for ?backend=wasm from file://
//                    (Chromium refuses fetch() of file:// URLs, so the page cannot read wasm/*.wasm there)
// No CDN: the folder works from file:// and from any static host.
//
//   node scripts/site-build.mjs [--check]     --check: also type-check site/src (tsc -p site, no output)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(root, 'site');
const dist = join(site, 'dist');
const modules = join(root, 'node_modules');
const started = Date.now();

if (process.argv.includes('--check')) {
  execFileSync(process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '-p', site], { stdio: 'inherit' });
}

mkdirSync(join(dist, 'wasm'), { recursive: true });

// the page's script: only site/src and what it imports (the package entry, tfjs, the wasm backend)
const result = await build({
  absWorkingDir: root, // metafile paths relative to the repository
  entryPoints: [join(site, 'src', 'main.ts')],
  outfile: join(dist, 'explorer.js'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  write: false, // written below, once the import check has passed
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});
// the page may import the package entry and nothing else of lib/ (every number comes from the package)
const libInputs = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('lib/'));
const siteImports = Object.entries(result.metafile.inputs)
  .filter(([f]) => f.startsWith('site/'))
  .flatMap(([f, input]) => input.imports.map((i) => ({ from: f, path: i.path })))
  .filter((i) => i.path.startsWith('lib/') && i.path !== 'lib/package/index.ts');
if (siteImports.length > 0) {
  console.error(
    `site build: site/src may import lib/ only through lib/package/index.ts; found ` +
      `${siteImports.map((i) => `${i.from} → ${i.path}`).join(', ')}`,
  );
  process.exit(1);
}
if (libInputs.length > 0 && !libInputs.includes('lib/package/index.ts')) {
  console.error('site build: lib/ sources reached the bundle without lib/package/index.ts');
  process.exit(1);
}

for (const file of result.outputFiles) writeFileSync(file.path, file.contents);
copyFileSync(join(site, 'index.html'), join(dist, 'index.html'));

// plotly: minified once, redone only when the package's file is newer than ours
const plotlySource = join(modules, 'plotly.js-dist', 'plotly.js');
const plotlyOut = join(dist, 'plotly.min.js');
const newer = (a, b) => {
  try {
    return statSync(a).mtimeMs > statSync(b).mtimeMs;
  } catch {
    return true;
  }
};
if (newer(plotlySource, plotlyOut)) {
  const minified = await transform(readFileSync(plotlySource, 'utf8'), {
    minify: true,
    legalComments: 'inline',
    loader: 'js',
  });
  writeFileSync(plotlyOut, minified.code);
}

// the wasm backend's binaries: files for http(s), data: URLs for file://
const wasmDir = join(modules, '@tensorflow', 'tfjs-backend-wasm', 'dist');
const binaries = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const inline = {};
for (const name of binaries) {
  copyFileSync(join(wasmDir, name), join(dist, 'wasm', name));
  inline[name] = `data:application/wasm;base64,${readFileSync(join(wasmDir, name)).toString('base64')}`;
}
writeFileSync(
  join(dist, 'wasm-inline.js'),
  `/* tfjs-backend-wasm binaries as data: URLs (site-build.mjs), for the wasm backend from ` +
    `file:// */\nwindow.__zgrWasmBinaries = ${JSON.stringify(inline)};\n`,
);

const size = (f) => `${(statSync(join(dist, f)).size / 1e6).toFixed(1)} MB`;
console.log(
  `explorer built into ${relative(root, dist)} in ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s: index.html, explorer.js ` +
    `(${size('explorer.js')}), plotly.min.js (${size('plotly.min.js')}), wasm/, ` +
    `wasm-inline.js`,
);
console.log(`open ${join(dist, 'index.html')} in a browser, or serve it: npm run site`);

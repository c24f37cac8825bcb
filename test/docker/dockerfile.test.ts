/**
 * The Dockerfile, read statically (dockerfile-ast): only the `cpu` variant can be built here
 * (scripts/docker-smoke.sh), so these tests hold every variant's stages, build arguments, base
 * images, environment and entrypoint commands consistent with each other, with the build script
 * docker/install.sh, the entrypoint docker/entrypoint.sh, package.json, the smoke script and the
 * documented `docker build` / `docker run` commands (docs/docker.md and the README's short version).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser, type Dockerfile, type Instruction } from 'dockerfile-ast';
import { repoRoot } from '../../lib/results/paths';

const ROOT = repoRoot();
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const VARIANTS = ['gpu', 'webgpu', 'cpu'] as const;
const COMMANDS = ['figures', 'lab', 'test', 'gpu-check'] as const;

interface Stage {
  name: string;
  from: string;
  /** instructions after FROM, in order */
  body: Instruction[];
}

function parse(): { df: Dockerfile; stages: Stage[]; globalArgs: Map<string, string | null> } {
  const df = DockerfileParser.parse(read('Dockerfile'));
  const globalArgs = new Map(df.getInitialARGs().map((a) => [a.getProperty()!.getName(), a.getProperty()!.getValue()]));
  const stages: Stage[] = [];
  for (const ins of df.getInstructions()) {
    if (ins.getKeyword() === 'FROM') {
      const args = ins.getArguments().map((a) => a.getValue());
      const asAt = args.findIndex((a) => a.toUpperCase() === 'AS');
      assert.ok(asAt > 0, `every stage is named (FROM … AS name): ${ins.toString()}`);
      stages.push({ name: args[asAt + 1], from: args[0], body: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].body.push(ins);
    }
  }
  return { df, stages, globalArgs };
}

const { df, stages, globalArgs } = parse();
const stage = (name: string) => {
  const s = stages.find((x) => x.name === name);
  assert.ok(s, `stage ${name} exists; stages: ${stages.map((x) => x.name).join(', ')}`);
  return s;
};
const finalStage = stages[stages.length - 1];
const of = (s: Stage, keyword: string) => s.body.filter((i) => i.getKeyword() === keyword);
/** ENV name → value set in a stage */
function envOf(s: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of of(s, 'ENV'))
    for (const p of (
      i as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }
    ).getProperties())
      env.set(p.getName(), p.getValue() ?? '');
  return env;
}
/** ARG name → default (null when none) declared in a stage */
function argsOf(s: Stage): Map<string, string | null> {
  const args = new Map<string, string | null>();
  for (const i of of(s, 'ARG')) {
    const p = (
      i as unknown as { getProperty(): { getName(): string; getValue(): string | null } | null }
    ).getProperty()!;
    args.set(p.getName(), p.getValue());
  }
  return args;
}
const jsonArgs = (i: Instruction) =>
  (i as unknown as { getJSONStrings(): { getJSONValue(): string }[] }).getJSONStrings().map((s) => s.getJSONValue());
const appStage = stage('app');
const workdir = of(appStage, 'WORKDIR').map((i) => i.getArgumentsContent())[0];
const entrypointSh = read('docker/entrypoint.sh');
const installSh = read('docker/install.sh');
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  engines?: { node?: string };
};

/** The words of a `case "$x" in` arm list of a shell script: `  a | b)` → [a, b]. */
function caseLabels(script: string, variable: string): string[] {
  const start = script.search(new RegExp(`case "\\$\\{?${variable}(:-[^}]*)?\\}?" in`));
  assert.ok(start >= 0, `a case on $${variable}`);
  const body = script.slice(start, script.indexOf('\nesac', start));
  return [...body.matchAll(/^\s+([\w|\s*.-]+)\)/gm)]
    .flatMap((m) => m[1].split('|').map((w) => w.trim()))
    .filter((w) => w !== '' && w !== '*');
}

describe('Dockerfile: variants and base images', () => {
  it('VARIANT is a global build argument, gpu by default, and each variant has its base stage', () => {
    assert.equal(globalArgs.get('VARIANT'), 'gpu');
    for (const v of VARIANTS) stage(`base-${v}`);
    assert.deepEqual(
      stages
        .filter((s) => s.name.startsWith('base-'))
        .map((s) => s.name.slice(5))
        .sort(),
      [...VARIANTS].sort(),
    );
    assert.equal(appStage.from, 'base-${VARIANT}', 'the image stage is FROM base-${VARIANT}');
    assert.ok(argsOf(appStage).has('VARIANT'), 'the app stage re-declares ARG VARIANT (RUN steps read it)');
  });

  it('docker/install.sh accepts exactly the variants of the Dockerfile', () => {
    assert.deepEqual(
      caseLabels(installSh, 'VARIANT')
        .filter((w) => !w.includes('*'))
        .sort(),
      [...new Set([...VARIANTS])].sort(),
    );
  });

  it('every FROM takes its image from a global build argument with a default, or from an earlier stage', () => {
    const seen = new Set<string>();
    for (const s of stages) {
      const m = /^\$\{(\w+)\}$/.exec(s.from);
      if (m) {
        assert.ok(
          globalArgs.has(m[1]),
          `FROM \${${m[1]}} (stage ${s.name}): ${m[1]} must be declared before the first FROM`,
        );
        assert.ok(globalArgs.get(m[1]), `${m[1]} has a default image`);
      } else {
        const target = s.from.replace('${VARIANT}', VARIANTS[0]);
        assert.ok(seen.has(target), `stage ${s.name} is FROM ${s.from}: neither a build argument nor an earlier stage`);
      }
      seen.add(s.name);
    }
  });

  it('gpu: CUDA 11.8 + cuDNN 8 runtime base (libtensorflow 2.9.1), pinned by digest', () => {
    const from = stage('base-gpu').from.slice(2, -1);
    const image = globalArgs.get(from) ?? '';
    assert.match(image, /^nvidia\/cuda:11\.8\.0-cudnn8-runtime-ubuntu22\.04@sha256:[0-9a-f]{64}$/, `${from}=${image}`);
  });

  it('gpu: the CUDA JIT cache variables for Ampere/Ada/Hopper, and a GPU is expected', () => {
    const env = envOf(stage('base-gpu'));
    assert.ok(env.get('CUDA_CACHE_PATH'), 'CUDA_CACHE_PATH');
    assert.equal(env.get('CUDA_CACHE_MAXSIZE'), '4294967296');
    assert.equal(env.get('CUDA_MODULE_LOADING'), 'LAZY');
    assert.equal(env.get('ZGR_EXPECT_GPU'), '1');
    assert.match(
      installSh,
      new RegExp(`install -d -m 1777 [^\\n]*${env.get('CUDA_CACHE_PATH')!.replace(/\//g, '\\/')}`),
      'install.sh makes the CUDA cache folder, writable by any uid',
    );
    assert.match(
      installSh,
      /gpu\)[\s\S]*?@tensorflow\/tfjs-node-gpu@\$\{TFJS_VERSION\}/,
      'the gpu variant installs tfjs-node-gpu',
    );
  });

  it('webgpu: Debian base, libvulkan1, graphics capability for the NVIDIA Vulkan driver, webgpu packages', () => {
    const s = stage('base-webgpu');
    assert.equal(s.from, '${DEBIAN_BASE_IMAGE}');
    assert.match(globalArgs.get('DEBIAN_BASE_IMAGE') ?? '', /bookworm/);
    const caps = (envOf(s).get('NVIDIA_DRIVER_CAPABILITIES') ?? '').split(',');
    for (const c of ['compute', 'utility', 'graphics'])
      assert.ok(caps.includes(c), `NVIDIA_DRIVER_CAPABILITIES has ${c}: ${caps}`);
    assert.equal(envOf(s).get('ZGR_EXPECT_GPU'), '1');
    assert.match(installSh, /webgpu \] && pkgs="\$pkgs libvulkan1"/);
    assert.match(installSh, /"webgpu@\$\{WEBGPU_VERSION\}" "@tensorflow\/tfjs-backend-webgpu@\$\{TFJS_VERSION\}"/);
  });

  it("cpu: Debian base, no GPU expected, tfjs-node only as package.json's optional dependency", () => {
    const s = stage('base-cpu');
    assert.equal(s.from, '${DEBIAN_BASE_IMAGE}');
    assert.equal(envOf(s).get('ZGR_EXPECT_GPU'), '0');
    const optional =
      (JSON.parse(read('package.json')) as { optionalDependencies?: Record<string, string> }).optionalDependencies ??
      {};
    assert.ok(
      '@tensorflow/tfjs-node' in optional,
      'tfjs-node is optional, so a failed download does not fail the build',
    );
  });

  it(
    "every variant installs the figures' fonts (FONT_FAMILIES of lib/plots/style.ts) by " +
      'their Debian and Ubuntu package names',
    () => {
      const pkgs = /^\s*pkgs="([^"$]*)"$/m.exec(installSh.slice(installSh.indexOf('step_system() {')));
      assert.ok(pkgs, 'step_system starts from one unconditional package list');
      const style = read('lib/plots/style.ts');
      for (const [font, deb] of [
        ['DejaVu Sans', 'fonts-dejavu-core'],
        ['Liberation Sans', 'fonts-liberation'],
      ]) {
        assert.match(style, new RegExp(`FONT_FAMILIES = \\[[^\\]]*'${font}'`), `style.ts names ${font}`);
        assert.ok(pkgs[1].split(' ').includes(deb), `${deb} (${font}) in every variant's packages: ${pkgs[1]}`);
      }
    },
  );

  it('every @tensorflow package is pinned to the version package.json uses', () => {
    assert.equal(argsOf(appStage).get('TFJS_VERSION'), pkg.dependencies['@tensorflow/tfjs']);
  });

  it('Node 20 in every variant: NODE_IMAGE, the smoke script and package.json agree', () => {
    const node = globalArgs.get('NODE_IMAGE') ?? '';
    const m = /^node:(20\.\d+\.\d+)-/.exec(node);
    assert.ok(m, `NODE_IMAGE=${node} is an exact Node 20 image`);
    assert.match(
      read('scripts/docker-smoke.sh'),
      new RegExp(`^NODE_VERSION=${m[1].replace(/\./g, '\\.')}$`, 'm'),
      'the smoke builds the same Node',
    );
    assert.match(pkg.engines?.node ?? '', /20/);
    const fromNode = df
      .getCOPYs()
      .filter((c) => c.getFromFlag()?.getValue() === 'node')
      .map((c) => c.getArgumentsContent());
    for (const p of ['/usr/local/bin/node', '/usr/local/lib/node_modules/npm'])
      assert.ok(fromNode.includes(`${p} ${p}`), `COPY --from=node ${p} ${p}`);
    assert.equal(stage('node').from, '${NODE_IMAGE}');
  });

  it('every variable used in a stage is a build argument or environment variable in scope there', () => {
    const builtin = new Set(['PATH', 'HOME']);
    const inherited = new Map<string, Set<string>>();
    for (const s of stages) {
      const parent = s.from.startsWith('base-')
        ? VARIANTS.map((v) => inherited.get(`base-${v}`) ?? new Set<string>())
        : [];
      const scope = new Set<string>(builtin);
      // a stage FROM base-${VARIANT} sees what every base stage sets only if all of them set it
      if (parent.length > 0) for (const name of parent[0]) if (parent.every((p) => p.has(name))) scope.add(name);
      for (const ins of s.body) {
        for (const v of ins.getVariables()) {
          assert.ok(
            scope.has(v.getName()),
            `stage ${s.name}, line ${ins.getRange().start.line + 1} (${ins.getKeyword()}): ` +
              `$${v.getName()} is not declared before it`,
          );
        }
        if (ins.getKeyword() === 'ARG')
          scope.add(
            argsOf({ ...s, body: [ins] })
              .keys()
              .next().value!,
          );
        if (ins.getKeyword() === 'ENV') for (const k of envOf({ ...s, body: [ins] }).keys()) scope.add(k);
      }
      inherited.set(s.name, new Set([...envOf(s).keys()]));
    }
  });

  it('the build arguments docker/install.sh reads are declared in the image stage', () => {
    const declared = new Set([...argsOf(appStage).keys(), ...envOf(appStage).keys()]);
    // its header: "Reads the build arguments A, B, … from the environment"
    const header = /Reads the build arguments ([\s\S]*?) from the environment/.exec(installSh);
    assert.ok(header, 'install.sh lists the build arguments it reads');
    const listed = header[1]
      .replace(/#/g, ' ')
      .split(/[\s,]+/)
      .filter((w) => /^[A-Z][A-Z0-9_]+$/.test(w));
    for (const name of listed)
      assert.ok(
        argsOf(appStage).has(name),
        `install.sh reads the build argument ${name}; the app stage has no ARG ${name}`,
      );
    const osRelease = new Set(['ID']); // from /etc/os-release
    const used = new Set([...installSh.matchAll(/\$\{?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    for (const name of used) {
      if (osRelease.has(name)) continue;
      assert.ok(
        listed.includes(name) || envOf(appStage).has(name),
        `install.sh reads ${name}: neither a listed build argument nor an ENV of the app stage`,
      );
      assert.ok(declared.has(name));
    }
    for (const value of ['pip', 'debian'])
      assert.ok(caseLabels(installSh, 'JUPYTER').includes(value), `JUPYTER=${value} is handled`);
    for (const value of ['apt', 'playwright'])
      assert.ok(caseLabels(installSh, 'mode').includes(value), `CHROMIUM=${value} is handled`);
    assert.equal(argsOf(appStage).get('JUPYTER'), 'pip', 'users get JupyterLab from pip by default');
  });

  it('no secrets in build arguments or the environment', () => {
    const names = [...globalArgs.keys(), ...stages.flatMap((s) => [...argsOf(s).keys(), ...envOf(s).keys()])];
    for (const n of names)
      assert.doesNotMatch(n, /TOKEN|PASSWORD|SECRET|API_?KEY|CREDENTIAL/i, `${n} looks like a secret`);
  });
});

describe('Dockerfile: user, init, entrypoint and commands', () => {
  it('runs as a non-root user', () => {
    const users = of(finalStage, 'USER').map((i) => i.getArgumentsContent());
    const last = users[users.length - 1];
    assert.ok(last && !['root', '0', '0:0'].includes(last), `the last USER is ${last}`);
    assert.match(installSh, new RegExp(`useradd [^\\n]*${last}`), `install.sh creates the user ${last}`);
  });

  it('tini is the init process and runs docker/entrypoint.sh, figures by default', () => {
    const entry = jsonArgs(df.getENTRYPOINTs()[0]);
    assert.equal(entry[0], '/usr/bin/tini');
    const script = entry[entry.length - 1];
    assert.ok(
      of(finalStage, 'COPY').some((i) => i.getArgumentsContent() === `docker/entrypoint.sh ${script}`),
      `COPY docker/entrypoint.sh ${script}`,
    );
    assert.match(installSh, /pkgs="[^"]*\btini\b/, 'install.sh installs tini');
    assert.deepEqual(jsonArgs(df.getCMDs()[0]), ['figures']);
    assert.ok(fs.statSync(path.join(ROOT, 'docker/entrypoint.sh')).mode & 0o111, 'docker/entrypoint.sh is executable');
  });

  it('the entrypoint handles figures, lab, test and gpu-check, figures also when no command is given', () => {
    const labels = caseLabels(entrypointSh, 'cmd');
    for (const c of COMMANDS)
      assert.ok(labels.includes(c), `entrypoint.sh has a "${c})" branch; it has ${labels.join(', ')}`);
    assert.match(entrypointSh, /^cmd=\$\{1:-figures\}$/m);
  });

  it('figures runs the reproduce script of package.json and writes into <WORKDIR>/figures', () => {
    assert.equal(workdir, '/app');
    assert.match(
      pkg.scripts.reproduce,
      /node dist\/scripts\/reproduce\.js$/,
      'npm run reproduce = build + node dist/scripts/reproduce.js',
    );
    assert.match(entrypointSh, /figures\)[\s\S]*?node dist\/scripts\/reproduce\.js "\$@"/);
    assert.match(entrypointSh, /^APP=\/app$/m);
    assert.match(entrypointSh, /^FIGURES="\$APP\/figures"$/m);
    assert.ok(fs.existsSync(path.join(ROOT, 'scripts', 'reproduce.ts')), 'scripts/reproduce.ts exists');
    assert.match(
      installSh,
      /install -d [^\n]*figures[^\n]*\n\s*chmod 0777 figures/,
      'figures/ is made writable for --user uids',
    );
  });

  it('test runs the test files that npm test runs', () => {
    assert.match(
      pkg.scripts.test,
      /node --test --test-reporter=spec \$\(find dist\/test -name "\*\.test\.js" \| sort\)/,
    );
    const testCase = new RegExp(
      String.raw`test\)\s*\n[\s\S]*?exec node --test --test-reporter=spec "\$@" ` +
        String.raw`\$\(find dist/test -name '\*\.test\.js' \| sort\)`,
    );
    assert.match(entrypointSh, testCase);
  });

  it('gpu-check runs the compiled scripts/gpu-check.ts', () => {
    assert.ok(fs.existsSync(path.join(ROOT, 'scripts', 'gpu-check.ts')));
    assert.match(entrypointSh, /gpu-check\)\s*\n\s*exec node dist\/scripts\/gpu-check\.js "\$@"/);
  });

  it('lab serves JupyterLab on the exposed port 8888 with the tslab kernel registered', () => {
    const exposed = df
      .getInstructions()
      .filter((i) => i.getKeyword() === 'EXPOSE')
      .map((i) => i.getArgumentsContent());
    assert.deepEqual(exposed, ['8888']);
    assert.match(entrypointSh, /port=\$\{ZGR_LAB_PORT:-8888\}/);
    assert.match(entrypointSh, /^\s*ip=--ip=0\.0\.0\.0$/m);
    assert.match(entrypointSh, /exec jupyter lab \$\{ip:\+"\$ip"\} --port="\$port"/);
    // the server's root, where the launcher saves a new notebook, is the folder the docs mount
    assert.match(entrypointSh, /^NOTEBOOKS="\$APP\/notebooks"$/m);
    assert.match(entrypointSh, /exec jupyter lab [^\n]*--ServerApp\.root_dir="\$NOTEBOOKS"/);
    assert.match(entrypointSh, /exec jupyter notebook [^\n]*--notebook-dir="\$NOTEBOOKS"/);
    const kernel = JSON.parse(read('docker/kernels/tslab/kernel.json')) as { argv: string[]; language: string };
    assert.equal(kernel.argv[0], '/usr/local/bin/node', "the kernel runs the image's Node");
    assert.equal(kernel.argv[1], `${workdir}/node_modules/tslab/bin/tslab`);
    assert.ok('tslab' in pkg.dependencies, 'tslab is a dependency');
    assert.ok(
      of(finalStage, 'COPY').some(
        (i) =>
          i.getArgumentsContent() ===
          'docker/kernels/tslab/kernel.json /usr/local/share/jupyter/kernels/tslab/kernel.json',
      ),
    );
    assert.match(installSh, /plotly==\$\{PLOTLY_VERSION\}/, 'the plotly renderer extension comes with JupyterLab');
    // JupyterLab's defaults for every user: no news prompt, no build check (docs/docker.md)
    const overrides =
      /printf '%s\\n' '(\{[^']*\})' \\\s*>\/etc\/jupyter\/labconfig\/default_setting_overrides\.json/.exec(installSh);
    assert.ok(overrides, 'install.sh writes /etc/jupyter/labconfig/default_setting_overrides.json');
    assert.deepEqual(JSON.parse(overrides[1]), {
      '@jupyterlab/apputils-extension:notification': { fetchNews: 'false', checkForUpdates: false },
    });
    const pageConfig = /printf '%s\\n' '(\{[^']*\})' >\/etc\/jupyter\/labconfig\/page_config\.json/.exec(installSh);
    assert.ok(pageConfig, 'install.sh writes /etc/jupyter/labconfig/page_config.json');
    assert.deepEqual(JSON.parse(pageConfig[1]), { buildCheck: false, buildAvailable: false });
  });
});

describe('.dockerignore keeps the context to the sources', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  it('node_modules, dist and caches stay out', () => {
    for (const p of ['node_modules', 'dist', '.cache', '.git'])
      assert.ok(ignored.includes(p), `.dockerignore lists ${p}`);
  });
  it('what the image copies and tests stays in', () => {
    for (const p of [
      'Dockerfile',
      'docker',
      'package.json',
      'package-lock.json',
      'docs',
      'scripts',
      'lib',
      'test',
      'notebooks',
    ]) {
      assert.ok(!ignored.some((g) => g === p || g === `${p}/` || g === `/${p}`), `.dockerignore must not exclude ${p}`);
    }
  });
});

/** `docker build` / `docker run` commands of the fenced shell blocks of a Markdown file. */
function dockerCommands(markdown: string): string[][] {
  // every fenced block in order (so a closing fence is never taken for an opening one), shell ones kept
  const blocks = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)]
    .filter((m) => ['', 'sh', 'bash', 'shell', 'console'].includes(m[1]))
    .map((m) => m[2].replace(/\\\n/g, ' '));
  const commands: string[][] = [];
  for (const line of blocks.flatMap((b) => b.split('\n'))) {
    for (const part of line.split(/&&|;/)) {
      const words = shellWords(part.replace(/^\s*\$\s/, ''));
      if (words[0] === 'docker' && (words[1] === 'build' || words[1] === 'run')) commands.push(words);
    }
  }
  return commands;
}

function shellWords(s: string): string[] {
  const words: string[] = [];
  for (const m of s.matchAll(/"((?:[^"\\]|\\.|\$\([^)]*\))*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

const RUN_VALUE_OPTIONS = new Set([
  '-v',
  '--volume',
  '-p',
  '--publish',
  '-e',
  '--env',
  '--user',
  '-u',
  '--name',
  '--gpus',
  '-w',
  '--workdir',
  '--mount',
  '--device',
  '--env-file',
  '--network',
  '--shm-size',
  '--entrypoint',
]);
const BUILD_VALUE_OPTIONS = new Set(['-t', '--tag', '-f', '--file', '--build-arg', '--target', '--platform']);

interface Parsed {
  options: [string, string | true][];
  rest: string[];
}
function parseOptions(words: string[], valueOptions: Set<string>): Parsed {
  const options: [string, string | true][] = [];
  let i = 0;
  for (; i < words.length && words[i].startsWith('-'); i++) {
    const [name, inline] = words[i].split(/=(.*)/s);
    if (inline !== undefined) options.push([name, inline]);
    else if (valueOptions.has(name)) options.push([name, words[++i]]);
    else options.push([name, true]);
  }
  return { options, rest: words.slice(i) };
}

describe('the documented docker commands match the Dockerfile', () => {
  const docs = ['README.md', 'docs/docker.md'].filter((f) => fs.existsSync(path.join(ROOT, f)));
  const all = docs.map((f) => ({ file: f, commands: dockerCommands(read(f)) }));
  const declaredArgs = new Set([...globalArgs.keys(), ...stages.flatMap((s) => [...argsOf(s).keys()])]);

  it('docs/docker.md shows the build, figures, lab, cpu and gpu-check commands', () => {
    const cmds = all.find((d) => d.file === 'docs/docker.md')!.commands.map((w) => w.join(' '));
    assert.ok(
      cmds.some((c) => c === 'docker build -t zgr-companion .'),
      'docker build -t zgr-companion .',
    );
    assert.ok(
      cmds.some((c) => c.startsWith('docker run --gpus all') && c.endsWith('zgr-companion figures')),
      'figures with --gpus all',
    );
    assert.ok(
      cmds.some((c) => /-p \S*:8888 .*zgr-companion lab$/.test(c)),
      'lab with -p …:8888',
    );
    assert.ok(
      cmds.some((c) => c.includes('-v $PWD/notebooks:/app/notebooks') && c.endsWith(' lab')),
      'lab with the notebooks folder mounted (where new notebooks are saved)',
    );
    assert.ok(
      cmds.some((c) => c.includes('--build-arg VARIANT=cpu')),
      'the cpu build',
    );
    assert.ok(
      cmds.some((c) => c.endsWith('gpu-check')),
      'gpu-check',
    );
  });

  it(
    'every build uses declared arguments and valid variants; every run a built tag, an image ' +
      "command, the image's paths and port",
    () => {
      const builtVariant = new Map<string, string>();
      for (const { file, commands } of all) {
        for (const words of commands) {
          const where = `${file}: ${words.join(' ')}`;
          if (words[1] === 'build') {
            const { options } = parseOptions(words.slice(2), BUILD_VALUE_OPTIONS);
            let variant = globalArgs.get('VARIANT')!;
            for (const [name, value] of options) {
              if (name !== '--build-arg') continue;
              const [k, v] = String(value).split(/=(.*)/s);
              assert.ok(declaredArgs.has(k), `${where}: --build-arg ${k} is not an ARG of the Dockerfile`);
              if (k === 'VARIANT') {
                assert.ok((VARIANTS as readonly string[]).includes(v), `${where}: VARIANT=${v}`);
                variant = v;
              }
            }
            const tag = options.find(([n]) => n === '-t' || n === '--tag');
            assert.ok(tag, `${where}: a -t tag`);
            builtVariant.set(String(tag[1]).replace(/:latest$/, ''), variant);
          }
        }
        for (const words of commands.filter((w) => w[1] === 'run')) {
          const where = `${file}: ${words.join(' ')}`;
          const { options, rest } = parseOptions(words.slice(2), RUN_VALUE_OPTIONS);
          const [image, command, ...more] = rest;
          const variant = builtVariant.get(image);
          assert.ok(variant, `${where}: image ${image} is not built by a documented docker build`);
          assert.ok(
            command === undefined ||
              (COMMANDS as readonly string[]).includes(command) ||
              ['bash', 'nvidia-smi', 'node'].includes(command),
            `${where}: unknown command ${command}`,
          );
          if (command === 'figures')
            for (const sel of more) assert.match(sel, /^\d{2}$/, `${where}: notebook selector`);
          const gpus = options.some(([n]) => n === '--gpus');
          assert.equal(gpus, variant !== 'cpu', `${where}: --gpus all goes with the gpu and webgpu images only`);
          for (const [name, value] of options) {
            if (name === '-v' || name === '--volume') {
              const target = String(value).split(':')[1];
              assert.ok(
                target === '/var/cache/zgr/cuda' || target.startsWith(`${workdir}/`),
                `${where}: mount target ${target}`,
              );
              if (target === `${workdir}/figures` || target === `${workdir}/notebooks`)
                assert.ok(
                  options.some(([n]) => n === '--user'),
                  `${where}: --user with the ${target} mount`,
                );
            }
            if (name === '-p' || name === '--publish')
              assert.equal(String(value).split(':').pop(), '8888', `${where}: container port 8888`);
            if (name === '-e' || name === '--env')
              assert.match(
                String(value),
                /^(ZGR_PROFILE=(quick|paper)|JUPYTER_TOKEN=.*|ZGR_LAB_PORT=\d+)$/,
                `${where}: -e ${value}`,
              );
          }
        }
      }
    },
  );

  it("the build-argument table of docs/docker.md lists exactly the Dockerfile's arguments", () => {
    // a default in backticks, or – for an argument without one
    const table = [...read('docs/docker.md').matchAll(/^\| `([A-Z_]+)` \| (?:`([^`]*)`|–) \|/gm)].map(
      (m) => [m[1], m[2] ?? ''] as const,
    );
    // global arguments keep their defaults where the app stage re-declares them without one
    const user = new Map([...argsOf(appStage), ...globalArgs].filter(([k]) => k !== 'DEBIAN_FRONTEND'));
    assert.deepEqual(table.map(([k]) => k).sort(), [...user.keys()].sort());
    for (const [k, v] of table) {
      const actual = user.get(k) ?? '';
      assert.ok(
        v.endsWith('…') ? actual.startsWith(v.slice(0, -1)) : actual === v,
        `${k}: the table says ${v}, the Dockerfile ${actual}`,
      );
    }
  });

  it('the smoke script passes only declared build arguments, and runs every image command', () => {
    const smoke = read('scripts/docker-smoke.sh');
    for (const m of smoke.matchAll(/--build-arg (\w+)=/g))
      assert.ok(declaredArgs.has(m[1]), `docker-smoke.sh: --build-arg ${m[1]}`);
    assert.match(smoke, /^VARIANT=\$\{ZGR_SMOKE_VARIANT:-cpu\}$/m, 'the smoke builds the cpu variant by default');
    assert.match(smoke, /--build-arg VARIANT="\$VARIANT"/);
    assert.match(smoke, /--build-arg JUPYTER=debian/);
    for (const c of COMMANDS) assert.match(smoke, new RegExp(`"\\$IMAGE" ${c}\\b`), `docker-smoke.sh runs ${c}`);
  });
});

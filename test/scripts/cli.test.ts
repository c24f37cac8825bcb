/**
 * The one argument parser of the command-line scripts (scripts/cli.ts), and every command of
 * scripts/ run as a person would: `--help` prints the usage and exits 0; a bad flag is one line on
 * stderr naming the flag and the value, exit 2, with nothing on stdout (no settings line, no
 * banner, no stack trace) and nothing trained. And the two trainers say what they did: backend,
 * results folder, the run's loss by its name, a closing summary, and "skipped" for a finished run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../lib/results/paths';
import { parseCommand, UsageError } from '../../scripts/cli';

const ROOT = repoRoot();

const COMMAND = {
  name: 'demo',
  usage: 'usage: demo',
  options: {
    lr: { type: 'number' },
    epochs: { type: 'integer' },
    workers: { type: 'integer', min: 1 },
    optimizer: { type: 'string', choices: ['adam', 'radam'] },
    config: { type: 'string', multiple: true },
    sweep: { type: 'boolean' },
    'results-dir': { type: 'string' },
  },
} as const;

const values = (...argv: string[]) => {
  const parsed = parseCommand(COMMAND, argv);
  assert.equal(parsed.help, false, `${argv.join(' ')} is not a request for help`);
  return (parsed as { values: Record<string, unknown> }).values;
};
const usageError = (argv: string[], message: RegExp) =>
  assert.throws(
    () => parseCommand(COMMAND, argv),
    (err: unknown) => err instanceof UsageError && message.test(err.message),
    `${argv.join(' ')}: expected ${message}`,
  );

describe('scripts/cli.ts: one parser, typed values, errors that name the flag and the value', () => {
  it('numbers and integers are typed; a negative number is a value, with or without "="', () => {
    assert.deepEqual(values('--lr', '1e-3', '--epochs', '12'), { lr: 0.001, epochs: 12 });
    assert.deepEqual(values('--lr', '-1'), { lr: -1 });
    assert.deepEqual(values('--lr=-0.5', '--epochs', '-3'), { lr: -0.5, epochs: -3 });
  });

  it('strings, choices, repeatable options, booleans, and the last of a repeated option', () => {
    assert.deepEqual(
      values(
        '--optimizer',
        'radam',
        '--config',
        '8x4',
        '--config=4x24',
        '--sweep',
        '--results-dir',
        '/tmp/x',
        '--lr',
        '1',
        '--lr',
        '2',
      ),
      {
        optimizer: 'radam',
        config: ['8x4', '4x24'],
        sweep: true,
        'results-dir': '/tmp/x',
        lr: 2,
      },
    );
  });

  it('--help and -h ask for the usage, whatever else is given', () => {
    assert.deepEqual(parseCommand(COMMAND, ['--help']), { help: true });
    assert.deepEqual(parseCommand(COMMAND, ['--lr', 'x', '-h']).help, true);
  });

  it('each bad argument is a UsageError naming the flag and the value', () => {
    usageError(['--lr', 'abc'], /^--lr must be a number, got "abc"$/);
    usageError(['--lr', 'Infinity'], /^--lr must be a number, got "Infinity"$/);
    usageError(['--lr', ''], /^--lr must be a number, got ""$/);
    usageError(['--epochs', '1.5'], /^--epochs must be an integer, got "1\.5"$/);
    usageError(['--workers', '0'], /^--workers must be at least 1, got "0"$/);
    usageError(['--optimizer', 'sgd'], /^--optimizer must be one of adam, radam, got "sgd"$/);
    usageError(['--bogus'], /^unknown option --bogus$/);
    usageError(['-x'], /^unknown option -x$/);
    usageError(['--sweep=yes'], /^--sweep takes no value, got "yes"$/);
    usageError(['--lr'], /^--lr needs a value$/);
    usageError(['--results-dir', '--sweep'], /^--results-dir needs a value, got "--sweep" \(write --results-dir=VALUE/);
    usageError(['--lr', '--sweep'], /^--lr needs a value, got "--sweep"/);
    usageError(['stray'], /^unexpected argument "stray"$/);
  });

  it('positionals only where the command takes them, also after --', () => {
    const parsed = parseCommand({ ...COMMAND, positionals: true }, ['03', '--sweep', '--', '--not-a-flag']);
    assert.deepEqual(parsed, { help: false, values: { sweep: true }, positionals: ['03', '--not-a-flag'] });
  });
});

/** The modules of scripts/ that are not commands (imported by commands, or a child process of one). */
const NOT_COMMANDS = ['cli', 'ipynb', 'jupyter', 'kernel-preload', 'tslab-executor', 'tslab-kernel'];

/** For every command: one bad argument and what its one-line error must say. */
const BAD_FLAG: Record<string, { argv: string[]; error: RegExp }> = {
  'train-vae': { argv: ['--epochs', '1.5'], error: /--epochs must be an integer, got "1\.5"/ },
  'train-e5': {
    argv: ['--estimator', 'nope'],
    error: /--estimator must be one of st, .*rloo, stBinary, zgrBinary, got "nope"/,
  },
  bench: { argv: ['--rounds', '0'], error: /--rounds must be at least 1, got "0"/ },
  'bench-e5': { argv: ['--steps', 'x'], error: /--steps must be an integer, got "x"/ },
  'e3-epoch': { argv: ['--steps', '0'], error: /--steps must be at least 1, got "0"/ },
  'e3-summary': {
    argv: ['--profile', 'huge'],
    error: /--profile must be one of quick, medium, long, paper, got "huge"/,
  },
  'e4-gradient-quality': { argv: ['--profile', 'paper'], error: /unknown option --profile/ },
  'e5-gradient-quality': { argv: ['--epochs=3'], error: /unknown option --epochs/ },
  reproduce: { argv: ['--executor', 'python'], error: /--executor must be one of tslab, jupyter, got "python"/ },
  kernelspec: { argv: ['--force'], error: /unknown option --force/ },
  'gpu-check': { argv: ['--size', '-3'], error: /--size must be at least 1, got "-3"/ },
  'notebook-client-check': { argv: ['--port', '8888'], error: /unknown option --port/ },
  'package-browser': { argv: ['--timeout=5'], error: /unknown option --timeout/ },
  'format-notebooks': { argv: ['--check=yes'], error: /--check takes no value, got "yes"/ },
};

const COMMANDS = fs
  .readdirSync(path.join(ROOT, 'scripts'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => !NOT_COMMANDS.includes(name))
  .sort();

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * node dist/scripts/NAME.js ARGV, with a private results folder (nothing is trained, but nothing may
 * land in the checkout either).
 */
function run(name: string, argv: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const env = { ...process.env, ZGR_CACHE_DIR: '/nonexistent/zgr-cli-test', ...extraEnv };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'dist', 'scripts', `${name}.js`), ...argv],
      { env, encoding: 'utf8', timeout: 120_000 },
      (err, stdout, stderr) => {
        resolve({ status: err == null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
      },
    );
  });
}

describe('every command in scripts/: --help and a bad flag', { concurrency: 4 }, () => {
  it('the table above has a bad flag for every command (a new script gets one)', () => {
    assert.deepEqual(Object.keys(BAD_FLAG).sort(), COMMANDS);
  });

  for (const name of COMMANDS) {
    it(`${name} --help prints the usage on stdout and exits 0`, async () => {
      const r = await run(name, ['--help']);
      assert.equal(r.status, 0, `exit status ${r.status}\n${r.stderr}`);
      assert.match(r.stdout, /^usage: /, `stdout starts with the usage:\n${r.stdout}`);
      assert.equal(r.stderr, '', 'nothing on stderr');
    });

    it(
      `${name} ${(BAD_FLAG[name]?.argv ?? []).join(' ')}: ` + `one line on stderr naming the flag and value, exit 2`,
      async () => {
        const bad = BAD_FLAG[name];
        assert.ok(bad, `add ${name} to BAD_FLAG`);
        const r = await run(name, bad.argv);
        assert.equal(r.status, 2, `exit status ${r.status}\n${r.stderr}`);
        assert.equal(r.stdout, '', 'nothing on stdout before the error');
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
        assert.match(lines[0], new RegExp(`^${name}: `), 'the line starts with the command');
        assert.match(lines[0], bad.error);
      },
    );
  }

  for (const name of ['train-vae', 'train-e5']) {
    it(
      `${name} --lr -1 reaches the configuration's check, ` + `which rejects lr by name before anything is printed`,
      async () => {
        const r = await run(name, ['--lr', '-1', '--epochs', '1']);
        assert.equal(r.status, 1, `exit status ${r.status}\n${r.stderr}`);
        assert.equal(r.stdout, '', 'no settings line before the error');
        assert.match(r.stderr, new RegExp(`^${name}: (VAE|E5) config: lr must be a finite number > 0, got -1\\n$`));
      },
    );
  }
});

describe('the trainers say what they did (tiny runs, wasm)', () => {
  const TINY: Record<string, { argv: string[]; loss: RegExp; metric: RegExp }> = {
    'train-vae': {
      argv: ['--C', '4', '--latents', '2', '--epochs', '1', '--train-size', '100', '--test-size', '50'],
      loss: /−ELBO/,
      metric: /test −ELBO \d+\.\d\d/,
    },
    'train-e5': {
      argv: ['--hidden', '8', '--epochs', '1', '--train-size', '100', '--test-size', '50'],
      loss: /cross-entropy/,
      metric: /test accuracy \d+\.\d\d % \(sampled \d+\.\d\d %\)/,
    },
  };
  for (const [name, tiny] of Object.entries(TINY)) {
    it(
      `${name}: backend, results folder, its loss by name, one ` +
        `summary line; run again: "skipped: already finished (1 epoch)"`,
      async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zgr-${name}-`));
        try {
          const first = await run(name, [...tiny.argv, '--results-dir', dir], { ZGR_BACKEND: 'wasm' });
          assert.equal(first.status, 0, first.stderr);
          assert.match(first.stderr, /tfjs backend: wasm \(ZGR_BACKEND\)/, 'the backend is named');
          const [key] = fs.readdirSync(dir);
          const folder = path.join(dir, key);
          assert.match(first.stdout, new RegExp(`^results: ${folder}$`, 'm'), 'the results folder is named');
          assert.match(first.stderr, tiny.loss, 'the progress bar names the loss');
          if (name === 'train-e5')
            assert.doesNotMatch(first.stdout + first.stderr, /ELBO/, "E5's loss is not called −ELBO");
          const last = first.stdout.trimEnd().split('\n').at(-1)!;
          assert.match(
            last,
            new RegExp(
              `^[^:]+: finished 1 epoch in 0:\\d\\d:\\d\\d of training; ` +
                `${tiny.metric.source}; weights [0-9a-f]{16}; in ${folder}$`,
            ),
          );
          assert.doesNotMatch(first.stdout, /done true|resumes 0/);

          const again = await run(name, [...tiny.argv, '--results-dir', dir], { ZGR_BACKEND: 'wasm' });
          assert.equal(again.status, 0, again.stderr);
          assert.deepEqual(again.stdout.trimEnd().split('\n'), ['skipped: already finished (1 epoch)', last]);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  }
});

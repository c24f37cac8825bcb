/**
 * The one argument parser of the command-line scripts (scripts/*.ts). Node's util.parseArgs
 * splits the arguments into tokens (`--name value`, `--name=value`, `-h`, positionals, `--`);
 * this module checks them against the command's options and types the values:
 *
 *   runCommand({ name: 'train-vae', usage: USAGE, options: { lr: { type: 'number' }, sweep: { type: 'boolean' } } },
 *     async ({ values }) => { … values.lr is a number or undefined … });
 *
 * Every command gets `--help` / `-h` (usage on stdout, exit 0). A bad argument is one line on
 * stderr, before the command has printed anything: the command's name, the flag and the value
 * (`train-vae: --epochs must be an integer, got "1.5"`), exit 2. A negative number is a value
 * (`--lr -1` reaches the command, whose validator rejects it by name); parseArgs alone reads
 * `-1` as a flag. An error thrown by the command is printed the same way (message only; with
 * ZGR_DEBUG=1 the stack too), exit 1 unless the command says otherwise.
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  /** 'number': any finite number; 'integer': a safe integer; 'boolean': a flag without a value */
  type: 'string' | 'boolean' | 'number' | 'integer';
  /** repeatable: the values in order */
  multiple?: boolean;
  /** one-letter alias, e.g. 'h' */
  short?: string;
  /** the allowed values of a string option */
  choices?: readonly string[];
  /** the least value of a number option (for values no library function checks) */
  min?: number;
}
export type OptionSpecs = Record<string, OptionSpec>;

type Scalar<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'number' | 'integer'
    ? number
    : S extends { choices: readonly (infer C)[] }
      ? C
      : string;
/** The parsed values: each option's typed value, undefined when it was not given. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K] extends { multiple: true } ? Scalar<O[K]>[] : Scalar<O[K]>;
};

export interface Command<O extends OptionSpecs> {
  /** the name in messages, e.g. 'train-vae' */
  name: string;
  /** printed by --help */
  usage: string;
  options: O;
  /** whether the command takes positional arguments (default: no) */
  positionals?: boolean;
  /** exit status when the command throws (default 1) */
  failureStatus?: number;
}

export type Parsed<O extends OptionSpecs> =
  { help: true } | { help: false; values: OptionValues<O>; positionals: string[] };

/** A bad command line: printed as one line with the command's name, exit status 2. */
export class UsageError extends Error {}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const quote = (s: string) => JSON.stringify(s);

/** The typed value of `--name raw`; a UsageError names the flag and the value. */
function typed(flag: string, spec: OptionSpec, raw: string): string | number {
  if (spec.type === 'number' || spec.type === 'integer') {
    const n = NUMBER.test(raw.trim()) ? Number(raw) : NaN;
    if (spec.type === 'integer' && !Number.isSafeInteger(n))
      throw new UsageError(`${flag} must be an integer, got ${quote(raw)}`);
    if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got ${quote(raw)}`);
    if (spec.min != null && n < spec.min)
      throw new UsageError(`${flag} must be at least ${spec.min}, got ${quote(raw)}`);
    return n;
  }
  if (spec.choices != null && !spec.choices.includes(raw))
    throw new UsageError(`${flag} must be one of ${spec.choices.join(', ')}, got ${quote(raw)}`);
  return raw;
}

/** Parse `argv` for `command`: its typed values and positionals, or { help: true }; a UsageError for anything else. */
export function parseCommand<const O extends OptionSpecs>(command: Command<O>, argv: string[]): Parsed<O> {
  const specs: OptionSpecs = { ...command.options, help: { type: 'boolean', short: 'h' } };
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      {
        type: s.type === 'boolean' ? ('boolean' as const) : ('string' as const),
        ...(s.short ? { short: s.short } : {}),
      },
    ]),
  );
  // non-strict: parseArgs only splits; every check is made here, with messages that name the flag
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  // --help wins over everything else on the line, bad arguments included
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { help: true };
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      if (!command.positionals) throw new UsageError(`unexpected argument ${quote(t.value)}`);
      positionals.push(t.value);
      continue;
    }
    const spec = Object.hasOwn(specs, t.name) ? specs[t.name] : undefined;
    if (spec == null) throw new UsageError(`unknown option ${t.rawName}`);
    const flag = t.rawName.startsWith('--') ? t.rawName : `${t.rawName} (--${t.name})`;
    let value: unknown;
    if (spec.type === 'boolean') {
      if (t.value != null) throw new UsageError(`${flag} takes no value, got ${quote(t.value)}`);
      value = true;
    } else {
      // parseArgs takes the next argument whatever it is; only a negative number may start with '-'
      const v = t.value;
      if (
        v == null ||
        (!t.inlineValue &&
          v.startsWith('-') &&
          !((spec.type === 'number' || spec.type === 'integer') && NUMBER.test(v)))
      ) {
        throw new UsageError(
          `${flag} needs a ` +
            `value${v == null ? '' : `, got ${quote(v)} (write ${flag}=VALUE for a value that starts with '-')`}`,
        );
      }
      value = typed(flag, spec, v);
    }
    if (spec.multiple) ((values[t.name] ??= []) as unknown[]).push(value);
    else values[t.name] = value; // given twice: the last one, as parseArgs does
  }
  return { help: false, values: values as OptionValues<O>, positionals };
}

function printError(name: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  const debug = process.env.ZGR_DEBUG === '1' && err instanceof Error && err.stack ? `\n${err.stack}` : '';
  console.error(`${name}: ${message}${debug}`);
}

/**
 * Parse the process's arguments and run `main` with them: --help prints the usage (exit 0); a
 * bad argument prints one line (exit 2) before main starts; an error thrown by main prints its
 * message (exit failureStatus, default 1; a UsageError thrown by main, 2); otherwise the process
 * exits with main's number (default 0) when main has finished.
 */
export function runCommand<const O extends OptionSpecs>(
  command: Command<O>,
  main: (args: { values: OptionValues<O>; positionals: string[] }) => Promise<number | void> | number | void,
  argv: string[] = process.argv.slice(2),
): void {
  let parsed: Parsed<O>;
  try {
    parsed = parseCommand(command, argv);
  } catch (err) {
    printError(command.name, err instanceof UsageError ? `${err.message} (--help lists the options)` : err);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(command.usage);
    process.exit(0);
  }
  const { values, positionals } = parsed;
  Promise.resolve()
    .then(() => main({ values, positionals }))
    .then(
      // exit now: a handle left open (a browser, a timer) must not keep a finished command alive
      (status) => process.exit(status ?? 0),
      (err: unknown) => {
        printError(command.name, err instanceof UsageError ? `${err.message} (--help lists the options)` : err);
        process.exit(err instanceof UsageError ? 2 : (command.failureStatus ?? 1));
      },
    );
}

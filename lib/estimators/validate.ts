/**
 * Argument checks shared by every estimator: each failure is an Error naming the function, the
 * argument and the offending value, so that nothing silently becomes NaN further down.
 *
 * Checks of a tensor's entries read them back. On backends whose tensors live in host memory
 * (cpu, wasm, tfjs-node) they read at once and throw where the bad input is. Elsewhere (webgpu,
 * webgl) a synchronous read is slow or impossible (webgpu in Node throws on every `dataSync`), so
 * the check is computed on the device and deferred: `settleDeferredChecks()` reads every pending
 * check at once and throws the first failure's Error, the same message as on the host. The
 * training runner settles after every epoch's steps and after every evaluation.
 * @example checkK('grMck', 2.5)   // throws "grMck: option K must be an integer ≥ 1, got 2.5"
 */
import * as tf from '@tensorflow/tfjs';

function fail(where: string, what: string, got: unknown): never {
  throw new Error(`${where}: ${what}, got ${formatValue(got)}`);
}

/** A description to print as it is (not quoted like a string value). */
const described = (text: string) => ({ toString: () => text });

function formatValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** tau (or t): a finite number > 0. */
export function checkTemperature(where: string, name: string, tau: unknown): number {
  if (typeof tau !== 'number' || !Number.isFinite(tau) || tau <= 0) {
    fail(where, `option ${name} must be a finite number > 0`, tau);
  }
  return tau;
}

/** K, the number of Monte Carlo samples of GR-MCK: an integer ≥ 1. */
export function checkK(where: string, K: unknown): number {
  if (typeof K !== 'number' || !Number.isInteger(K) || K < 1) fail(where, 'option K must be an integer ≥ 1', K);
  return K;
}

/** M, the number of samples of RLOO: an integer ≥ 2 (the leave-one-out baseline needs two). */
export function checkM(where: string, M: unknown): number {
  if (typeof M !== 'number' || !Number.isInteger(M) || M < 2) fail(where, 'option M must be an integer ≥ 2', M);
  return M;
}

/** a, the ST-ZGR mixing weight: a number in [0, 1]. */
export function checkA(where: string, a: unknown): number {
  if (typeof a !== 'number' || !(a >= 0 && a <= 1)) fail(where, 'option a must be a number in [0, 1]', a);
  return a;
}

/** eta, the weight of a control variate (ReinMax-CV): a finite number, of either sign. */
export function checkEta(where: string, eta: unknown): number {
  if (typeof eta !== 'number' || !Number.isFinite(eta)) fail(where, 'option eta must be a finite number', eta);
  return eta;
}

/** Float64 logits of one categorical variable: C ≥ 2 finite numbers. */
export function checkLogitsArray(where: string, logits: readonly number[]): void {
  if (!Array.isArray(logits) && !ArrayBuffer.isView(logits)) fail(where, 'logits must be an array of numbers', logits);
  if (logits.length < 2) fail(where, `logits must have C ≥ 2 categories (C = ${logits.length})`, logits);
  logits.forEach((l, j) => {
    if (typeof l !== 'number' || !Number.isFinite(l)) fail(where, `logits must be finite; logits[${j}]`, l);
  });
}

/** A sampled index x in {0, …, C−1}. */
export function checkIndex(where: string, x: unknown, C: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= C) {
    fail(where, `sample index x must be an integer in [0, ${C - 1}]`, x);
  }
  return x;
}

/** An array (upstream gradient v, noise) of the given length with finite entries. */
export function checkVector(where: string, name: string, v: readonly number[], length: number): void {
  if (v == null || typeof v.length !== 'number') fail(where, `${name} must be an array of ${length} numbers`, v);
  if (v.length !== length)
    fail(where, `${name} must have length ${length} (as the logits)`, described(`length ${v.length}`));
  v.forEach((vj, j) => {
    if (typeof vj !== 'number' || !Number.isFinite(vj)) fail(where, `${name} must be finite; ${name}[${j}]`, vj);
  });
}

/**
 * Logits tensor of a categorical sampler: rank ≥ 1, float, C = last dimension ≥ 2, every entry
 * finite (read back once: cheap next to the sample and gradient, and it stops NaN at the source).
 */
export function checkLogitsTensor(where: string, logits: tf.Tensor, minC = 2): number {
  if (logits == null || typeof (logits as tf.Tensor).dataSync !== 'function')
    fail(where, 'logits must be a tf.Tensor', logits);
  if (logits.rank < 1)
    fail(where, 'logits must have rank ≥ 1 (categories on the last axis)', described(`shape [${logits.shape}]`));
  if (logits.dtype !== 'float32') fail(where, 'logits must be float32', logits.dtype);
  const C = logits.shape[logits.rank - 1];
  if (C < minC)
    fail(where, `logits must have C ≥ ${minC} categories on the last axis`, described(`shape [${logits.shape}]`));
  checkFinite(where, 'logits', logits);
  return C;
}

/** Every entry of a tensor is finite. */
export function checkFinite(where: string, name: string, t: tf.Tensor): void {
  const message = (i: number, value: number) =>
    `${where}: ${name} must be finite; entry ${i} of shape [${t.shape}], got ${formatValue(value)}`;
  checkEntries(
    t,
    (data) => firstIndex(data, (d) => !Number.isFinite(d)),
    () => tf.logicalNot(tf.isFinite(t)),
    message,
  );
}

/** A given sample: int32 indices of shape `batchShape`, each in [0, C). */
export function checkSampleTensor(where: string, x: tf.Tensor, batchShape: number[], C: number): void {
  if (x.dtype !== 'int32') fail(where, 'sample x must be an int32 tensor of category indices', x.dtype);
  if (x.shape.length !== batchShape.length || x.shape.some((d, i) => d !== batchShape[i])) {
    fail(
      where,
      `sample x must have shape [${batchShape}] (the logits' shape without the last axis)`,
      described(`shape [${x.shape}]`),
    );
  }
  const message = (i: number, value: number) =>
    `${where}: sample x must hold indices in [0, ${C - 1}]; entry ${i}, got ${formatValue(value)}`;
  checkEntries(
    x,
    (data) => firstIndex(data, (d) => d < 0 || d >= C),
    () => tf.logicalOr(tf.less(x, 0), tf.greaterEqual(x, C)),
    message,
  );
}

/** A given binary sample: every entry 0 or 1. */
export function checkBinarySample(where: string, b: tf.Tensor): void {
  const message = (i: number, value: number) =>
    `${where}: sample b must hold 0 or 1; entry ${i}, got ${formatValue(value)}`;
  checkEntries(
    b,
    (data) => firstIndex(data, (d) => d !== 0 && d !== 1),
    () => tf.logicalAnd(tf.notEqual(b, 0), tf.notEqual(b, 1)),
    message,
  );
}

/** The per-sample losses of a score-function estimator: every entry finite. */
export function checkLossFinite(where: string, f: tf.Tensor): void {
  const message = (i: number, value: number) =>
    `${where}: loss values must be finite; entry ${i}, got ${formatValue(value)}`;
  checkEntries(
    f,
    (data) => firstIndex(data, (d) => !Number.isFinite(d)),
    () => tf.logicalNot(tf.isFinite(f)),
    message,
  );
}

// ------------------------------------------------------------------------------ checks of entries

/** Backends whose tensors live in host memory: reading them synchronously is cheap and allowed. */
const HOST_BACKENDS: readonly string[] = ['cpu', 'wasm', 'tensorflow'];

/** A check computed on the device: the first failing entry (flags: [any failed, its index]) and its value. */
interface DeferredCheck {
  flags: tf.Tensor1D;
  value: tf.Tensor;
  message: (i: number, value: number) => string;
}

const pending: DeferredCheck[] = [];

function firstIndex(data: ArrayLike<number>, bad: (d: number) => boolean): number {
  for (let i = 0; i < data.length; i++) if (bad(data[i])) return i;
  return -1;
}

/**
 * Fail on the first entry of `t` that is bad: on the host at once (`firstBad` over its data), on
 * other backends through a deferred device-side check (`badMask`: a bool tensor of t's shape).
 */
function checkEntries(
  t: tf.Tensor,
  firstBad: (data: ArrayLike<number>) => number,
  badMask: () => tf.Tensor,
  message: (i: number, value: number) => string,
): void {
  if (HOST_BACKENDS.includes(tf.getBackend())) {
    const data = t.dataSync();
    const i = firstBad(data);
    if (i >= 0) throw new Error(message(i, data[i]));
    return;
  }
  if (t.size === 0) return;
  // kept: the check outlives the tidy scope of the op that made it, until it is settled
  const check = tf.tidy(() => {
    const bad = badMask().reshape([-1]).toInt();
    // the first maximum: the first bad entry when there is one (reshaped: webgpu's argMax of a vector has
    // shape [1], not [])
    const i = tf.argMax(bad).reshape([]);
    return { flags: tf.keep(tf.stack([tf.max(bad), i]) as tf.Tensor1D), value: tf.keep(tf.gather(t.reshape([-1]), i)) };
  });
  pending.push({ ...check, message });
}

/** Number of deferred checks not yet settled (0 on host backends). */
export function pendingChecks(): number {
  return pending.length;
}

/**
 * Read every deferred check (one read of their flags; a value only for a failure), free them, and
 * throw the Error of the first that failed, as the check would have on a host backend.
 */
export async function settleDeferredChecks(): Promise<void> {
  if (pending.length === 0) return;
  const checks = pending.splice(0, pending.length);
  try {
    const all = tf.stack(checks.map((c) => c.flags));
    const flags = await all.data();
    all.dispose();
    const k = checks.findIndex((_, j) => flags[2 * j] !== 0);
    if (k >= 0) throw new Error(checks[k].message(flags[2 * k + 1], (await checks[k].value.data())[0]));
  } finally {
    for (const c of checks) tf.dispose([c.flags, c.value]);
  }
}

/**
 * An op's options object, checked: none given (`zgr(logits)`) is read as no options, so that the
 * op's first required option is reported missing by name, as for `zgr(logits, {})`; a name the
 * op does not know is an error (a typo would otherwise be silently ignored).
 */
export function checkOptionNames<T extends object>(where: string, options: T | undefined, known: readonly string[]): T {
  if (options == null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options))
    fail(where, `options must be an object with ${known.join(', ')}`, options);
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw new Error(`${where}: unknown option ${JSON.stringify(key)} (known: ${known.join(', ')})`);
  }
  return options;
}

/** K rows of Exp(1) noise of length C, as the float64 forms of GR-MCK, ReinMax-Rao and ReinMax-CV take them. */
export function checkExponentialRows(
  where: string,
  K: number,
  exponentials: readonly (readonly number[])[],
  C: number,
): void {
  if (exponentials?.length !== K)
    throw new Error(`${where}: exponentials must have K = ${K} rows, got ${exponentials?.length}`);
  for (const E of exponentials) checkVector(where, 'exponentials row', E, C);
}

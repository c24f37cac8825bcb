/**
 * The explorer page: controls, the three panels, and window.__explorer for tests. Every number it
 * shows comes from the package (lib/package/index.ts, through compute.ts and optimise.ts); this
 * file only wires the controls, schedules the work (debounced, newest state wins) and draws.
 */
import * as tf from '@tensorflow/tfjs';
import { estimatorStyle, norm, type EstimatorPoint } from '../../lib/package';
import { selectBackend, type BackendInfo } from './backend';
import { computeChosen, computeFamily, computeMeans, familyKey, type ChosenPoint, type PanelA } from './compute';
import { meansFigure, optimisationFigure, planeFigure, type Figure } from './figures';
import { Optimisation } from './optimise';
import { makeFunction, type FunctionName, type ToyFunction } from './problem';
import {
  CHOICES,
  chosenNames,
  KS,
  LOGIT_RANGE,
  LRS,
  MS,
  optionsOf,
  queryOfState,
  stateFromQuery,
  TAUS,
  type ChoiceName,
  type State,
} from './state';

interface PlotlyLike {
  react(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown>;
}
declare const Plotly: PlotlyLike;

const PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ['lasso2d', 'select2d'] };
/** Quiet time after the last slider move before recomputing (ms). */
const DEBOUNCE_MS = 120;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (el == null) throw new Error(`explorer: no element #${id}`);
  return el as T;
};
const fmt = (v: number, digits = 4) =>
  Number.isFinite(v) ? (Math.abs(v) < 1e-12 ? '0' : Number(v.toPrecision(digits)).toString()) : String(v);
const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const backendParam = new URLSearchParams(location.search).get('backend');
const parsed = stateFromQuery(location.search);
const state: State = parsed.state;

let backend: BackendInfo | null = null;
let fn: ToyFunction = makeFunction(state.fn, state.C, state.fseed, state.q);
let panelA: PanelA | null = null;
let family: EstimatorPoint[] = [];
let chosen: ChosenPoint[] = [];
let planeNote = '';
let updates = 0;
let lastError: string | null = null;
const familyCache = new Map<string, EstimatorPoint[]>();

// ------------------------------------------------------------------ controls

function setRange(id: string, values: readonly number[], value: number, show: (v: number) => string = String): void {
  const input = $<HTMLInputElement>(id);
  input.max = String(values.length - 1);
  input.value = String(Math.max(0, values.indexOf(value)));
  $(`${id}-out`).textContent = show(value);
}

function buildLogitSliders(): void {
  const box = $('logits');
  box.replaceChildren();
  state.logits.forEach((l, j) => {
    const row = document.createElement('div');
    row.className = 'row';
    row.innerHTML =
      `<label for="logit-${j}">η<sub>${j + 1}</sub></label><input id="logit-${j}" type="range" ` +
      `min="${LOGIT_RANGE[0]}" max="${LOGIT_RANGE[1]}" step="0.05" value="${l}"><output ` +
      `id="logit-${j}-out">${l.toFixed(2)}</output>`;
    box.appendChild(row);
    const input = row.querySelector('input')!;
    input.addEventListener('input', () => {
      state.logits[j] = Number(input.value);
      $(`logit-${j}-out`).textContent = state.logits[j].toFixed(2);
      changed();
    });
  });
}

function buildEstimatorBoxes(): void {
  const box = $('estimators');
  box.replaceChildren();
  for (const { name } of CHOICES) {
    const { colour } = estimatorStyle({ name });
    const row = document.createElement('label');
    row.className = 'est';
    row.innerHTML =
      `<input type="checkbox" id="est-${name}"><span class="swatch" ` +
      `style="background:${colour}"></span><span id="est-${name}-label"></span>`;
    box.appendChild(row);
    const input = row.querySelector('input')!;
    input.checked = state.chosen[name];
    input.addEventListener('change', () => {
      state.chosen[name] = input.checked;
      changed();
    });
  }
}

/** Labels that carry the options (ST-GS(τ=0.5), GR-MC10(τ=0.5), …), from the registry. */
function refreshLabels(): void {
  for (const { name } of CHOICES) {
    $(`est-${name}-label`).textContent = estimatorStyle({ name, options: optionsOf(name, state) }).label;
  }
  $('fn-label').innerHTML = fn.label;
  $('q-row').style.display = state.fn === 'toy' ? '' : 'none';
  $('fseed-row').style.display = state.fn === 'toy' ? 'none' : '';
}

function buildControls(): void {
  const C = $<HTMLInputElement>('C');
  C.value = String(state.C);
  $('C-out').textContent = String(state.C);
  C.addEventListener('input', () => {
    state.C = Number(C.value);
    $('C-out').textContent = C.value;
    state.logits = Array.from({ length: state.C }, (_, j) => state.logits[j] ?? 0);
    buildLogitSliders();
    changed();
  });
  buildLogitSliders();
  const fnSelect = $<HTMLSelectElement>('fn');
  fnSelect.value = state.fn;
  fnSelect.addEventListener('change', () => {
    state.fn = fnSelect.value as FunctionName;
    changed();
  });
  const q = $<HTMLSelectElement>('q');
  q.value = String(state.q);
  q.addEventListener('change', () => {
    state.q = Number(q.value);
    changed();
  });
  const fseed = $<HTMLInputElement>('fseed');
  fseed.value = String(state.fseed);
  fseed.addEventListener('change', () => {
    state.fseed = Math.max(0, Math.round(Number(fseed.value) || 0));
    changed();
  });
  buildEstimatorBoxes();
  const slider = (id: 'tau' | 'K' | 'M' | 'lr', values: readonly number[]) => {
    setRange(id, values, state[id]);
    const input = $<HTMLInputElement>(id);
    input.addEventListener('input', () => {
      state[id] = values[Number(input.value)];
      $(`${id}-out`).textContent = String(state[id]);
      changed(id === 'lr' ? 'optimisation' : 'all');
    });
  };
  slider('tau', TAUS);
  slider('K', KS);
  slider('M', MS);
  slider('lr', LRS);
  const a = $<HTMLInputElement>('a');
  a.value = String(state.a);
  $('a-out').textContent = state.a.toFixed(2);
  a.addEventListener('input', () => {
    state.a = Number(a.value);
    $('a-out').textContent = state.a.toFixed(2);
    changed();
  });
  const seed = $<HTMLInputElement>('seed');
  seed.value = String(state.seed);
  seed.addEventListener('change', () => {
    state.seed = Math.max(0, Math.round(Number(seed.value) || 0));
    changed();
  });
  const steps = $<HTMLInputElement>('steps');
  steps.value = String(state.steps);
  steps.addEventListener('change', () => {
    state.steps = Math.min(5000, Math.max(10, Math.round(Number(steps.value) || 300)));
    steps.value = String(state.steps);
    changed('optimisation');
  });
  $('run').addEventListener('click', () => {
    if (optimisation.running) optimisation.stop();
    else {
      if (optimisation.done) optimisation.reset(structuredClone(state), fn);
      optimisation.start();
    }
    drawOptimisation();
  });
  $('reset').addEventListener('click', () => optimisation.reset(structuredClone(state), fn));
}

// ------------------------------------------------------------------ scheduling

let generation = 0;
let timer: number | null = null;
let busy = false;
let idleWaiters: (() => void)[] = [];
let optimisationKey = '';

/** A control moved: remember it in the URL, then recompute after a short quiet time. */
function changed(what: 'all' | 'optimisation' = 'all'): void {
  fn = makeFunction(state.fn, state.C, state.fseed, state.q);
  refreshLabels();
  try {
    history.replaceState(null, '', `?${queryOfState(state, backendParam)}`);
  } catch {
    // file:// pages may not rewrite their URL: the state stays in the page
  }
  if (what === 'optimisation') {
    resetOptimisation(true);
    return;
  }
  schedule();
}

function schedule(delay = DEBOUNCE_MS): void {
  busy = true;
  if (timer != null) clearTimeout(timer);
  timer = window.setTimeout(() => void update(), delay);
}

function settle(): void {
  busy = false;
  const waiters = idleWaiters;
  idleWaiters = [];
  for (const w of waiters) w();
}

/** The optimisation restarts from the sliders when anything it depends on changed (and keeps running if it ran). */
function resetOptimisation(force = false): void {
  const key = JSON.stringify([
    state.C,
    state.logits,
    state.fn,
    state.q,
    state.fseed,
    chosenNames(state),
    state.tau,
    state.K,
    state.a,
    state.M,
    state.seed,
    state.lr,
    state.steps,
  ]);
  if (!force && key === optimisationKey) return;
  optimisationKey = key;
  const was = optimisation.running;
  optimisation.reset(structuredClone(state), fn);
  if (was) optimisation.start();
}

async function update(): Promise<void> {
  timer = null;
  const g = ++generation;
  const s: State = structuredClone(state);
  const f = fn;
  const stale = () => g !== generation || timer != null; // a newer state is waiting: leave it to its update
  try {
    lastError = null;
    panelA = computeMeans(s, f);
    await draw(
      'bars',
      meansFigure(
        panelA,
        `Exact mean of each estimator vs the exact gradient (C = ${s.C}, ` +
          `${s.fn === 'toy' ? `toy, q = ${s.q}` : s.fn} f)`,
      ),
    );
    drawMeansTable(panelA);
    await nextFrame();
    if (stale()) return;
    if (!(norm(panelA.gradient) > 0)) {
      family = [];
      chosen = [];
      planeNote = 'The exact gradient is zero here: relative bias and std are undefined (move a logit).';
    } else {
      const key = familyKey(s);
      let points = familyCache.get(key);
      if (points == null) {
        points = computeFamily(s, f);
        familyCache.set(key, points);
        if (familyCache.size > 16) familyCache.delete(familyCache.keys().next().value!);
        await nextFrame();
        if (stale()) return;
      }
      family = points;
      chosen = computeChosen(s, f);
      planeNote = '';
    }
    const { figure, notDrawn, noNoise } = planeFigure(
      family,
      chosen,
      `C7's plane on this problem (C = ${s.C})<br><sup>95% intervals; lower left is better</sup>`,
    );
    await draw('plane', figure);
    drawPlaneTable(notDrawn, noNoise);
    resetOptimisation();
    drawOptimisation();
  } catch (e) {
    lastError = e instanceof Error ? e.message : String(e);
    console.error(`explorer: ${lastError}`);
    $('status').innerHTML = `<span class="error">error: ${escapeHtml(lastError)}</span>`;
  } finally {
    if (!stale()) {
      updates++;
      if (timer == null) settle();
    }
  }
}

// ------------------------------------------------------------------ drawing

const escapeHtml = (t: string) =>
  t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

async function draw(id: string, figure: Figure): Promise<void> {
  await Plotly.react($(id), figure.data, figure.layout, PLOT_CONFIG);
}

function table(head: string[], rows: string[][]): string {
  const cells = (tag: string, values: string[]) => values.map((v) => `<${tag}>${v}</${tag}>`).join('');
  const body = rows.map((r) => `<tr>${cells('td', r)}</tr>`).join('');
  return `<table><thead><tr>${cells('th', head)}</tr></thead><tbody>${body}</tbody></table>`;
}

function drawMeansTable(a: PanelA): void {
  const js = a.gradient.map((_g, j) => `j = ${j + 1}`);
  const rows = [
    ['p<sub>j</sub>', '', ...a.p.map((v) => fmt(v)), '', ''],
    ['f(e<sub>j</sub>)', '', ...a.values.map((v) => fmt(v)), '', ''],
    [`<b>exact ∂L/∂η</b> (L = ${fmt(a.objective)})`, 'exact', ...a.gradient.map((v) => `<b>${fmt(v)}</b>`), '0', ''],
    ...a.rows.map((r) => [
      `<span class="swatch" style="background:${r.colour}"></span> ${escapeHtml(r.label)}`,
      r.method === 'exact' ? 'exact' : `MC, ${r.samplesPerState}/x`,
      ...r.mean.map((m, j) =>
        r.method === 'exact' ? fmt(m) : `${fmt(m)} <small>[${fmt(r.low[j], 3)}, ${fmt(r.high[j], 3)}]</small>`,
      ),
      r.method === 'exact'
        ? fmt(r.biasNorm)
        : `${fmt(r.biasNorm)} <small>[${fmt(r.biasInterval[0], 3)}, ${fmt(r.biasInterval[1], 3)}]</small>`,
      fmt(r.variance),
    ]),
  ];
  $('means-table').innerHTML = table(['', 'method', ...js, '‖bias‖', 'variance'], rows);
}

const showInterval = (i: { estimate: number; low: number; high: number } | null) =>
  i == null
    ? '—'
    : i.low === i.high
      ? fmt(i.estimate)
      : `${fmt(i.estimate)} <small>[${fmt(i.low, 3)}, ${fmt(i.high, 3)}]</small>`;

function drawPlaneTable(notDrawn: string[], noNoise: string[]): void {
  const rows = chosen.map((c) => [
    `<span class="swatch" style="background:${c.colour}"></span> ${escapeHtml(c.label)}`,
    showInterval(c.quality.scaleFreeBias),
    showInterval(c.quality.scaleFreeStd),
    showInterval(c.quality.relativeBias),
    showInterval(c.quality.relativeStd),
    showInterval(c.quality.cosine),
  ]);
  const note = [
    planeNote,
    notDrawn.length ? `not drawn (E g·∇ ≤ 0): ${notDrawn.map(escapeHtml).join(', ')}` : '',
    noNoise.length ? `not drawn (σ = 0, no noise: off the log axis): ${noNoise.map(escapeHtml).join(', ')}` : '',
  ]
    .filter((t) => t)
    .join(' ');
  $('plane-table').innerHTML =
    (note ? `<p class="status">${note}</p>` : '') +
    (rows.length ? table(['chosen estimator', 'β', 'σ', 'relative bias', 'relative std', 'cos(E g, ∇)'], rows) : '');
}

function drawOptimisation(): void {
  const status = $('optim-status');
  const o = optimisation;
  $('run').textContent = o.running ? 'Stop' : o.done ? 'Restart' : o.step > 0 ? 'Continue' : 'Start';
  status.innerHTML = o.error
    ? `<span class="error">stopped: ${escapeHtml(o.error)}</span>`
    : `step ${o.step} / ${state.steps}${o.running ? ', running' : o.done ? ', done' : ''} on ${backend?.active ?? '…'}`;
  if (o.error) console.error(`explorer: optimisation: ${o.error}`);
  if (panelA == null) return;
  void draw(
    'optim',
    optimisationFigure(
      o.curves(),
      panelA.minimum,
      o.start0,
      `Exact E f along Adam (lr ${state.lr}) on the logits, one run per estimator`,
    ),
  );
}

const optimisation = new Optimisation(() => drawOptimisation());

// ------------------------------------------------------------------ for tests

/** Everything the page shows, as numbers (panels a, b, c). */
function numbers() {
  const a = panelA;
  const byName = <T>(pick: (r: PanelA['rows'][number]) => T) =>
    Object.fromEntries((a?.rows ?? []).map((r) => [r.name, pick(r)])) as Record<ChoiceName, T>;
  const q = (i: { estimate: number; low: number; high: number } | null) =>
    i == null ? null : { estimate: i.estimate, low: i.low, high: i.high };
  return {
    backend,
    state: structuredClone(state),
    function: { name: fn.name, label: fn.label, terms: fn.terms },
    p: a?.p ?? [],
    objective: a?.objective ?? NaN,
    exactGradient: a?.gradient ?? [],
    minimum: a?.minimum ?? NaN,
    labels: byName((r) => r.label),
    methods: byName((r) => r.method),
    means: byName((r) => r.mean),
    intervals: byName((r) => ({ low: r.low, high: r.high })),
    biasNorms: byName((r) => r.biasNorm),
    biasIntervals: byName((r) => r.biasInterval),
    variances: byName((r) => r.variance),
    samplesPerState: byName((r) => r.samplesPerState),
    plane: {
      note: planeNote,
      family: family.map((p) => ({
        label: p.label,
        family: p.family,
        param: p.param,
        K: p.K ?? null,
        M: p.M ?? null,
        beta: q(p.quality.scaleFreeBias),
        sigma: q(p.quality.scaleFreeStd),
      })),
      chosen: chosen.map((c) => ({
        name: c.name,
        label: c.label,
        beta: q(c.quality.scaleFreeBias),
        sigma: q(c.quality.scaleFreeStd),
        relativeBias: q(c.quality.relativeBias),
        relativeStd: q(c.quality.relativeStd),
      })),
    },
    optimisation: {
      running: optimisation.running,
      step: optimisation.step,
      maxSteps: state.steps,
      error: optimisation.error,
      curves: optimisation.curves(),
    },
    /** live tfjs tensors (a leak shows as growth over optimisation steps) */
    tensors: tf.memory().numTensors,
    updates,
    error: lastError,
  };
}

/** Resolves when panels (a) and (b) show the current state. */
function idle(): Promise<void> {
  return busy ? new Promise((resolve) => idleWaiters.push(resolve)) : Promise.resolve();
}

async function main(): Promise<void> {
  if (typeof Plotly === 'undefined') throw new Error('plotly.min.js did not load (it must lie next to index.html)');
  buildControls();
  refreshLabels();
  if (parsed.ignored.length) $('status').textContent = `ignored in the URL: ${parsed.ignored.join(', ')}`;
  backend = await selectBackend(backendParam);
  $('backend').textContent = backend.active;
  $('backend-detail').textContent =
    `(asked for ` +
    `${backend.requested ?? 'webgl, the default'}${backend.wasmSource ? `; wasm ${backend.wasmSource}` : ''})`;
  $('backend-note').textContent = backend.note;
  busy = true;
  await update();
  if (lastError) throw new Error(lastError);
}

const ready = main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`explorer: ${message}`);
  document.getElementById('status')!.innerHTML = `<span class="error">error: ${escapeHtml(message)}</span>`;
  throw e;
});

declare global {
  interface Window {
    __explorer: { ready: Promise<void>; state: State; numbers: typeof numbers; idle: typeof idle };
  }
}
window.__explorer = { ready, state, numbers, idle };

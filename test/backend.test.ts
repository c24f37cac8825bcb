/**
 * Backend choice and the wasm matMul-gradient fix: the explicit-transpose BatchMatMul gradient
 * gives exactly the stock gradient (bit for bit) for every transpose combination, rank 2 and 3.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Random } from '../lib';
import {
  SOFTWARE_ADAPTER,
  useExplicitTransposeMatMulGradient,
  useStockMatMulGradient,
  type BackendInfo,
} from '../lib/backend';
import { useBackend } from './helpers';

function matMulGrads(shapeA: number[], shapeB: number[], tA: boolean, tB: boolean): number[][] {
  const rng = Random.fromSeed(shapeA.length * 10 + (tA ? 2 : 0) + (tB ? 1 : 0));
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  return tf.tidy(() => {
    const a = tf.tensor(
      Float32Array.from(rng.uniform(size(shapeA)), (u) => 2 * u - 1),
      shapeA,
    );
    const b = tf.tensor(
      Float32Array.from(rng.uniform(size(shapeB)), (u) => 2 * u - 1),
      shapeB,
    );
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, tA, tB).square().sum())([a, b]);
    return [Array.from(ga.dataSync()), Array.from(gb.dataSync())];
  });
}

describe('backend', () => {
  it('on wasm, the explicit-transpose BatchMatMul gradient equals the stock gradient exactly', async () => {
    await useBackend('wasm');
    for (const rank3 of [false, true]) {
      for (const [tA, tB] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ]) {
        const [m, k, n] = [37, 23, 11];
        const shapeA = tA ? [k, m] : [m, k];
        const shapeB = tB ? [n, k] : [k, n];
        const batch = rank3 ? [3] : [];
        useStockMatMulGradient();
        const stock = matMulGrads([...batch, ...shapeA], [...batch, ...shapeB], tA, tB);
        useExplicitTransposeMatMulGradient();
        const fixed = matMulGrads([...batch, ...shapeA], [...batch, ...shapeB], tA, tB);
        assert.deepEqual(fixed, stock, `rank ${rank3 ? 3 : 2}, transposeA ${tA}, transposeB ${tB}`);
      }
    }
  });

  it('initBackend: an unknown or unavailable requested backend is an error naming it', async () => {
    await assert.rejects(
      initBackend('gpu-please', true),
      /ZGR_BACKEND must be one of tensorflow, webgpu, wasm, cpu, got "gpu-please"/,
    );
    let tfjsNode = true;
    try {
      require.resolve('@tensorflow/tfjs-node');
    } catch {
      tfjsNode = false;
    }
    if (!tfjsNode)
      await assert.rejects(
        initBackend('tensorflow', true),
        /backend "tensorflow" was requested \(ZGR_BACKEND\) but did not start/,
      );
  });

  it('initBackend: the requested backend starts and is recorded', async () => {
    const info = await initBackend('wasm', true);
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(info.chosenBy, 'ZGR_BACKEND');
  });

  it(
    'initBackend: webgpu is opt-in (no Dawn loaded otherwise); probed with ZGR_AUTO_WEBGPU=1 ' +
      'it is never chosen on a software adapter (lavapipe runs at ~0.1× wasm) and is named ' +
      'among the skipped',
    () => {
      // a fresh process: the choice is made once per process
      const backend = path.join(__dirname, '..', 'lib', 'backend.js');
      const script = `
      const { initBackend } = require(${JSON.stringify(backend)});
      let adapter = null;
      try {
        const dawn = require('webgpu');
        Object.assign(globalThis, dawn.globals ?? {});
        globalThis.navigator ??= {};
        globalThis.navigator.gpu ??= dawn.create([]);
      } catch {}
      (async () => {
        const a = await globalThis.navigator?.gpu?.requestAdapter({ powerPreference: 'high-performance' });
        if (a) adapter = ['vendor', 'architecture', 'device', 'description'].map((k) => a.info?.[k] ?? '').join(' ');
        console.log(JSON.stringify({ info: await initBackend(undefined, true), adapter }));
      })();`;
      // without ZGR_AUTO_WEBGPU: Dawn is never loaded, so the process prints none of its warnings
      const plain = `const { initBackend } = require(${JSON.stringify(backend)});
      initBackend(undefined, true).then((info) => {
        const dawn = Object.keys(require.cache).some((m) => /node_modules[\\/]webgpu[\\/]/.test(m));
        console.log(JSON.stringify({ info, dawn }));
      });`;
      const quiet = spawnSync(process.execPath, ['-e', plain], {
        env: { ...process.env, ZGR_BACKEND: '', ZGR_AUTO_WEBGPU: '' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(quiet.status, 0, quiet.stderr);
      const q = JSON.parse(quiet.stdout.trim().split('\n').at(-1)!) as { info: BackendInfo; dawn: boolean };
      assert.notEqual(q.info.name, 'webgpu');
      assert.equal(q.dawn, false, 'Dawn was loaded without ZGR_AUTO_WEBGPU');
      assert.doesNotMatch(quiet.stderr, /maxDynamic|Warning:/, 'no native warnings');
      const env = {
        ...process.env,
        ZGR_BACKEND: '',
        ZGR_AUTO_WEBGPU: '1',
        XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? os.tmpdir(),
      };
      const run = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      const { info, adapter } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
        info: BackendInfo;
        adapter: string | null;
      };
      if (adapter != null && SOFTWARE_ADAPTER.test(adapter)) {
        assert.notEqual(info.name, 'webgpu', `chose webgpu on ${adapter}`);
        assert.ok(
          info.skipped.some((s) => s.startsWith('webgpu (software adapter')),
          info.skipped.join('; '),
        );
      } else {
        assert.ok(
          ['tensorflow', 'webgpu', 'wasm'].includes(info.name),
          `best available: ${info.name} (adapter: ${adapter ?? 'none'})`,
        );
      }
    },
  );
});

describe('tfjs is quiet in Node (quietTfjs)', () => {
  const BANNER = /looks like you are running TensorFlow\.js in Node\.js/;
  const ROOT = path.join(__dirname, '..', '..');
  // a fresh process: a first tensor on tfjs's default backend (cpu), as in a new notebook
  const firstTensor = (preamble: string, nodeArgs: string[] = []) => {
    const r = spawnSync(
      process.execPath,
      [...nodeArgs, '-e', `${preamble}; require('@tensorflow/tfjs').tensor([1, 2]).sum().dataSync()`],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    return r.stderr;
  };

  it('tfjs alone prints its "running TensorFlow.js in Node.js" banner (so the checks below can fail)', () => {
    assert.match(firstTensor(''), BANNER);
  });

  it('with the library loaded (scripts, tests, notebooks) the banner is not printed', () => {
    const stderr = firstTensor("require('./dist/lib')");
    assert.doesNotMatch(stderr, BANNER, stderr);
  });

  it(
    'in the notebook kernel (node --require kernel-preload.js, as the kernelspec starts it) ' +
      'the banner is not printed',
    () => {
      const stderr = firstTensor('', ['--require', './dist/scripts/kernel-preload.js']);
      assert.doesNotMatch(stderr, BANNER, stderr);
    },
  );
});

/** Shared test helpers: backends, and comparisons whose failure messages print inputs and tolerance. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useExplicitTransposeMatMulGradient } from '../lib/backend';

/** Switch tfjs to a backend for a test (the package is loaded on demand); fails if it does not start. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  const ok = await tf.setBackend(name);
  assert.ok(ok, `backend ${name} did not start`);
  if (name === 'wasm') useExplicitTransposeMatMulGradient();
}

export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/** |actual − expected| ≤ atol + rtol |expected| for every entry, with a message naming the context. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { atol = 0, rtol = 0, context = '' }: { atol?: number; rtol?: number; context?: string },
): void {
  assert.equal(actual.length, expected.length, `${context}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(diff <= tol)) {
      assert.fail(
        `${context}: entry ${i}: got ${actual[i]}, expected ${expected[i]}, |diff| = ${diff} > tolerance ${tol} ` +
          `(atol ${atol}, rtol ${rtol})\n  actual   [${Array.from(actual).join(', ')}]\n  expected [${Array.from(expected).join(', ')}]`,
      );
    }
  }
}

/** Every entry finite. */
export function assertFinite(values: ArrayLike<number>, context: string): void {
  for (let i = 0; i < values.length; i++) {
    assert.ok(Number.isFinite(values[i]), `${context}: entry ${i} is ${values[i]}`);
  }
}

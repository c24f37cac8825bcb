/**
 * The `@example` of every file of lib/estimators runs and gives the value its comment states, so
 * that the docs cannot drift. An example reads `@example CALL   // [note] → VALUE` (VALUE in JSON,
 * − for minus; numbers to the decimals written) or `@example CALL   // throws "MESSAGE"`; CALL is
 * evaluated with the file's exports, the package's and `tf` in scope.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../../lib';
import { repoRoot } from '../../lib/results/paths';

const SOURCES = path.join(repoRoot(), 'lib', 'estimators');
const FILES = fs
  .readdirSync(SOURCES)
  .filter((f) => f.endsWith('.ts'))
  .sort();

interface Example {
  call: string;
  /** the stated value (JSON text), or the stated error message */
  expected: { value: string } | { throws: string };
}

/** The examples of a source file, from its `@example` lines. */
function examplesOf(source: string): Example[] {
  return [...source.matchAll(/@example (.+?)\s+\/\/ (.*)$/gm)].map(([, call, comment]) => {
    const thrown = /^throws "(.*)"$/.exec(comment);
    if (thrown) return { call, expected: { throws: thrown[1] } };
    const arrow = comment.lastIndexOf('→');
    assert.ok(arrow >= 0, `@example ${call}: the comment states no value (→ VALUE or throws "…"): ${comment}`);
    return {
      call,
      expected: {
        value: comment
          .slice(arrow + 1)
          .trim()
          .replace(/−/g, '-'),
      },
    };
  });
}

/** Compare a result with its stated value: numbers to the decimals written, the rest exactly. */
function assertStated(got: unknown, stated: unknown, context: string): void {
  if (typeof stated === 'number') {
    assert.equal(typeof got, 'number', `${context}: got ${JSON.stringify(got)}, stated ${stated}`);
    const decimals = (String(stated).split('.')[1] ?? '').length;
    const tol = 0.5 * 10 ** -decimals;
    assert.ok(
      Math.abs((got as number) - stated) <= tol * (1 + 1e-9),
      `${context}: got ${got}, stated ${stated} (± ${tol})`,
    );
  } else if (Array.isArray(stated)) {
    assert.ok(
      Array.isArray(got) && got.length === stated.length,
      `${context}: got ${JSON.stringify(got)}, stated ${JSON.stringify(stated)}`,
    );
    stated.forEach((s, i) => assertStated((got as unknown[])[i], s, `${context}[${i}]`));
  } else {
    assert.deepEqual(got, stated, context);
  }
}

describe('every file of lib/estimators has an @example, and it gives the value it states', () => {
  for (const file of FILES) {
    it(file, () => {
      const source = fs.readFileSync(path.join(SOURCES, file), 'utf8');
      const examples = examplesOf(source);
      assert.ok(examples.length >= 1, `lib/estimators/${file} has no @example`);
      const own = require(
        path.join(__dirname, '..', '..', 'lib', 'estimators', file.replace(/\.ts$/, '.js')),
      ) as Record<string, unknown>;
      const scope: Record<string, unknown> = { ...lib, ...own, tf };
      for (const { call, expected } of examples) {
        const run = () =>
          tf.tidy(() => new Function(...Object.keys(scope), `return (${call});`)(...Object.values(scope)));
        if ('throws' in expected) {
          assert.throws(
            run,
            (err: Error) => err.message === expected.throws,
            `${file}: ${call} should throw "${expected.throws}"`,
          );
        } else {
          assertStated(run(), JSON.parse(expected.value), `${file}: ${call}`);
        }
      }
    });
  }
});

/**
 * The scale-out docs cannot drift from what CI runs: the code blocks that docs/scale-out.md and
 * the README's "Scale out" section mark with "<!-- the commands of cluster/slurm/ci-test.sh -->"
 * are, line for line, commands that cluster/slurm/ci-test.sh runs (and .ci/run runs that
 * script); every file the docs link exists.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/results/paths';

const root = repoRoot();
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const MARKER = '<!-- the commands of cluster/slurm/ci-test.sh';
/** the lines of ci-test.sh, trimmed: a documented command must be one of them */
const ciLines = () =>
  new Set(
    read('cluster/slurm/ci-test.sh')
      .split('\n')
      .map((l) => l.trim()),
  );

/** The first fenced code block after `marker` in `text`, as its non-empty, non-comment lines. */
function blockAfter(text: string, marker: string, file: string): string[] {
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `${file}: no "${marker}" marker`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(at));
  assert.ok(m, `${file}: no code block after the marker`);
  return m[1]
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

describe('scale-out docs: the commands are the ones CI runs', () => {
  it(
    'docs/scale-out.md gives, line for line, the local run, the Slurm submission and the ' +
      'comparison of cluster/slurm/ci-test.sh',
    () => {
      const commands = blockAfter(read('docs/scale-out.md'), MARKER, 'docs/scale-out.md');
      assert.equal(commands.length, 3, commands.join('\n'));
      assert.match(
        commands[1],
        /^ZGR_SUBMIT_WAIT=1 cluster\/slurm\/submit\.sh 4 --sweep-file cluster\/examples\/ci-sweep\.json /,
      );
      const ci = ciLines();
      for (const c of commands)
        assert.ok(ci.has(c), `docs/scale-out.md: "${c}" is not a line of cluster/slurm/ci-test.sh`);
    },
  );

  it('.ci/run runs cluster/slurm/ci-test.sh', () => {
    assert.match(read('.ci/run'), /^bash cluster\/slurm\/ci-test\.sh$/m);
  });

  it('the README has a "Scale out" section that links docs/scale-out.md, with the Slurm commands CI runs', () => {
    const section = /^## Scale out\n([\s\S]*?)(?=^## )/m.exec(read('README.md'));
    assert.ok(section, 'README.md: no "## Scale out" section');
    assert.match(section[1], /\(docs\/scale-out\.md\)/);
    const commands = blockAfter(section[1], MARKER, 'README.md "Scale out"');
    assert.ok(
      commands.some((c) => c.includes('cluster/slurm/submit.sh')),
      'README.md "Scale out": the CI block has no cluster/slurm/submit.sh command',
    );
    const ci = ciLines();
    for (const c of commands)
      assert.ok(ci.has(c), `README.md "Scale out": "${c}" is not a line of cluster/slurm/ci-test.sh`);
  });

  it('every relative link of docs/scale-out.md and docs/docker.md points at a file or folder that exists', () => {
    for (const doc of ['docs/scale-out.md', 'docs/docker.md']) {
      for (const [, target] of read(doc).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        assert.ok(fs.existsSync(path.join(root, path.dirname(doc), target)), `${doc}: link ${target} does not exist`);
      }
    }
  });
});

/**
 * Progress of long runs (lib/training/progress.ts): the duration format, the bar with the
 * task's loss, the live board of a sweep that a notebook redraws in place while runs train, and
 * the lines a command ends a run with.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  alreadyFinished,
  finishedBefore,
  formatDuration,
  progressBar,
  runSummary,
  sweepBoard,
} from '../../lib/training/progress';

describe('progress', () => {
  it('formats durations as h:mm:ss, and unknown ones as ?', () => {
    assert.equal(formatDuration(3725.4), '1:02:05');
    assert.equal(formatDuration(NaN), '?');
  });

  it('the sweep board shows the runs finished and one line per running run, and drops a run when it finishes', () => {
    const shown: string[] = [];
    const onEvent = sweepBoard((t) => shown.push(t), { everyS: 3600, width: 10 });
    onEvent({ type: 'start', runs: 3, finishedBefore: 1, workers: 2, resultsDir: '/r' });
    assert.match(shown.at(-1)!, /3 runs: 1 finished before, 2 to train on 2 process\(es\)\n1 of 3 runs finished/);
    onEvent({
      type: 'progress',
      key: '8x4-zgr-lr0.001-s0-0123456789',
      update: { step: 25, total: 100, epoch: 1, epochs: 4, loss: 200.5, epochEnd: true },
    });
    const board = shown.at(-1)!;
    assert.match(board, /running:\n {2}8x4-zgr-lr0\.001-s0 +epoch 1\/4 \[###\.{7}\] 25\/100 steps, −ELBO 200\.50/);
    const before = shown.length;
    onEvent({
      type: 'progress',
      key: '8x4-zgr-lr0.001-s0-0123456789',
      update: { step: 26, total: 100, epoch: 2, epochs: 4, loss: 190 },
    });
    assert.equal(shown.length, before, 'within an epoch, not redrawn more often than everyS');
    onEvent({ type: 'done', key: '8x4-zgr-lr0.001-s0-0123456789', finished: 2, runs: 3, result: null });
    assert.match(shown.at(-1)!, /2 of 3 runs finished/);
    assert.doesNotMatch(shown.at(-1)!, /running:/);
  });

  it("the bar names the task's loss: −ELBO by default, cross-entropy for E5", () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (t: string) => lines.push(t) } as unknown as NodeJS.WriteStream;
    const update = { step: 4, total: 8, epoch: 1, epochs: 2, loss: 2.28951, epochEnd: true };
    progressBar('run', { stream })(update);
    progressBar('run', { stream, lossName: 'cross-entropy' })(update);
    assert.match(lines[0], /\| epoch 1\/2 \| −ELBO 2\.29 \|/);
    assert.match(lines[1], /\| epoch 1\/2 \| cross-entropy 2\.2895 \|/);
    assert.doesNotMatch(lines[1], /ELBO/);
  });

  it(
    'a finished run ends with one readable line: epochs, ' +
      'training time, resumes, the test metric, weights and folder',
    () => {
      const run = {
        label: 'ZGR',
        done: true,
        resumes: 0,
        weightsChecksum: '070bbc57099ea189',
        config: { epochs: 10 },
        history: [
          { epoch: 9, wallTimeS: 600 },
          { epoch: 10, wallTimeS: 723.4 },
        ],
      };
      assert.equal(
        runSummary(run, 'test −ELBO 98.12', '/r/8x4-zgr'),
        'ZGR: finished 10 epochs in 0:12:03 of training; test −ELBO 98.12; weights 070bbc57099ea189; in /r/8x4-zgr',
      );
      assert.match(runSummary({ ...run, resumes: 1 }, 'm', 'f'), /of training \(resumed once\); m;/);
      assert.match(runSummary({ ...run, resumes: 3 }, 'm', 'f'), /\(resumed 3 times\)/);
      assert.match(
        runSummary({ ...run, done: false, history: [{ epoch: 1, wallTimeS: 5 }] }, 'm', 'f'),
        /^ZGR: stopped after 1 of 10 epochs in 0:00:05/,
      );
      assert.equal(alreadyFinished(run), 'skipped: already finished (10 epochs)');
      assert.equal(
        alreadyFinished({ ...run, history: [{ epoch: 1, wallTimeS: 1 }] }),
        'skipped: already finished (1 epoch)',
      );
    },
  );

  it('a run finished before reads as the skipped line, then its summary from the last epoch', () => {
    const run = {
      label: 'ZGR',
      done: true,
      resumes: 0,
      weightsChecksum: '070bbc57099ea189',
      config: { epochs: 10 },
      history: [
        { epoch: 9, wallTimeS: 600 },
        { epoch: 10, wallTimeS: 723.4 },
      ],
    };
    assert.equal(
      finishedBefore(run, (last) => `metric of epoch ${last.epoch}`, '/r/x'),
      'skipped: already finished (10 epochs)\nZGR: finished 10 epochs in 0:12:03 ' +
        'of training; metric of epoch 10; weights 070bbc57099ea189; in /r/x',
    );
  });
});

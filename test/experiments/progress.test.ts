/**
 * Progress of long runs (lib/experiments/progress.ts): the duration format and the live board of a
 * sweep that a notebook redraws in place while runs train.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, sweepBoard } from '../../lib/experiments/progress';

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
    onEvent({ type: 'progress', key: '8x4-zgr-lr0.001-s0-0123456789', update: { step: 25, total: 100, epoch: 1, epochs: 4, loss: 200.5, epochEnd: true } });
    const board = shown.at(-1)!;
    assert.match(board, /running:\n {2}8x4-zgr-lr0\.001-s0 +epoch 1\/4 \[###\.{7}\] 25\/100 steps, −ELBO 200\.50/);
    const before = shown.length;
    onEvent({ type: 'progress', key: '8x4-zgr-lr0.001-s0-0123456789', update: { step: 26, total: 100, epoch: 2, epochs: 4, loss: 190 } });
    assert.equal(shown.length, before, 'within an epoch, not redrawn more often than everyS');
    onEvent({ type: 'done', key: '8x4-zgr-lr0.001-s0-0123456789', finished: 2, runs: 3, result: null });
    assert.match(shown.at(-1)!, /2 of 3 runs finished/);
    assert.doesNotMatch(shown.at(-1)!, /running:/);
  });
});

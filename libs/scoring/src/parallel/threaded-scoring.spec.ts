import { Worker } from 'node:worker_threads';

import { explainNote } from '../lib/note-explanation';
import { NoteStatus } from '../lib/note-status';
import { scoreNotes, type ScoringResult } from '../lib/scorer';
import { ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import { builderSink, generateSyntheticCommunity } from '../synthetic/synthetic-data';
import type { ScoringTask } from './scoring-tasks';
import { ScoringThreadPool } from './scoring-thread-pool';
import { scoreNotesInThreads, scoringThreads } from './threaded-scoring';

/**
 * A synthetic community with tags, and one post in ten about a seed term of the reference's
 * topics, so Core and CoreWithTopics are separate fits (the widest batches).
 */
function community(): ScoringInput {
  const builder = new ScoringInputBuilder();
  const sink = builderSink(builder);
  const posts = new Map<string, boolean>();
  generateSyntheticCommunity(
    { seed: 3, raters: 600, notes: 450, ratings: 18_000 },
    {
      ...sink,
      note(id, authorId, createdAtMs, misleading, postId) {
        if (!posts.has(postId)) posts.set(postId, posts.size % 10 === 0);
        const text = posts.get(postId) ? 'what Ronaldo said' : 'a note';
        builder.addNote(id, { authorId, createdAtMs, misleading, postId, text });
      },
    },
  );
  return builder.build();
}

/** Every per-note and per-rater column a run publishes or explains, as bytes. */
function columns(result: ScoringResult): Record<string, Buffer> {
  const { final, scorers, safeguards, prescoring, raters } = result;
  const named: Record<string, ArrayBufferView | undefined> = {
    status: result.status,
    decidedBy: result.decidedBy,
    activeRules: result.activeRules,
    finalStatus: result.finalStatus,
    metaDecidedBy: result.metaDecidedBy,
    firstTag: result.firstTag,
    secondTag: result.secondTag,
    intercept: final.intercept,
    factor: final.factor,
    interceptMin: final.interceptMin,
    interceptMax: final.interceptMax,
    interceptNoHighVol: final.interceptNoHighVol,
    interceptNoCorrelated: final.interceptNoCorrelated,
    raterFactor: prescoring.finalRound.raterFactor,
    raterIntercept: prescoring.finalRound.raterIntercept,
    lowDiligence: safeguards?.lowDiligenceIntercept,
    tagOutlier: safeguards?.tagOutlier,
    correlated: raters.correlated,
    coreWithTopicsIntercept: scorers.coreWithTopics.final.intercept,
    coreWithTopicsStatus: scorers.coreWithTopics.status,
    coreWithTopicsLowDiligence: scorers.coreWithTopics.safeguards?.lowDiligenceIntercept,
    expansionStatus: scorers.expansion.status,
    expansionPlusStatus: scorers.expansionPlus.status,
    gaussianIntercept: scorers.gaussian.intercept,
    gaussianStatus: scorers.gaussian.status,
    gaussianCoreWithTopicsIntercept: scorers.gaussianCoreWithTopics.intercept,
    gaussianCoreWithTopicsStatus: scorers.gaussianCoreWithTopics.status,
    topicIntercept: scorers.topicModels?.intercept,
    topicFactor: scorers.topicModels?.factor,
    topicConfident: scorers.topicModels?.confident,
  };
  return Object.fromEntries(
    Object.entries(named).map(([name, view]) => {
      if (!view) throw new Error(`${name} is missing`);
      return [name, Buffer.from(view.buffer, view.byteOffset, view.byteLength)];
    }),
  );
}

describe('scoring in worker threads', () => {
  const input = community();
  const nowMs = Date.UTC(2026, 1, 1);

  it('gives byte-identical statuses, figures and explanations with 1 and 2 threads', async () => {
    const here = scoreNotes(input, { seed: 42, nowMs });
    const steps: string[] = [];
    const threaded = await scoreNotesInThreads(input, {
      seed: 42,
      nowMs,
      threads: 2,
      minRatingsForThreads: 0,
      onStepDone: (step) => steps.push(step),
      // A signal never aborted changes nothing.
      signal: new AbortController().signal,
    });

    // The run really went through threads, with both Core fits and every kind of task.
    expect(steps.filter((step) => step.endsWith('in threads)'))).toEqual([
      'topic assignment, post-selection similarity, quasi-cliques (3 task(s) in threads)',
      'prescoring, final scoring and filters of each scorer (2 task(s) in threads)',
      'Gaussian scorers and topic models (3 task(s) in threads)',
    ]);
    expect(here.scorers.topics.topicNotes).toBeGreaterThan(0);
    expect(here.status.includes(NoteStatus.CurrentlyRatedHelpful)).toBe(true);

    expect(columns(threaded)).toEqual(columns(here));
    expect(threaded.history).toEqual(here.history);
    for (let n = 0; n < input.noteIds.length; n++) {
      expect(explainNote(threaded, n)).toEqual(explainNote(here, n));
    }
  });

  it('gives the same bytes in the calling thread with a signal, which it watches between tasks', async () => {
    const here = scoreNotes(input, { seed: 42, nowMs });
    const watched = await scoreNotesInThreads(input, {
      seed: 42,
      nowMs,
      threads: 1,
      signal: new AbortController().signal,
    });
    expect(columns(watched)).toEqual(columns(here));
    expect(watched.history).toEqual(here.history);
  });

  /** Every task a scoring thread is handed, with the thread; `started` hears each. */
  function watchThreads(started: (task: ScoringTask) => void) {
    const post = Worker.prototype.postMessage;
    const posted = jest.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (
      this: Worker,
      task: ScoringTask,
      ...rest
    ) {
      post.call(this, task, ...rest);
      started(task);
    });
    return {
      threads: () => new Set(posted.mock.contexts as Worker[]),
      restore: () => posted.mockRestore(),
    };
  }

  it('stops at once when aborted while its threads fit the scorers, the threads terminated', async () => {
    const controller = new AbortController();
    const timedOut = new Error('the attempt ran out of time');
    let fitting: () => void = () => undefined;
    const fitsStarted = new Promise<void>((resolve) => (fitting = resolve));
    const watch = watchThreads((task) => task.kind === 'scorer-fit' && fitting());
    const steps: string[] = [];
    try {
      const scoring = scoreNotesInThreads(input, {
        seed: 42,
        nowMs,
        threads: 2,
        minRatingsForThreads: 0,
        onStepDone: (step) => steps.push(step),
        signal: controller.signal,
      });
      await fitsStarted;
      controller.abort(timedOut);

      await expect(scoring).rejects.toBe(timedOut);
      // The fits never finished: the run did not wait for them.
      expect(steps).toEqual([
        'topic assignment, post-selection similarity, quasi-cliques (3 task(s) in threads)',
      ]);
      expect(watch.threads().size).toBe(2);
      for (const thread of watch.threads()) expect(thread.threadId).toBe(-1);
    } finally {
      watch.restore();
    }
  });

  it('starts no thread when aborted already', async () => {
    const controller = new AbortController();
    controller.abort();
    // Every thread a pool starts (its private `start`, which its constructor calls).
    const starting = jest.spyOn(
      ScoringThreadPool.prototype as unknown as { start: () => unknown },
      'start',
    );
    try {
      await expect(
        scoreNotesInThreads(input, {
          threads: 2,
          minRatingsForThreads: 0,
          signal: controller.signal,
        }),
      ).rejects.toMatchObject({ name: 'AbortError' });
      expect(starting).not.toHaveBeenCalled();
    } finally {
      starting.mockRestore();
    }
  });

  /** A run in the calling thread with a signal; `stepDone` hears each step done, in order. */
  function scoreHere(stepDone: (step: string, controller: AbortController) => void) {
    const controller = new AbortController();
    const steps: string[] = [];
    const scoring = scoreNotesInThreads(input, {
      seed: 42,
      nowMs,
      threads: 1,
      onStepDone: (step) => {
        steps.push(step);
        stepDone(step, controller);
      },
      signal: controller.signal,
    });
    return { scoring, steps };
  }

  it('stops before its next task when aborted while scoring in the calling thread', async () => {
    const { scoring, steps } = scoreHere((_, controller) => controller.abort());
    await expect(scoring).rejects.toMatchObject({ name: 'AbortError' });
    expect(steps).toEqual(['topic assignment']);
  });

  it('returns nothing when the deadline passes during its last steps in the calling thread', async () => {
    const timedOut = new Error('the attempt ran out of time');
    const { scoring, steps } = scoreHere((step, controller) => {
      // The last step done: the deadline's timer is due as the run ends.
      if (step === 'stabilisation, locking, explanation tags') {
        setTimeout(() => controller.abort(timedOut), 0);
      }
    });
    await expect(scoring).rejects.toBe(timedOut);
    expect(steps.at(-1)).toBe('stabilisation, locking, explanation tags');
  });

  it('scores small inputs in the calling thread, large ones in at most 2 threads', () => {
    expect(scoringThreads(input.ratingNote.length, { threads: 2 })).toBe(1);
    expect(scoringThreads(input.ratingNote.length, { threads: 2, minRatingsForThreads: 0 })).toBe(
      2,
    );
    expect(scoringThreads(1_000_000, { threads: 1 })).toBe(1);
    expect(scoringThreads(1_000_000, { threads: 8 })).toBe(2);
  });
});

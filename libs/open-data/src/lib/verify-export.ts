// Some 450 lines: the verifier's one pass over an export (records, proofs, roots,
// moderation, the runs' recomputation) with the findings it gathers; each check it calls lives
// in its own file.
import {
  CLOCK_SKEW_MINUTES,
  communityScope,
  MAX_ROOT_HISTORY_WINDOW_SECONDS,
  type Action,
} from '@bridgenotes/protocol';
import { parseTopicSeeds, type ShownStatus } from '@bridgenotes/scoring';

import {
  checkRecordedAction,
  noteShownOnProvenPost,
  RootIndex,
  type RedactedAction,
} from './action-check';
import { noteDeleteAction, noteRequestAction, ratingAction } from './actions';
import { checkAlgorithm, checkAlgorithmOrder, checkSeed } from './algorithms';
import { checkedStreams } from './checked-streams';
import { CutInput, latestIncludes, type ExportReread } from './cut-input';
import {
  EXPORT_STREAMS,
  type ExportManifest,
  type FrozenRatersRecord,
  type MemberRecord,
  type RatingRecord,
  type ReplacedRatingRecord,
  type ResultRecord,
  type RootRecord,
  type RunRecord,
  type StandingRecord,
  type ExportPromotion,
} from './export-format';
import type { Discrepancy, Severity } from './discrepancy';
import type { ExportSource } from './export-source';
import { Groth16Queue } from './groth16-queue';
import { PostIds } from './post-ids';
import { PreviousHistories } from './previous-histories';
import { ProofMessages, type ProvenUse } from './proof-messages';
import { checkPromotion } from './promotion-check';
import { manifestProblem } from './record-shapes';
import { IncrementalRecomputation } from './incremental-recomputation';
import { ExportReadError } from './origin-read';
import { batchOf, ReplacedRatings } from './replaced-ratings';
import { checkRootHistory } from './root-history';
import { checkRootTimes } from './root-times';
import { checkIncrementalBases } from './run-records';
import { rebuildRunInput, recomputeRun, type RunRecomputation } from './run-recomputation';
import { succeededInOrder } from './run-order';
import { checkRunTimes, CutWrites } from './run-times';
import { StatusChangeLog } from './status-change-log';
import { UnrescoredNotes } from './unrescored-notes';
import {
  finishModeration,
  noteProofAction,
  readModerationLog,
  type ModerationSummary,
} from './verify-moderation';

export type { Discrepancy, Severity } from './discrepancy';

export interface VerifyProgress {
  stage: string;
  done: number;
}

export interface VerifyOptions {
  /** Verify the Groth16 equation of this many proofs picked at random; every proof when absent. */
  sample?: number;
  /** Worker threads for Groth16 verification; 0 verifies in this thread. */
  threads?: number;
  onProgress?: (progress: VerifyProgress) => void;
}

/**
 * `VERIFIED`: every check of the export was made and none failed (warnings aside).
 * `INCOMPLETE`: none failed, but some were not made (`unchecked` says which): a stream the format
 * defines is missing, or the latest run, its base or notes of earlier runs could not be
 * recomputed. `DISCREPANCIES`: a check failed.
 */
export type Verdict = 'VERIFIED' | 'INCOMPLETE' | 'DISCREPANCIES';

export interface VerificationReport {
  verdict: Verdict;
  community: { id: string; slug: string };
  counts: {
    members: number;
    roots: number;
    notes: number;
    ratings: number;
    requests: number;
    runs: number;
  };
  proofs: { checked: number; groth16Verified: number; sampled: boolean };
  run: RunRecomputation | null;
  /** The moderation log's entries and the notes it redacted and hides; null without a log. */
  moderation: ModerationSummary | null;
  /** Where a promoted community came from, as its manifest says (checked); null otherwise. */
  promotion: ExportPromotion | null;
  discrepancies: Discrepancy[];
  /** What was not checked, each with a warning saying why; empty when everything was. */
  unchecked: string[];
}

const MINUTE = 60_000;

/**
 * Re-verifies a community's open data: every proof (form, depth, scope, the message recomputed
 * from the record, the pseudonym, the root against the root history at the action's time, and
 * the Groth16 equation), that the root history is built from the published members, the
 * instance's own rules (authors do not rate their notes, one rating per pseudonym and note), and
 * the latest scoring run recomputed with the same algorithm from the same input (an incremental
 * one against its base full run's frozen raters, the base rebuilt to check them, and the notes
 * earlier incremental runs still publish rescored), and the runs' records (status changes,
 * status counts, bases) consistent with one another and with the published statuses.
 */
export async function verifyExport(
  source: ExportSource,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const discrepancies: Discrepancy[] = [];
  const report = (code: string, subject: string, message: string, severity: Severity = 'error') =>
    discrepancies.push({ code, severity, subject, message });
  const progress = options.onProgress ?? (() => undefined);
  if (
    options.sample !== undefined &&
    !(Number.isSafeInteger(options.sample) && options.sample > 0)
  ) {
    // No proof's Groth16 equation would be checked: not a verification.
    throw new RangeError(`sample must be a whole number ≥ 1, not ${options.sample}`);
  }
  const manifest: ExportManifest = await source.manifest();
  const malformed = manifestProblem(manifest);
  if (malformed !== undefined) {
    throw new ExportReadError(`${source.location}: the manifest's ${malformed}`);
  }
  const community = manifest.community;
  const unchecked: string[] = [];
  // The clock-skew allowance is the protocol's, not the operator's: a larger one stated would
  // widen every proof's window and every run's time. A smaller one only narrows them.
  const clockSkewMinutes = Math.min(manifest.rules.clockSkewMinutes, CLOCK_SKEW_MINUTES);
  if (manifest.rules.clockSkewMinutes > CLOCK_SKEW_MINUTES) {
    report(
      'RULES_CLOCK_SKEW',
      'manifest',
      `the manifest states a clock-skew allowance of ${manifest.rules.clockSkewMinutes} minutes; the protocol's is ${CLOCK_SKEW_MINUTES}, which is the one checked`,
    );
  }
  // So is the root-history window's bound: instances keep at most 30 days, mirrors refuse more.
  const rootHistoryWindowSeconds = Math.min(
    manifest.rules.rootHistoryWindowSeconds,
    MAX_ROOT_HISTORY_WINDOW_SECONDS,
  );
  if (manifest.rules.rootHistoryWindowSeconds > MAX_ROOT_HISTORY_WINDOW_SECONDS) {
    report(
      'RULES_ROOT_WINDOW',
      'manifest',
      `the manifest states a root-history window of ${manifest.rules.rootHistoryWindowSeconds} seconds; the protocol's longest is ${MAX_ROOT_HISTORY_WINDOW_SECONDS} (30 days), which is the one checked`,
    );
  }
  const rules = { ...manifest.rules, clockSkewMinutes, rootHistoryWindowSeconds };
  for (const stream of EXPORT_STREAMS.filter((known) => !manifest.streams.includes(known))) {
    report(
      'STREAM_MISSING',
      `stream ${stream}`,
      `the export does not have the ${stream} stream (made before it existed, or left out): what it holds was not checked`,
      'warning',
    );
    unchecked.push(`stream ${stream}`);
  }
  const data = checkedStreams(source, manifest, report);
  const scope = communityScope(community.id);
  if (community.scope !== scope.toString()) {
    report('SCOPE_MISMATCH', 'community', `the published scope is not the one derived from its id`);
  }
  const counts = { members: 0, roots: 0, notes: 0, ratings: 0, requests: 0, runs: 0 };

  // Membership: every root must come from the published admissions and removals.
  const roots: RootRecord[] = [];
  for await (const root of data.records('roots')) roots.push(root);
  const members: MemberRecord[] = [];
  for await (const member of data.records('members')) {
    members.push(member);
    if (members.length % 10_000 === 0) progress({ stage: 'members', done: members.length });
  }
  counts.roots = roots.length;
  counts.members = members.length;
  progress({ stage: 'root history', done: roots.length });
  for (const issue of checkRootHistory(members, roots)) {
    report(issue.code, issue.subject, issue.message);
  }
  const latestRoot = roots[roots.length - 1]?.root ?? '0';
  if (latestRoot !== community.root) {
    report(
      'CURRENT_ROOT_MISMATCH',
      'community',
      `current root ${community.root} is not the last root of the history (${latestRoot})`,
    );
  }
  members.length = 0;
  // Each root's span comes from the history's order, not from the times the export states.
  const timed = checkRootTimes(roots);
  for (const issue of timed.issues) report(issue.code, issue.subject, issue.message);
  const promotion = checkPromotion(manifest.promotion, timed.roots, report);
  const rootIndex = new RootIndex(timed.roots, rootHistoryWindowSeconds * 1000);
  const moderation = await readModerationLog(data, manifest, report);

  // Scoring runs and published results come first so that the notes and ratings can be fed to
  // the recomputation as they stream past, never held in memory.
  const runs: RunRecord[] = [];
  for await (const run of data.records('runs')) runs.push(run);
  counts.runs = runs.length;
  const run = succeededInOrder(runs).pop();
  checkIncrementalBases(runs, report);
  const changes = new StatusChangeLog(runs, [run?.id, run?.baseRunId], report);
  // Run times are checked once the writes each run's input includes have streamed past, against
  // this verifier's clock as the export began to be read.
  const cutWrites = new CutWrites(changes.runs);
  const readAt = Date.now();
  checkAlgorithmOrder(changes.runs, report);
  for await (const change of data.records('status-changes')) changes.add(change);
  const previous = new PreviousHistories(changes, report, clockSkewMinutes);
  const results = new Map<string, ResultRecord>();
  for await (const result of data.records('results')) results.set(result.noteId, result);
  // Exports made before standings were kept have none to check.
  let standings: Map<string, StandingRecord> | null = null;
  if (manifest.streams.includes('standings')) {
    standings = new Map();
    for await (const standing of data.records('standings')) {
      standings.set(standing.pseudonym, standing);
    }
  }
  const sameAlgorithm = run !== undefined && checkAlgorithm(run, 'the latest run', report);
  if (run) checkSeed(run, 'the latest run', report);
  const baseRun = runs.find((candidate) => run?.baseRunId && candidate.id === run.baseRunId);
  if (baseRun) checkSeed(baseRun, `base run ${baseRun.id}`, report);
  // The run's time is part of its input (stabilisation, locking): without it nothing can be
  // recomputed.
  const runTime = Date.parse(run?.nowAt ?? '');
  if (run && sameAlgorithm && !Number.isSafeInteger(runTime)) {
    report(
      'RUN_TIME_MISSING',
      `run ${run.id}`,
      `the run does not publish the time it was scored at (nowAt ${JSON.stringify(run.nowAt)}), which its statuses depend on`,
    );
  }
  // The topic seeds the run scored with, as it records them (its input hash covers them); for a
  // run from before runs kept them, the community's as exported, which it read unless the
  // operator changed them since (its input hash then shows it).
  const recordedSeeds = run?.topicSeeds ?? undefined;
  const topicSeeds = parseTopicSeeds(recordedSeeds ?? community.topicSeeds ?? []);
  if (run && sameAlgorithm && !topicSeeds) {
    report(
      'TOPIC_SEEDS_INVALID',
      recordedSeeds ? `run ${run.id}` : 'community',
      `the exported topic seeds are not a valid list`,
    );
  }
  // The latest run's input, rebuilt as of the change batch it read (its `changedThrough`).
  const latest =
    run && sameAlgorithm && Number.isSafeInteger(runTime) && topicSeeds
      ? new CutInput(
          batchOf(run.changedThrough ?? undefined),
          runTime,
          topicSeeds,
          latestIncludes(run),
          (note, result, { history }) => {
            if (result?.runId === run.id) previous.check(run, note, history);
          },
        )
      : undefined;
  // An incremental run scored only its own notes (those whose result is its), against the
  // frozen raters of its base full run, which is rebuilt beside it.
  let incremental: IncrementalRecomputation | undefined;
  if (run && latest && topicSeeds && run.kind === 'INCREMENTAL') {
    let frozen: FrozenRatersRecord | undefined;
    if (manifest.streams.includes('frozen-raters')) {
      for await (const record of data.records('frozen-raters')) {
        if (record.runId === run.baseRunId) frozen = record;
      }
    }
    incremental = new IncrementalRecomputation(
      run,
      runs,
      frozen,
      manifest.streams.includes('replaced-ratings'),
      topicSeeds,
      previous,
      report,
    );
  }
  // After an incremental run, the notes it did not rescore must not have changed since their
  // own run read them (nor be held), whatever algorithm scored them.
  const unrescored =
    run?.kind === 'INCREMENTAL' ? new UnrescoredNotes(run, runs, report) : undefined;
  /** Every replaced rating version, by note and pseudonym, for the inputs rebuilt again. */
  const versions = new Map<string, ReplacedRatingRecord[]>();
  const versionsOf = (rating: RatingRecord) => versions.get(pairOf(rating)) ?? [];

  // Proofs: cheap checks inline, the Groth16 equation in batches (or on a random sample).
  const groth16 = new Groth16Queue(options.threads ?? 0, options.sample, report);
  let checked = 0;

  const messages = new ProofMessages(report);

  /**
   * The instance's check, in its order; the first failure is the one reported. A proof that
   * passes its cheap checks must stand for no other record (`ProofMessages`), and its minute,
   * which its message binds, bounds the time of every run whose cut includes the record
   * (`changedBatch`: `CutWrites`).
   */
  const checkProof = async (
    subject: string,
    proof: unknown,
    action: Action | RedactedAction,
    pseudonym: string,
    kind: ProvenUse['kind'],
    changedBatch: string | undefined,
  ): Promise<void> => {
    checked += 1;
    const result = checkRecordedAction(proof, action, pseudonym, {
      scope,
      roots: rootIndex,
      clockSkewMinutes,
    });
    if (!result.ok) return void report(result.code, subject, result.message);
    messages.add({ subject, pseudonym, message: result.message, kind });
    // Requests do not enter scoring: no run's input includes them.
    if (kind !== 'request') cutWrites.add(subject, changedBatch, action.clientMinute);
    await groth16.add(subject, result.proof);
  };

  const authors = new Map<string, string>();
  const postIds = new PostIds(report);
  try {
    for await (const note of data.records('notes')) {
      counts.notes += 1;
      const subject = `note ${note.id}`;
      authors.set(note.id, note.authorPseudonym);
      postIds.add(note);
      // A redacted note is verified by hash: its REDACT entry recorded the proof's message.
      const created = noteProofAction(community.id, note, moderation, report);
      if (!created || note.proof === null) {
        // A redacted note that cannot be checked was reported by noteProofAction.
        if (!note.redacted) {
          report('NOTE_UNPROVEN', subject, 'the note carries no proof that a member wrote it');
        }
      } else {
        const kind = note.redacted ? 'redacted note' : 'note';
        await checkProof(
          subject,
          note.proof,
          created,
          note.authorPseudonym,
          kind,
          note.changedBatch,
        );
        if (!noteShownOnProvenPost(note)) {
          report(
            'NOTE_POST_MISMATCH',
            subject,
            'the note is shown on another post than the one its author proved it for',
          );
        }
        if (Date.parse(note.createdAt) !== created.clientMinute * MINUTE) {
          report(
            'NOTE_TIME_MISMATCH',
            subject,
            `createdAt ${note.createdAt} is not the proven minute ${created.clientMinute}`,
          );
        }
      }
      const deletion = noteDeleteAction(community.id, note);
      if (deletion) {
        if (note.deleteProof === null) {
          report(
            'DELETION_UNPROVEN',
            subject,
            "the note is marked deleted without its author's proof",
          );
        } else {
          // A deletion proven by another pseudonym fails as PROOF_PSEUDONYM: only authors delete.
          await checkProof(
            `${subject} (deletion)`,
            note.deleteProof,
            deletion,
            note.authorPseudonym,
            'deletion',
            note.changedBatch,
          );
        }
      }
      const result = results.get(note.id);
      incremental?.addNote(note, result);
      latest?.addNote(note, result);
      unrescored?.addNote(note, result);
      if (counts.notes % 1_000 === 0) progress({ stage: 'notes', done: counts.notes });
    }

    /** A rating's (or a replaced version's) proof and rules; false when its note is unknown. */
    const checkRating = async (subject: string, rating: RatingRecord): Promise<boolean> => {
      const author = authors.get(rating.noteId);
      if (author === undefined) {
        report(
          'RATING_UNKNOWN_NOTE',
          subject,
          `rates note ${rating.noteId}, which is not in the export`,
        );
        return false;
      }
      await checkProof(
        subject,
        rating.proof,
        ratingAction(community.id, rating),
        rating.raterPseudonym,
        'rating',
        rating.changedBatch,
      );
      if (rating.raterPseudonym === author) {
        report('SELF_RATING', subject, "the note's author rated it");
      }
      return true;
    };

    // The versions of ratings replaced since the latest full run read them, checked as ratings
    // and then against the current ratings they lead to; the base's rebuild reads them in place
    // of those. Kept until the next full run, so few enough to hold.
    const replaced = new ReplacedRatings(report);
    if (manifest.streams.includes('replaced-ratings')) {
      for await (const version of data.records('replaced-ratings')) {
        if (!(await checkRating(`replaced rating ${version.id}`, version))) continue;
        replaced.add(version);
        unrescored?.addVersion(version);
        const pair = pairOf(version);
        versions.set(pair, [...(versions.get(pair) ?? []), version]);
      }
    }

    const rated = new Set<string>();
    for await (const rating of data.records('ratings')) {
      counts.ratings += 1;
      const subject = `rating ${rating.id}`;
      if (!(await checkRating(subject, rating))) continue;
      const pair = `${rating.noteId}|${rating.raterPseudonym}`;
      if (rated.has(pair))
        report('RATING_DUPLICATE', subject, 'a second rating of this note by the same pseudonym');
      rated.add(pair);
      // Checked whether or not a run is recomputed: unchecked versions would be reported as
      // having no current rating.
      const chain = replaced.checkCurrent(rating);
      incremental?.addRating(rating, chain);
      latest?.addRating(rating, chain);
      unrescored?.addRating(rating);
      if (counts.ratings % 1_000 === 0) progress({ stage: 'ratings', done: counts.ratings });
    }

    replaced.finish();

    // Requests do not enter scoring; their proofs and the one-per-pseudonym rule are checked.
    if (manifest.streams.includes('requests')) {
      const requested = new Set<string>();
      for await (const request of data.records('requests')) {
        counts.requests += 1;
        const subject = `request ${request.id}`;
        await checkProof(
          subject,
          request.proof,
          noteRequestAction(community.id, request),
          request.requesterPseudonym,
          'request',
          undefined,
        );
        // The request counts for `post`, which must be the one its requester proved.
        if (!noteShownOnProvenPost(request)) {
          report(
            'REQUEST_POST_MISMATCH',
            subject,
            'the request counts for another post than the one its requester proved it for',
          );
        }
        const post = `${request.post.canonicalUrl}|${request.post.platform}|${request.post.externalId}`;
        const pair = `${post}|${request.requesterPseudonym}`;
        if (requested.has(pair)) {
          report(
            'REQUEST_DUPLICATE',
            subject,
            'a second request for this post by the same pseudonym',
          );
        }
        requested.add(pair);
      }
    }

    await groth16.drain((done) => progress({ stage: 'sampled proofs', done }));
  } finally {
    await groth16.close();
  }
  checkRunTimes(changes.runs, { ...manifest, rules }, readAt, report, cutWrites);
  // A published status is a note's: one the export does not have is no one's to check.
  for (const noteId of results.keys()) {
    if (!authors.has(noteId)) {
      report(
        'RESULT_UNKNOWN_NOTE',
        `note ${noteId}`,
        `a result is published for note ${noteId}, which is not in the export`,
      );
    }
  }

  let runSummary: VerificationReport['run'] = null;
  /** The algorithm's status of each note whose published result was compared with it. */
  const recomputed = new Map<string, ShownStatus>();
  const reread: ExportReread = { source: data, results, versionsOf };
  if (run && latest) {
    progress({ stage: 'rescoring', done: 0 });
    runSummary = incremental
      ? await incremental.finish(latest, reread, changes, standings, recomputed)
      : recomputeRun(
          run,
          await rebuildRunInput(run, latest, reread, report),
          results,
          changes.statusAfter(run.id),
          report,
          standings,
          recomputed,
        );
  }
  // A full run reads every note of the community (libs/scoring-store `ScoringInputLoader`), so
  // no result of an earlier run survives it; one whose note the input leaves out (changed after
  // the cut, by its changedBatch, which the instance sets) was kept from being rescored. Notes of
  // the input are compared with it (`compareRunResults`). After an incremental latest run the
  // same holds of its base: a result may be only the base's or a succeeded incremental run's on
  // that base, which the intermediate recomputation checks (notes created since have none until
  // one scores them).
  // A note no run scored was given no status: the publication sets a note's status, its run and
  // its status changes together (libs/scoring-store `flipNotes`), and a note starts waiting.
  for (const [noteId, result] of results) {
    if (result.runId !== null) continue;
    if (result.status !== 'NEEDS_MORE_RATINGS' || changes.changed(noteId)) {
      report(
        'RESULT_NOT_FROM_RUN',
        `note ${noteId}`,
        `the note's published result is no run's, yet ${result.status === 'NEEDS_MORE_RATINGS' ? 'status changes name it' : `its status is ${result.status}`}: only a run gives a note a status`,
      );
    }
  }
  // A recomputed run (the latest, its rebuilt base) changed only the statuses of notes it read:
  // those of the input its hash was recomputed equal from.
  const inputs: [string, CutInput | undefined][] = run
    ? [
        [run.id, runSummary?.recomputed && latest?.unmarked === 0 ? latest : undefined],
        [
          run.baseRunId ?? '',
          runSummary?.base?.recomputed ? incremental?.baseInputNotes : undefined,
        ],
      ]
    : [];
  for (const [runId, input] of inputs) {
    if (!input) continue;
    for (const noteId of changes.notesChangedBy(runId)) {
      if (input.includes(noteId)) continue;
      report(
        'STATUS_HISTORY_MISMATCH',
        `note ${noteId}`,
        `a status change by run ${runId} names the note, which is not in that run's input: a run changes only the statuses of the notes it scored`,
      );
    }
  }
  if (run) {
    const full = run.kind !== 'INCREMENTAL';
    const since = new Set([run.id]);
    if (!full) {
      for (const other of runs) {
        const onBase = other.kind === 'INCREMENTAL' && other.baseRunId === run.baseRunId;
        if (onBase && other.status === 'SUCCEEDED') since.add(other.id);
      }
      if (run.baseRunId) since.add(run.baseRunId);
    }
    for (const [noteId, result] of results) {
      if (result.runId === null || since.has(result.runId)) continue;
      if (full && latest?.includes(noteId)) continue;
      report(
        'RESULT_NOT_FROM_RUN',
        `note ${noteId}`,
        full
          ? `the note's published result is run ${result.runId}'s, but the latest run, ${run.id}, is a full run, which rescores every note`
          : `the note's published result is run ${result.runId}'s, but the latest run, ${run.id}, is an incremental run on full run ${run.baseRunId}, which rescored every note: a result may be only that run's or an incremental run's on it`,
      );
    }
  }
  // Runs whose counts a recomputation checked; an incremental latest run's are the community's,
  // checked against the published statuses (`IncrementalRecomputation`).
  const countsChecked = new Set<string>();
  if (run && runSummary && (incremental || runSummary.recomputed)) countsChecked.add(run.id);
  if (runSummary?.base?.recomputed) countsChecked.add(runSummary.base.id);
  changes.finish(results, recomputed, countsChecked);
  const moderationSummary = finishModeration(moderation, report);
  progress({ stage: 'done', done: checked });

  if (run && !runSummary?.recomputed) unchecked.push(`latest run ${run.id}`);
  if (runSummary?.base && !runSummary.base.recomputed) {
    unchecked.push(`base run ${runSummary.base.id}`);
  }
  const skipped = runSummary?.intermediate?.notesSkipped ?? 0;
  if (skipped > 0) unchecked.push(`${skipped} notes of earlier incremental runs`);
  // Warned of, each: a status the recomputation matches only within the refit's tolerance.
  const tolerated = runSummary?.intermediate?.notesTolerated ?? 0;
  if (tolerated > 0) {
    unchecked.push(
      `${tolerated} notes of earlier incremental runs, which the recomputation gives another status, history or deciding model than published, within the low-diligence tolerance`,
    );
  }
  // Asked for: the other proofs' cheap checks were made, not their Groth16 equations.
  const unsampled = groth16.queued - groth16.verified;
  if (unsampled > 0) {
    unchecked.push(
      `the Groth16 equation of ${unsampled} proofs outside the random sample of ${options.sample}`,
    );
  }

  return {
    verdict: discrepancies.some((found) => found.severity === 'error')
      ? 'DISCREPANCIES'
      : unchecked.length > 0
        ? 'INCOMPLETE'
        : 'VERIFIED',
    community: { id: community.id, slug: community.slug },
    counts,
    proofs: {
      checked,
      groth16Verified: groth16.verified,
      sampled: options.sample !== undefined,
    },
    run: runSummary,
    moderation: moderationSummary,
    promotion,
    discrepancies,
    unchecked,
  };
}

const pairOf = (rating: RatingRecord) => `${rating.noteId}|${rating.raterPseudonym}`;

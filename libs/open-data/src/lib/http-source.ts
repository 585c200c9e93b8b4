import { exportClient, type ExportClient, type ExportClientOptions } from './export-client';
import type {
  ExportManifest,
  ExportRecords,
  ExportStream,
  MemberRecord,
  NoteRecord,
  RatingRecord,
  ReplacedRatingRecord,
  RequestRecord,
  RootRecord,
  RunRecord,
} from './export-format';
import { ExportChangedError, type ExportSource } from './export-source';
import { ExportReadError } from './origin-read';
import { batchOf } from './replaced-ratings';

export interface HttpSourceOptions extends ExportClientOptions {
  pageSize?: number;
}

/**
 * The most bytes of one record (an NDJSON line, or the manifest) read from an instance unless
 * asked for more (`verify --max-record-bytes`): above the largest a community can have, its
 * latest full run's `frozen-raters` (base64 of some 140 bytes per rater, a pseudonym and its
 * parameters, and 55 per note: about 270 MB at the group's 1,048,576 members and a million
 * notes), and below what one JavaScript string can hold (2^29 characters), so that an instance
 * sending an endless line stops the read with `ORIGIN_RECORD_TOO_LARGE` rather than the
 * verifier's memory.
 */
export const DEFAULT_MAX_RECORD_BYTES = 384 * 1024 * 1024;

/**
 * A page's whole answer within two minutes (5,000 records with their proofs are some 10 MB),
 * and no wait of 30 s for its next bytes; four retries, 1, 2, 4 and 8 s apart.
 */
const LIVE_DEFAULTS = {
  limits: { timeoutMs: 120_000, idleTimeoutMs: 30_000, maxRecordBytes: DEFAULT_MAX_RECORD_BYTES },
  retries: 4,
  retryDelayMs: 1_000,
};

/** Re-reads of the roots since the manifest, for requests proven against one of them. */
const ROOT_REFRESHES = 3;

const SKIP = Symbol('skip');
const STOP = Symbol('stop');
type Bounded<R> = R | typeof SKIP | typeof STOP;

/**
 * A live instance's export, read page by page; a page that fails in a way that may pass is asked
 * again from the same cursor. Its streams are read one after another over minutes while the
 * community goes on, so every read is bounded by the manifest, read once (the first
 * `manifest()`) and kept: members below its tree size, roots up to its root (shown as current),
 * notes, ratings, replaced ratings and requests as they were below its `changeHorizon` (an older
 * instance's requests, which carry no batch, by being proven against its roots). What no bound can leave out, a change in place of something read (a note
 * deleted or redacted, a rating replaced, a member removed, a scoring run published, a
 * moderation entry), is found as it is read or by `settle()`, and fails the read with
 * `ExportChangedError`: the next `manifest()` then starts a new one.
 */
export function httpSource(
  baseUrl: string,
  slug: string,
  options: HttpSourceOptions = {},
): ExportSource {
  const client = exportClient(baseUrl, slug, {
    ...LIVE_DEFAULTS,
    ...options,
    limits: { ...LIVE_DEFAULTS.limits, ...options.limits },
  });
  const limit = options.pageSize ?? 5_000;
  let pinned: Promise<Snapshot> | undefined;
  const snapshot = () =>
    (pinned ??= client.manifest().then(
      (manifest) =>
        new Snapshot(client, manifest, limit, () => {
          pinned = undefined;
        }),
    ));
  return {
    location: client.location,
    manifest: async () => (await snapshot()).manifest,
    async *records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]> {
      yield* (await snapshot()).read(stream);
    },
    async settle() {
      if (pinned) await (await pinned).settle();
    },
  };
}

/** One read of a community, bounded by the manifest it started from. */
class Snapshot {
  private readonly horizon: bigint | undefined;
  /** Every root read up to the manifest's, and the cursor of the manifest's. */
  private readonly roots = new Set<string>();
  private pinnedRoot: string | undefined;
  private laterRoots: Set<string> | undefined;
  private rootRefreshes = 0;
  /** The note and pseudonym of each rating left out as changed since the horizon. */
  private readonly laterRatings = new Set<string>();
  /** The succeeded runs read (id → finishedAt), once `runs` was read. */
  private runs: Map<string, string | null> | undefined;
  private runsRechecked = false;
  /** The last moderation cursor read, once the log was read to its end (null: it was empty). */
  private moderationEnd: string | null | undefined;

  constructor(
    private readonly client: ExportClient,
    readonly manifest: ExportManifest,
    private readonly limit: number,
    private readonly forget: () => void,
  ) {
    this.horizon = batchOf(manifest.changeHorizon);
  }

  async *read<S extends ExportStream>(stream: S): AsyncGenerator<ExportRecords[S]> {
    const bound = this.boundOf(stream);
    if (stream === 'runs') this.runs ??= new Map();
    let last: string | undefined;
    for await (const record of this.pages(stream)) {
      last = record.cursor;
      const kept = await bound(record);
      if (kept === STOP) return;
      if (kept !== SKIP) yield kept;
    }
    if (stream === 'moderation') this.moderationEnd = last ?? null;
  }

  /**
   * Every record of a stream as the instance serves it now, after `after`. A full page that
   * ends on a cursor already read after (the same page again, or pages in a cycle) would be
   * read for ever, filling the export's disk or the verifier's memory: the read stops there.
   * One cursor is kept per page read (200 for a million records at the default page size).
   */
  private async *pages<S extends ExportStream>(stream: S, after?: string) {
    const readAfter = new Set<string | undefined>();
    for (let cursor = after; ;) {
      readAfter.add(cursor);
      const records = await this.client.page(stream, { after: cursor, limit: this.limit });
      yield* records;
      const last = records[records.length - 1];
      if (records.length < this.limit || last === undefined) return;
      if (readAfter.has(last.cursor)) {
        throw new ExportReadError(
          `${this.client.location}/${stream} answers a page it served before, after cursor ${cursor}: read stopped`,
        );
      }
      cursor = last.cursor;
    }
  }

  /** How a stream's records are bounded by the manifest; a new bound per read. */
  private boundOf<S extends ExportStream>(
    stream: S,
  ): (record: ExportRecords[S]) => Promise<Bounded<ExportRecords[S]>> {
    const { treeSize, root } = this.manifest.community;
    let pastRoot = false;
    const bounds: {
      [T in ExportStream]?: (record: ExportRecords[T]) => Promise<Bounded<unknown>>;
    } = {
      members: async (member: MemberRecord) => (member.leafIndex < treeSize ? member : STOP),
      roots: async (record: RootRecord) => {
        if (pastRoot) return STOP;
        this.roots.add(record.root);
        if (record.root !== root || record.size !== treeSize) return record;
        pastRoot = true;
        this.pinnedRoot = record.cursor;
        return { ...record, supersededAt: null };
      },
      notes: async (note: NoteRecord) => {
        if (!this.changedSince(note.changedBatch)) return note;
        // A note written since is left out; one changed since cannot be shown as it was.
        if (note.deletedAt !== null || note.redacted) {
          throw this.changed(`note ${note.id} was deleted or redacted after the manifest`);
        }
        return SKIP;
      },
      ratings: async (rating: RatingRecord) => {
        if (!this.changedSince(rating.changedBatch)) return rating;
        this.laterRatings.add(pairOf(rating));
        return SKIP;
      },
      // A version written since the horizon is not part of it. One replaced since was the
      // current rating then, but is kept: read before the ratings (as the verifier and
      // `saveExport` read them), its rating is left out as changed, which `settle()` finds;
      // and an instance claiming a replacement its ratings do not show is for the verifier.
      'replaced-ratings': async (version: ReplacedRatingRecord) =>
        this.changedSince(version.changedBatch) ? SKIP : version,
      runs: async (run: RunRecord) => {
        if (run.status !== 'SUCCEEDED') return run;
        // Its input went past the horizon: the data it read is not all in this read. Told by
        // the change batch it read through, one counter with the records'; by the clocks only
        // for an older instance's runs (the worker's clock and the API's may differ).
        const through = batchOf(run.changedThrough ?? undefined);
        const pastHorizon =
          through !== undefined && this.horizon !== undefined
            ? through >= this.horizon
            : Date.parse(run.finishedAt ?? '') > Date.parse(this.manifest.generatedAt);
        if (pastHorizon) {
          throw this.changed(`scoring run ${run.id} was published after the manifest`);
        }
        this.runs?.set(run.id, run.finishedAt);
        return run;
      },
      'status-changes': (record) => this.ofReadRun(record, record.runId),
      results: (record) => this.ofReadRun(record, record.runId),
      standings: (record) => this.ofReadRun(record, record.runId),
      'frozen-raters': (record) => this.ofReadRun(record, record.runId),
      // One stored since is left out, as a note is; an older export's have no batch: their
      // proofs' roots bound them.
      requests: async (request: RequestRecord) =>
        this.changedSince(request.changedBatch) ? SKIP : this.provenOnRoots(request),
    };
    const bound = bounds[stream] as
      ((record: ExportRecords[S]) => Promise<Bounded<ExportRecords[S]>>) | undefined;
    return bound ?? (async (record) => record);
  }

  /** Whether a record's change batch is at or above the horizon (not when either is unknown). */
  private changedSince(batch: string | undefined): boolean {
    const changed = batchOf(batch);
    return this.horizon !== undefined && changed !== undefined && changed >= this.horizon;
  }

  /**
   * A record naming a run the `runs` read did not have: a run published since fails the read;
   * a run that is still not there is the instance's doing, for the verifier to name.
   */
  private async ofReadRun<R>(record: R, runId: string | null): Promise<R> {
    if (runId === null || !this.runs || this.runs.has(runId) || this.runsRechecked) return record;
    this.runsRechecked = true;
    await this.checkRuns();
    return record;
  }

  /** A request proven against a root made since the manifest's was made since: left out. */
  private async provenOnRoots(request: RequestRecord): Promise<Bounded<RequestRecord>> {
    const root = (request.proof as { merkleTreeRoot?: unknown } | null)?.merkleTreeRoot;
    if (typeof root !== 'string' || this.pinnedRoot === undefined || this.roots.has(root)) {
      return request;
    }
    if (!this.laterRoots?.has(root) && this.rootRefreshes < ROOT_REFRESHES) {
      this.rootRefreshes += 1;
      this.laterRoots = new Set();
      for await (const later of this.pages('roots', this.pinnedRoot)) {
        this.laterRoots.add(later.root);
      }
    }
    return this.laterRoots?.has(root) ? SKIP : request;
  }

  /**
   * Once everything was read: what changed in place since the manifest, which the bounds could
   * not leave out, fails the read.
   */
  async settle(): Promise<void> {
    const now = await this.client.manifest();
    if (now.community.id !== this.manifest.community.id) {
      throw this.changed('the address now serves another community');
    }
    if (now.community.root !== this.manifest.community.root) await this.checkRemovals();
    if (this.moderationEnd !== undefined) {
      const after = this.moderationEnd ?? undefined;
      const entries = await this.client.page('moderation', { after, limit: 1 });
      if (entries.length > 0) throw this.changed('the moderation log has new entries');
    }
    if (this.laterRatings.size > 0 && this.manifest.streams.includes('replaced-ratings')) {
      for await (const version of this.pages('replaced-ratings')) {
        const replacedSince = !this.changedSince(version.changedBatch);
        if (replacedSince && this.changedSince(version.replacedBatch)) {
          if (this.laterRatings.has(pairOf(version))) {
            throw this.changed(`a rating of note ${version.noteId} was replaced`);
          }
        }
      }
    }
    if (this.runs) await this.checkRuns();
  }

  /** Roots since the manifest's each grow the tree: a root of as many leaves is a removal. */
  private async checkRemovals(): Promise<void> {
    if (this.pinnedRoot === undefined) return;
    let size = this.manifest.community.treeSize;
    for await (const later of this.pages('roots', this.pinnedRoot)) {
      if (later.size <= size) throw this.changed('a member was removed');
      size = later.size;
    }
  }

  /** The succeeded runs are still the ones read. */
  private async checkRuns(): Promise<void> {
    for await (const run of this.pages('runs')) {
      if (run.status !== 'SUCCEEDED') continue;
      if (this.runs?.get(run.id) !== run.finishedAt) {
        throw this.changed(`scoring run ${run.id} was published`);
      }
    }
  }

  private changed(what: string): ExportChangedError {
    this.forget();
    return new ExportChangedError(`the community changed while being read: ${what}`);
  }
}

const pairOf = (rating: RatingRecord) => `${rating.noteId}|${rating.raterPseudonym}`;

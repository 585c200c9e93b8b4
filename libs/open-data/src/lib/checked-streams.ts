import type { ReportDiscrepancy } from './discrepancy';
import type { ExportManifest, ExportRecords, ExportStream } from './export-format';
import type { ExportSource } from './export-source';
import { recordProblem } from './record-shapes';

/**
 * The source's streams the manifest lists (any other reads as empty: `STREAM_MISSING`), each
 * record checked to have the fields the verifier reads: one that does not is reported as
 * `RECORD_MALFORMED` (once, however often the stream is read) and left out.
 */
export function checkedStreams(
  source: ExportSource,
  manifest: ExportManifest,
  report: ReportDiscrepancy,
): ExportSource {
  const reported = new Set<string>();
  return {
    location: source.location,
    manifest: source.manifest,
    async *records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]> {
      if (!manifest.streams.includes(stream)) return;
      let index = 0;
      for await (const record of source.records(stream)) {
        index += 1;
        const problem = recordProblem(stream, record);
        if (problem === undefined) {
          yield record;
          continue;
        }
        const subject = `${stream} record ${index}`;
        if (reported.has(subject)) continue;
        reported.add(subject);
        const cursor = (record as { cursor?: unknown } | null)?.cursor;
        const at = typeof cursor === 'string' ? ` (cursor ${cursor})` : '';
        report('RECORD_MALFORMED', subject, `${problem}${at}: the record is left out`);
      }
    },
  };
}

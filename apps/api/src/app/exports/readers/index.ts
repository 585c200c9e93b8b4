import type { ChangeStream, ExportStream } from '@bridgenotes/open-data';

import { frozenRatersReader } from './frozen-raters.reader';
import { membersReader } from './members.reader';
import { moderationReader } from './moderation.reader';
import { notesReader } from './notes.reader';
import { ratingsReader } from './ratings.reader';
import { replacedRatingsReader } from './replaced-ratings.reader';
import { requestsReader } from './requests.reader';
import { resultsReader } from './results.reader';
import { rootsReader } from './roots.reader';
import { runsReader } from './runs.reader';
import { standingsReader } from './standings.reader';
import { statusChangesReader } from './status-changes.reader';
import type { ChangeStreamReader, StreamReader } from './stream-reader';

/** One reader per export stream; a new stream adds its reader here. */
export const STREAM_READERS: { [S in ExportStream]: StreamReader<S> } = {
  members: membersReader,
  roots: rootsReader,
  notes: notesReader,
  ratings: ratingsReader,
  requests: requestsReader,
  runs: runsReader,
  'status-changes': statusChangesReader,
  standings: standingsReader,
  results: resultsReader,
  moderation: moderationReader,
  'frozen-raters': frozenRatersReader,
  'replaced-ratings': replacedRatingsReader,
};

export const CHANGE_READERS: { [S in ChangeStream]: ChangeStreamReader<S> } = {
  notes: notesReader,
  ratings: ratingsReader,
  requests: requestsReader,
};

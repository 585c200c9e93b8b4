import { Environment } from '@bridgenotes/config';

import { longestWaitSeconds } from './due';

/**
 * The default longest wait, from the function that publishes the configured one: the OpenAPI text
 * is fixed when the controllers load, before any configuration is read.
 */
const DEFAULT_LONGEST_WAIT = longestWaitSeconds(new Environment());

/** What every sealed write's OpenAPI description says about when it shows in reads. */
export const SEALED_WRITE_DOC =
  ' A 201 means the write is stored durably; the answer carries the record as it is stored. It appears in reads, lists and the export when its batch is sealed (docs/threat-model.md): at once where SEAL_WINDOW_SECONDS is 0 (within a minute should its own seal in the request fail), otherwise within SEAL_WINDOW_SECONDS (default 60 s) once SEAL_MIN_MEMBERS members wait, and with fewer at most `sealing.maxWaitSeconds` (on the community) after it arrived: SEAL_MAX_WAIT_SECONDS rounded up to whole windows, plus one window for the check ' +
  `(${DEFAULT_LONGEST_WAIT} s by default); where SEAL_MAX_WAIT_SECONDS is 0 (maxWaitSeconds null) it waits for SEAL_MIN_MEMBERS members however long.`;

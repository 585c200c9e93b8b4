/** What every sealed write's OpenAPI description says about when it shows in reads. */
export const SEALED_WRITE_DOC =
  ' A 201 means the write is stored durably; the answer carries the record as it is stored. It appears in reads, lists and the export when its batch is sealed (docs/threat-model.md): at once where SEAL_WINDOW_SECONDS is 0 (within a minute should its own seal in the request fail), otherwise within SEAL_WINDOW_SECONDS (default 60 s) once SEAL_MIN_MEMBERS members wait, at most SEAL_MAX_WAIT_SECONDS later.';

/**
 * The CLI's exit codes (printed by --help, docs/verifiability.md), so a script can tell a
 * verdict from a failure to reach one.
 */
export const EXIT = {
  /** Done: VERIFIED, saved, compared with the same keys, written. */
  OK: 0,
  /** The answer is no: DISCREPANCIES, keys only in one file or repeated, a write refused. */
  FINDINGS: 1,
  /**
   * The command line is wrong: an unknown command or option, a missing or bad value, content of a
   * write the instance would refuse (said before proving).
   */
  USAGE: 2,
  /**
   * What was to be read could not be: the instance unreachable, silent, refusing, failing (5xx,
   * with a code of its own or none) or answering something else than its API, the community changing while read, a file or
   * folder missing, incomplete or unreadable.
   */
  UNREADABLE: 3,
  /** Anything else: a failure this version did not expect. */
  FAILED: 4,
  /** verify: nothing failed, but not everything could be checked (verdict INCOMPLETE). */
  INCOMPLETE: 5,
} as const;

/**
 * The codes of an API error that say nothing of why: the API's own for an unexpected failure
 * (`INTERNAL_ERROR`, `SERVICE_UNAVAILABLE`, `HTTP_<status>`), an error body without a code
 * (`UNKNOWN`), or an answer that is not the API's (`RESPONSE_INVALID`: a proxy's error page).
 */
const UNSAID = /^(RESPONSE_INVALID|INTERNAL_ERROR|SERVICE_UNAVAILABLE|UNKNOWN|HTTP_\d+)$/;

/**
 * How a command says an API error: `unanswered`, a 5xx that says nothing of why or an answer
 * not the API's (`no answer from the instance`); `failed`, a 5xx the API gave a code of its own
 * (`CREDENTIALS_UNCONFIGURED`, `DATABASE_BUSY`, …: `the instance failed`); both exit 3, the
 * command may be run again later. `refused`, any other answer (exit 1).
 */
export function apiErrorKind(status: number, code: string): 'unanswered' | 'failed' | 'refused' {
  if (code === 'RESPONSE_INVALID' || (status >= 500 && UNSAID.test(code))) return 'unanswered';
  return status >= 500 ? 'failed' : 'refused';
}

/**
 * What a member command prints of an API error. After a write (`written`), any 5xx was answered
 * to a send made again with the same proof: an earlier send may have been stored, its answer
 * lost, whatever the last answer says, so the member is told to look before running it again
 * (a new run proves another minute and would store a second note).
 */
export function apiFailureLine(
  status: number,
  code: string,
  message: string,
  written: boolean,
): string {
  const kind = apiErrorKind(status, code);
  const said = `(${status} ${code}): ${message}`;
  if (kind === 'refused') return `refused ${said}`;
  const stored = written ? '; the write may have been stored: look before running it again' : '';
  const what = kind === 'unanswered' ? 'no answer from the instance' : 'the instance failed';
  return `${what} ${said}${stored}`;
}

type Failure = Error & { code?: unknown; syscall?: unknown; cause?: { code?: unknown } };

/**
 * The exit code and message of an error that ended a command. By the error's name, not its
 * class: importing the libraries that define them here would load every command's modules at
 * each start (main.ts loads a command's own when it runs).
 */
export function failureOf(error: unknown): { code: number; message: string } {
  if (!(error instanceof Error)) return { code: EXIT.FAILED, message: String(error) };
  const failure = error as Failure;
  if (String(failure.code).startsWith('ERR_PARSE_ARGS_')) {
    const message = `${failure.message}\n(bridgenotes --help lists the commands and their options)`;
    return { code: EXIT.USAGE, message };
  }
  if (['UsageError', 'ExportFolderError'].includes(failure.name)) {
    return { code: EXIT.USAGE, message: failure.message };
  }
  if (failure.name === 'ApiRequestError') {
    // A 5xx, or an answer that is not the API's (a proxy's error page, another server): not a
    // refusal (BridgenotesClient sent a proven write again).
    const { status, code } = failure as Failure & { status?: unknown };
    const kind = apiErrorKind(typeof status === 'number' ? status : 0, String(code));
    if (kind === 'unanswered') {
      return { code: EXIT.UNREADABLE, message: `no answer from the instance: ${failure.message}` };
    }
    if (kind === 'failed') {
      const message = `the instance failed (${String(status)} ${String(code)}): ${failure.message}`;
      return { code: EXIT.UNREADABLE, message };
    }
    return { code: EXIT.FINDINGS, message: failure.message };
  }
  if (['ExportReadError', 'ExportChangedError', 'TsvReadError'].includes(failure.name)) {
    return { code: EXIT.UNREADABLE, message: failure.message };
  }
  // A file the system could not open or read (ENOENT, EACCES, …).
  if (typeof failure.syscall === 'string') {
    return { code: EXIT.UNREADABLE, message: failure.message };
  }
  // fetch's own failure: no answer at all; its cause says why (ECONNREFUSED, ENOTFOUND, …).
  if (failure instanceof TypeError && failure.message === 'fetch failed') {
    const why = String(failure.cause?.code ?? 'no answer');
    return { code: EXIT.UNREADABLE, message: `the instance could not be reached (${why})` };
  }
  return { code: EXIT.FAILED, message: failure.stack ?? failure.message };
}

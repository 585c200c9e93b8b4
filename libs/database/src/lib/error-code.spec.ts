import { CodedMessageError, errorCode, loggableError } from './error-code';
import { RUN_FAILURE_TEXTS, runFailureForLog } from './stores/run-failures';

const SECRET = 'a-pseudonym-or-a-note-text';

describe('errorCode and loggableError', () => {
  it("name an error by its codes, a database error's message never", () => {
    const postgres = Object.assign(new Error(`invalid input syntax for type uuid: "${SECRET}"`), {
      code: '22P02',
    });
    expect(errorCode(postgres)).toBe('Error, SQLSTATE 22P02');
    expect(errorCode(new TypeError(`cannot read ${SECRET}`))).toBe('TypeError');
  });

  it("name a connection's failure by Node's code", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    expect(errorCode(refused)).toBe('Error, ECONNREFUSED');
  });

  it('keep the message of an error of ours made of codes', () => {
    expect(errorCode(new CodedMessageError('P2002; no write refused alone'))).toBe(
      'P2002; no write refused alone',
    );
  });

  it('keep the frames of the stack and none of the message, over several lines', () => {
    const error = new RangeError(`first line ${SECRET}\n    at ${SECRET} (note.ts:1:2)`);
    const logged = loggableError(error);
    expect(logged).not.toContain(SECRET);
    const [code, ...frames] = logged.split('\n');
    expect(code).toBe('RangeError');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]).toMatch(/^ {4}at .+error-code\.spec\.ts:\d+:\d+/);
  });

  it('keep only frame lines of a stack whose header is no longer the message', () => {
    const error = new Error('short');
    error.stack = `Error: ${SECRET}\n${SECRET}\n    at run (worker.ts:3:4)`;
    error.message = 'changed';
    expect(loggableError(error)).toBe('Error, changed\n    at run (worker.ts:3:4)');
  });
});

describe('runFailureForLog', () => {
  it("logs a failure the system names by its text, any other by WORKER_ERROR and the error's codes", () => {
    const superseded = RUN_FAILURE_TEXTS.superseded('run-1', 'run-2');
    expect(runFailureForLog(superseded)).toBe(superseded);
    const failure = Object.assign(new Error(`value too long: "${SECRET}"`), { code: '22001' });
    expect(runFailureForLog(failure.message, failure)).toBe('WORKER_ERROR (Error, SQLSTATE 22001)');
    expect(runFailureForLog(failure.message)).toBe('WORKER_ERROR');
  });
});

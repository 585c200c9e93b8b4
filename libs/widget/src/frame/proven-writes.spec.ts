import { RequestError } from './api';
import { sendProven } from './proven-writes';

const lost = () => new RequestError('NETWORK', 'Failed to fetch');
const refused = (code: string, status: number) => new RequestError(code, code, undefined, status);

describe('a proven write sent again', () => {
  /** A prover that numbers its proofs, and a sender answering with `answers` in turn. */
  function writes(...answers: (Error | 'ok')[]) {
    let proofs = 0;
    const sent: number[] = [];
    const prove = async () => ({ proof: ++proofs });
    const send = async (body: { proof: number }) => {
      sent.push(body.proof);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return body.proof;
    };
    return { prove, send, sent, proofs: () => proofs };
  }
  const waiting = () => undefined;

  it('resends the same proof after an answer lost on the network or a 5xx, never a new one', async () => {
    const { prove, send, sent, proofs } = writes(lost(), refused('HTTP_ERROR', 502), 'ok');
    await expect(sendProven('a write', 'draft', prove, send, waiting)).rejects.toThrow();
    await expect(sendProven('a write', 'draft', prove, send, waiting)).rejects.toThrow();
    await expect(sendProven('a write', 'draft', prove, send, waiting)).resolves.toBe(1);
    expect(sent).toEqual([1, 1, 1]);
    expect(proofs()).toBe(1);
  });

  it('proves anew another draft, after a refusal for the content, and after an outdated proof', async () => {
    const { prove, send, sent } = writes(
      lost(),
      'ok',
      refused('DAILY_QUOTA_EXCEEDED', 429),
      'ok',
      lost(),
      refused('PROOF_STALE', 400),
      'ok',
    );
    await expect(sendProven('b write', 'first', prove, send, waiting)).rejects.toThrow();
    // Edited: the kept proof says another draft.
    await expect(sendProven('b write', 'second', prove, send, waiting)).resolves.toBe(2);
    await expect(sendProven('b write', 'third', prove, send, waiting)).rejects.toThrow();
    await expect(sendProven('b write', 'third', prove, send, waiting)).resolves.toBe(4);
    await expect(sendProven('b write', 'fourth', prove, send, waiting)).rejects.toThrow();
    await expect(sendProven('b write', 'fourth', prove, send, waiting)).resolves.toBe(6);
    expect(sent).toEqual([1, 2, 3, 4, 5, 5, 6]);
  });

  it('sends once more after a busy verifier’s second, saying so', async () => {
    const { prove, send, sent } = writes(refused('PROOF_VERIFIER_BUSY', 503), 'ok');
    const said: number[] = [];
    await expect(
      sendProven('c write', 'draft', prove, send, (seconds) => said.push(seconds)),
    ).resolves.toBe(1);
    expect(said).toEqual([1]);
    expect(sent).toEqual([1, 1]);
  });
});

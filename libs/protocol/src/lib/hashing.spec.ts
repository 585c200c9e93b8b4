import { canonicalJson } from './canonical-json';
import { Action, actionMessage, canonicalAction, communityScope, minuteOf } from './hashing';

// The test vector of docs/protocol.md: another client must reproduce these numbers exactly.
const COMMUNITY = '0f8fad5b-d9cb-469f-a165-70867728950e';
const ACTION: Action = {
  kind: 'rating.put',
  community: COMMUNITY,
  target: 'note:7c9e6679-7425-40de-944b-e07fc1f90ae7',
  payload: { helpfulness: 'HELPFUL', tags: ['CLEAR', 'GOOD_SOURCES'], note: 'Ünïcode "quoted"' },
  clientMinute: 29_591_488,
};

describe('protocol encodings', () => {
  it('reproduce the documented test vector', () => {
    expect(communityScope(COMMUNITY).toString()).toBe(
      '66102944797109343481674650075141420506727958523735800160478441671577692276692',
    );
    expect(canonicalAction(ACTION)).toBe(
      '{"clientMinute":29591488,"community":"0f8fad5b-d9cb-469f-a165-70867728950e","domain":"bridgenotes/v1/action",' +
        '"kind":"rating.put","payload":{"helpfulness":"HELPFUL","note":"Ünïcode \\"quoted\\"","tags":["CLEAR","GOOD_SOURCES"]},' +
        '"target":"note:7c9e6679-7425-40de-944b-e07fc1f90ae7"}',
    );
    expect(actionMessage(ACTION).toString()).toBe(
      '8174999315059890602833992294136747151755817186175180383333572530766419374309',
    );
  });

  it('do not depend on key order, and do depend on every value', () => {
    const reordered: Action = {
      ...ACTION,
      payload: {
        note: 'Ünïcode "quoted"',
        tags: ['CLEAR', 'GOOD_SOURCES'],
        helpfulness: 'HELPFUL',
      },
    };
    expect(actionMessage(reordered)).toBe(actionMessage(ACTION));
    expect(actionMessage({ ...ACTION, clientMinute: ACTION.clientMinute + 1 })).not.toBe(
      actionMessage(ACTION),
    );
    expect(
      actionMessage({ ...ACTION, payload: { ...ACTION.payload, tags: ['GOOD_SOURCES', 'CLEAR'] } }),
    ).not.toBe(actionMessage(ACTION));
    expect(communityScope('another-id')).not.toBe(communityScope(COMMUNITY));
  });

  it('refuse values without one exact text form', () => {
    expect(() => canonicalJson({ n: 0.1 })).toThrow(/safe integers only/);
    expect(() => canonicalJson({ n: 2 ** 60 })).toThrow(/safe integers only/);
    expect(() => canonicalJson({ d: new Date() as never })).toThrow(/cannot hold/);
  });

  it('round times down to whole minutes since the epoch', () => {
    expect(minuteOf(new Date('2026-04-06T12:34:59.999Z'))).toBe(29_591_314);
    expect(minuteOf(60_000)).toBe(1);
  });
});

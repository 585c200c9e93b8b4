import type { MembershipState } from './membership';
import { visitLooks } from './membership-looks';

describe('visitLooks', () => {
  it('looks for a pending, a sealed and an absent membership alike: at the first drawing only', () => {
    const states: MembershipState[] = ['pending', 'sealed', 'absent'];
    const looks = visitLooks();
    // The first drawing, then a drawing again (after following a community, say): the instance
    // receives one group download for each, whatever its state.
    const drawings = [1, 2, 3].map(() => states.map((state) => looks.due(state, state)));
    expect(drawings).toEqual([
      [true, true, true],
      [false, false, false],
      [false, false, false],
    ]);
  });

  it('never looks for no membership, nor an ended one', () => {
    const looks = visitLooks();
    expect(looks.due('a', 'none')).toBe(false);
    expect(looks.due('b', 'ended')).toBe(false);
  });

  it('looks for a membership first shown later in the visit once, whichever its state', () => {
    const looks = visitLooks();
    expect(looks.due('a', 'none')).toBe(false);
    expect(looks.due('b', 'none')).toBe(false);
    // Recorded meanwhile (joined, or in another settings tab), in one state or another.
    expect(looks.due('a', 'pending')).toBe(true);
    expect(looks.due('b', 'absent')).toBe(true);
    expect(looks.due('a', 'pending')).toBe(false);
    expect(looks.due('b', 'absent')).toBe(false);
  });

  it('does not look again for a membership changed by a look or found in the group just now', () => {
    const looks = visitLooks();
    expect(looks.due('a', 'pending')).toBe(true);
    // Found sealed by that look, or absent: drawn in the new state with no second download.
    expect(looks.due('a', 'sealed')).toBe(false);
    expect(looks.due('a', 'absent')).toBe(false);
    // Recognised from the group fetched for it (a restored identity, a Check membership), or
    // answered sealed by the instance when joined.
    looks.seen('b');
    expect(looks.due('b', 'sealed')).toBe(false);
  });

  it('looks once for a join answered pending, whatever the state it was joined from', () => {
    const looks = visitLooks();
    // Absent, looked for at the first drawing; joined again and answered pending.
    expect(looks.due('a', 'absent')).toBe(true);
    looks.forget('a');
    expect(looks.due('a', 'pending')).toBe(true);
    expect(looks.due('a', 'pending')).toBe(false);
    // Never shown before the join (none): the same single look.
    expect(looks.due('b', 'none')).toBe(false);
    looks.forget('b');
    expect(looks.due('b', 'pending')).toBe(true);
  });

  it("gives a look's answer to the part drawn again while it was in flight, which did not look", () => {
    const looks = visitLooks();
    const drawn: string[] = [];
    // The first drawing looks; a drawing again meanwhile (a Check again, a follow, another
    // community's join) shows the same state and does not look.
    looks.shown('a', 'pending', (now) => drawn.push(`first ${now}`));
    expect(looks.due('a', 'pending')).toBe(true);
    looks.shown('a', 'pending', (now) => drawn.push(`again ${now}`));
    expect(looks.due('a', 'pending')).toBe(false);
    looks.found('a', 'pending', 'sealed');
    expect(drawn).toEqual(['again sealed']);
  });

  it('draws nothing again for an unchanged answer, nor over a part drawn in a newer state since', () => {
    const looks = visitLooks();
    const drawn: string[] = [];
    looks.shown('a', 'absent', (now) => drawn.push(`absent ${now}`));
    expect(looks.due('a', 'absent')).toBe(true);
    looks.found('a', 'absent', 'absent');
    // Joined while another look was in flight, answered pending: that look, started before the
    // join and recording nothing over it, does not draw over the part; its own look follows.
    looks.shown('b', 'absent', (now) => drawn.push(`b absent ${now}`));
    expect(looks.due('b', 'absent')).toBe(true);
    looks.forget('b');
    looks.shown('b', 'pending', (now) => drawn.push(`b pending ${now}`));
    expect(looks.due('b', 'pending')).toBe(true);
    looks.found('b', 'absent', 'sealed');
    expect(drawn).toEqual([]);
  });
});

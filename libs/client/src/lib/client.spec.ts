import { Group } from '@semaphore-protocol/core';
import { communityScope, releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';

import { groupFromLeaves, GroupRootMismatchError } from './group';
import {
  commitmentOf,
  createIdentity,
  exportIdentity,
  importIdentity,
  pseudonymOf,
} from './identity';
import { nodeArtifacts } from './node-artifacts';
import { proveAction } from './prove';

describe('client', () => {
  // snarkjs' default curve keeps worker threads alive, and Jest would never exit.
  beforeAll(() => useSingleThreadedCurve());
  afterAll(() => releaseCurve());

  it('restores an identity from its backup with the same commitment', () => {
    const identity = createIdentity();
    expect(commitmentOf(importIdentity(exportIdentity(identity)))).toBe(commitmentOf(identity));
    expect(commitmentOf(createIdentity())).not.toBe(commitmentOf(identity));
    expect(commitmentOf(importIdentity(` ${exportIdentity(identity)}\n`))).toBe(
      commitmentOf(identity),
    );
  });

  it('refuses a backup cut off, mistyped or padded, which Semaphore alone would take', () => {
    const backup = exportIdentity(createIdentity());
    for (const [damaged, problem] of [
      [backup.slice(0, 24), /has 24 characters where a backup has 44/], // a shorter key, valid base64
      [backup.slice(0, -1), /has 43 characters/],
      [`${backup.slice(0, 10)}!${backup.slice(11)}`, /characters a backup never has/],
      [`${backup}AAAA`, /characters a backup never has/], // "=" inside
      [`"${backup}"`, /characters a backup never has/],
      ['', /nothing was given/],
    ] as const) {
      expect(() => importIdentity(damaged)).toThrow(problem);
    }
  });

  it('rebuilds a published group, removed members included, and checks its root', () => {
    const reference = new Group([11n, 22n, 33n, 44n, 55n]);
    reference.removeMember(1);
    reference.removeMember(4);
    const published = {
      root: reference.root.toString(),
      size: 5,
      depth: 20,
      leaves: ['11', '0', '33', '44', '0'],
    };
    expect(groupFromLeaves(published).root).toBe(reference.root);
    expect(() => groupFromLeaves({ ...published, leaves: ['11', '22', '33', '44', '0'] })).toThrow(
      GroupRootMismatchError,
    );
  });

  it('accepts the empty group only with root 0', () => {
    expect(groupFromLeaves({ root: '0', size: 0, depth: 20, leaves: [] }).size).toBe(0);
    expect(() => groupFromLeaves({ root: '1', size: 0, depth: 20, leaves: [] })).toThrow(
      GroupRootMismatchError,
    );
  });

  it("knows a member's pseudonym without proving: the nullifier its proofs carry", async () => {
    const [identity, other] = [createIdentity(), createIdentity()];
    const group = new Group([identity.commitment, other.commitment]);
    const id = '6f1c2d3e-4b5a-4c6d-8e7f-901234567890';
    const community = { id, scope: communityScope(id).toString() };
    const { proof } = await proveAction(
      identity,
      group,
      { kind: 'proof.check', community, payload: {} },
      nodeArtifacts(),
    );
    expect(pseudonymOf(identity, community.scope)).toBe(proof.nullifier);
    expect(pseudonymOf(other, community.scope)).not.toBe(proof.nullifier);
    const elsewhere = communityScope('00000000-0000-4000-8000-000000000000').toString();
    expect(pseudonymOf(identity, elsewhere)).not.toBe(proof.nullifier);
  });
});

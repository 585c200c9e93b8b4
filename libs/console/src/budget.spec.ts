import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  MAX_PROOF_MIN_MEMBERS,
  MODERATION_ACTIONS,
  MODERATION_REASONS,
  reasonsFor,
  REVIEW_ACTIONS,
  SNARK_SCALAR_FIELD,
} from '@bridgenotes/protocol';

import { BUDGET, buildConsole } from '../build';
import { SNARK_SCALAR_FIELD as copiedField } from './commitments';
import * as codes from './moderation-codes';
import { MAX_PROOF_MIN_MEMBERS as copiedMaximum } from './proof-min-members';

describe('console bundle', () => {
  let outdir: string;
  let size: number;
  const read = (file: string) => readFileSync(join(outdir, file), 'utf8');

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'bridgenotes-console-'));
    size = await buildConsole(outdir);
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('stays within its gzipped budget', () => {
    expect(BUDGET).toBe(16 * 1024);
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThanOrEqual(BUDGET);
  });

  it('never parses API data as markup, and loads nothing from elsewhere', () => {
    const script = read('console.js');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    // The only absolute URL is SVG's namespace: no third-party script, font or image.
    for (const url of script.match(/https?:\/\/[^"'`\s]*/g) ?? []) {
      expect(url).toBe('http://www.w3.org/2000/svg');
    }
    expect(read('console.css')).not.toMatch(/@import|url\(|@font-face/);
  });

  it("offers exactly the protocol's moderation actions and reasons, and the reasons that fit each action", () => {
    expect(codes.MODERATION_ACTIONS).toEqual(MODERATION_ACTIONS);
    expect(codes.MODERATION_REASONS).toEqual(MODERATION_REASONS);
    expect(codes.REVIEW_ACTIONS).toEqual(REVIEW_ACTIONS);
    for (const action of MODERATION_ACTIONS) {
      expect(codes.reasonsFor(action)).toEqual(reasonsFor(action));
    }
  });

  it("checks commitments against the protocol's field", () => {
    expect(copiedField).toBe(SNARK_SCALAR_FIELD);
  });

  it("checks a community's minimum anonymity set against the protocol's largest", () => {
    expect(copiedMaximum).toBe(MAX_PROOF_MIN_MEMBERS);
  });
});

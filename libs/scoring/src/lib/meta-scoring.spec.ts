import { metaScore } from './meta-scoring';
import { MetaRule, NoteStatus } from './note-status';

const {
  NeedsMoreRatings: NMR,
  CurrentlyRatedHelpful: CRH,
  CurrentlyRatedNotHelpful: CRNH,
} = NoteStatus;
const { NeedsYourHelp: NYH, FirmReject: FR } = NoteStatus;

describe('metaScore (§9 rules 1–7: Core, then the Gaussian coverage model)', () => {
  it('keeps the Core status where Core decided, FIRM_REJECT shown as NMR', () => {
    const { status, decidedBy } = metaScore(
      Uint8Array.of(CRH, CRNH, NYH, NMR, FR),
      Uint8Array.of(CRH, CRNH, NYH, NMR, NMR),
    );
    expect([...status]).toEqual([CRH, CRNH, NYH, NMR, NMR]);
    expect([...decidedBy]).toEqual(Array(5).fill(MetaRule.CoreModel));
  });

  it('lets the Gaussian scorer move notes Core left at NMR or NYH', () => {
    const { status, decidedBy } = metaScore(
      Uint8Array.of(NMR, NYH, NMR, NYH),
      Uint8Array.of(CRH, CRH, CRNH, CRNH),
    );
    expect([...status]).toEqual([CRH, CRH, CRNH, CRNH]);
    expect([...decidedBy]).toEqual(Array(4).fill(MetaRule.GaussianModel));
  });

  it('never makes helpful a note Core rejected or rated not helpful, nor demotes Core', () => {
    const { status, decidedBy } = metaScore(
      Uint8Array.of(FR, CRNH, CRH, CRH, FR),
      Uint8Array.of(CRH, CRH, NMR, CRNH, CRNH),
    );
    // A Core FIRM_REJECT still becomes not helpful when the Gaussian scorer says so.
    expect([...status]).toEqual([NMR, CRNH, CRH, CRH, CRNH]);
    expect([...decidedBy]).toEqual([
      MetaRule.CoreModel,
      MetaRule.CoreModel,
      MetaRule.CoreModel,
      MetaRule.CoreModel,
      MetaRule.GaussianModel,
    ]);
  });
});

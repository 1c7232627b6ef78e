import { describe, expect, it } from 'vitest';
import { PRECURSOR_IDS, PrecursorId, SUBSTANCE_IDS, SubstanceId, substanceLabel } from './substances';

describe('substances and precursors', () => {
  it('list the substances of the glossary, each with a Chinese and an English label', () => {
    expect(SUBSTANCE_IDS).toEqual(['methamphetamine', 'methamphetamine_tablets', 'heroin', 'morphine', 'ketamine', 'mdma', 'cannabis', 'cocaine', 'synthetic_cannabinoids', 'nps', 'caffeine', 'nitrous_oxide', 'opium', 'other']);
    expect(substanceLabel('methamphetamine', 'zh')).toBe('冰毒');
    expect(substanceLabel('nitrous_oxide', 'zh')).toBe('笑气');
    expect(substanceLabel('ketamine', 'en')).toBe('ketamine');
  });

  it('list the precursor chemicals of the brief, with Chinese labels', () => {
    for (const id of ['ephedrine', 'pseudoephedrine', 'ephedra', 'p2p', 'safrole', 'piperonal', 'acetic_anhydride', 'potassium_permanganate', 'hydrochloric_acid', 'sulfuric_acid']) expect(PRECURSOR_IDS).toContain(id);
    expect(substanceLabel('ephedra', 'zh')).toBe('麻黄草');
    expect(substanceLabel('p2p', 'zh')).toBe('1-苯基-2-丙酮');
  });

  it('refuse names outside the closed lists, and label unknown ids by the id itself', () => {
    expect(SubstanceId.safeParse('冰毒').success).toBe(false);
    expect(SubstanceId.safeParse('heroin').success).toBe(true);
    expect(PrecursorId.safeParse('sugar').success).toBe(false);
    expect(substanceLabel('retired_id', 'zh')).toBe('retired_id');
  });
});

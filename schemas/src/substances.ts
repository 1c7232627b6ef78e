import { z } from 'zod';

/** The closed list of substances an event may name (GLOSSARY.md), with console labels. */
export const SUBSTANCES = {
  methamphetamine: { zh: '冰毒', en: 'methamphetamine (crystal)' },
  methamphetamine_tablets: { zh: '冰毒片剂(麻古)', en: 'methamphetamine tablets' },
  heroin: { zh: '海洛因', en: 'heroin' },
  morphine: { zh: '吗啡', en: 'morphine' },
  ketamine: { zh: '氯胺酮(K粉)', en: 'ketamine' },
  mdma: { zh: '摇头丸', en: 'MDMA' },
  cannabis: { zh: '大麻', en: 'cannabis' },
  cocaine: { zh: '可卡因', en: 'cocaine' },
  synthetic_cannabinoids: { zh: '合成大麻素', en: 'synthetic cannabinoids' },
  nps: { zh: '新精神活性物质', en: 'new psychoactive substances' },
  caffeine: { zh: '咖啡因(安钠咖)', en: 'caffeine / caffeine sodium benzoate' },
  nitrous_oxide: { zh: '笑气', en: 'nitrous oxide' },
  opium: { zh: '鸦片(罂粟)', en: 'opium / opium poppy' },
  other: { zh: '其他', en: 'other' },
} as const;
export type Substance = keyof typeof SUBSTANCES;
export const SUBSTANCE_IDS = Object.keys(SUBSTANCES) as [Substance, ...Substance[]];

/** Precursor chemicals (易制毒化学品) that cargo and permits name. */
export const PRECURSORS = {
  ephedrine: { zh: '麻黄碱', en: 'ephedrine' },
  pseudoephedrine: { zh: '伪麻黄碱', en: 'pseudoephedrine' },
  ephedra: { zh: '麻黄草', en: 'ephedra' },
  p2p: { zh: '1-苯基-2-丙酮', en: '1-phenyl-2-propanone (P2P)' },
  safrole: { zh: '黄樟素', en: 'safrole' },
  piperonal: { zh: '胡椒醛', en: 'piperonal' },
  acetic_anhydride: { zh: '醋酸酐', en: 'acetic anhydride' },
  potassium_permanganate: { zh: '高锰酸钾', en: 'potassium permanganate' },
  hydrochloric_acid: { zh: '盐酸', en: 'hydrochloric acid' },
  sulfuric_acid: { zh: '硫酸', en: 'sulfuric acid' },
  methylamine: { zh: '甲胺', en: 'methylamine' },
  bromopropiophenone: { zh: '溴代苯丙酮', en: '2-bromo-1-phenyl-1-propanone' },
  mdp2p: { zh: '3,4-亚甲基二氧苯基-2-丙酮', en: '3,4-methylenedioxyphenyl-2-propanone (MDP2P)' },
  isosafrole: { zh: '异黄樟素', en: 'isosafrole' },
  phenylacetic_acid: { zh: '苯乙酸', en: 'phenylacetic acid' },
  anthranilic_acid: { zh: '邻氨基苯甲酸', en: 'anthranilic acid' },
  hydroxylimine: { zh: '羟亚胺', en: 'hydroxylimine (ketamine precursor)' },
  chlorophenyl_cyclopentyl_ketone: { zh: '邻氯苯基环戊酮', en: '2-chlorophenyl cyclopentyl ketone' },
  acetone: { zh: '丙酮', en: 'acetone' },
  toluene: { zh: '甲苯', en: 'toluene' },
  ethyl_ether: { zh: '乙醚', en: 'diethyl ether' },
  chloroform: { zh: '三氯甲烷', en: 'chloroform' },
  methyl_ethyl_ketone: { zh: '甲基乙基酮', en: 'methyl ethyl ketone' },
  other: { zh: '其他易制毒化学品', en: 'other precursor chemical' },
} as const;
export type Precursor = keyof typeof PRECURSORS;
export const PRECURSOR_IDS = Object.keys(PRECURSORS) as [Precursor, ...Precursor[]];

/** A substance id of the closed list: drug names in events must be one of these. */
export const SubstanceId = z.enum(SUBSTANCE_IDS);
/** A precursor chemical id of the closed list. */
export const PrecursorId = z.enum(PRECURSOR_IDS);

/** The console label of a substance or precursor id; the id itself for anything unknown (old data). */
export function substanceLabel(id: string, lang: 'zh' | 'en'): string {
  const entry = (SUBSTANCES as Record<string, { zh: string; en: string }>)[id] ?? (PRECURSORS as Record<string, { zh: string; en: string }>)[id];
  return entry ? entry[lang] : id;
}

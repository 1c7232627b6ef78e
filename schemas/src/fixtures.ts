import { computeCheckDigit } from './resident-id';

/**
 * Realistic, valid sample identifiers for tests across the services, from the regions the demo covers:
 * Shanxi (14), Yunnan (53: Zhaotong 530600, Ludian 530621), Sichuan (51), Guizhou (52), Inner Mongolia
 * Ordos (150600). None of them is on the demo watchlist (infra/demo/watchlist.ndjson), so using one in an
 * event raises no hit unless a test lists it. The test beside this file proves every one valid.
 */
export const SAMPLE_RESIDENT_IDS = {
  /** Hejin 河津 (140882), Yuncheng, Shanxi. */
  hejin: '140882199007052410',
  /** Hejin, ending in X (check value 10). */
  hejinX: '14088219920315406X',
  /** Yuncheng 运城 Yanhu district (140802). */
  yuncheng: '140802198503120623',
  /** Taiyuan 太原 Xiaodian district (140105). */
  taiyuan: '140105199202283731',
  /** Yangquan 阳泉 (140302). */
  yangquan: '140302198810091845',
  /** Ludian 鲁甸 (530621), Zhaotong, Yunnan. */
  ludian: '530621198604113554',
  /** Ludian, ending in X. */
  ludianX: '53062119980808207X',
  /** Zhaotong 昭通 Zhaoyang district (530602). */
  zhaotong: '530602197908021962',
  /** Chengdu 成都 Jinjiang district (510104), Sichuan. */
  chengdu: '510104198306302173',
  /** Xichang 西昌 (513401), Liangshan, Sichuan. */
  xichang: '513401199501176285',
  /** Bijie 毕节 Qixingguan district (520502), Guizhou. */
  bijie: '520502198709093493',
  /** Guiyang 贵阳 Nanming district (520102), Guizhou. */
  guiyang: '520102199105194501',
  /** Ordos 鄂尔多斯 Dongsheng district (150602), Inner Mongolia. */
  ordos: '150602197512014618',
  /** Ordos, born 2001, ending in X. */
  ordosX: '15060220010101305X',
} as const;

/** Residence permits and the foreigners' permanent residence card (same MOD 11-2 checksum). */
export const SAMPLE_PERMIT_IDS = {
  hongKong: '810000199001010019',
  macao: '820000198808080023',
  taiwan: '830000199201010033',
  /** Permanent residence card issued in Yunnan (53) to a national of Myanmar (104). */
  foreignerYunnanMyanmar: '95310419900315001X',
} as const;

/** A legacy 15-digit id and the 18-character id it normalises to. */
export const SAMPLE_LEGACY_ID = { id15: '140882900705241', id18: '140882199007052410' } as const;

/** Valid GA 36 plates, canonical form, by kind. */
export const SAMPLE_PLATES = {
  shanxiYuncheng: '晋M7K391',
  shanxiTaiyuan: '晋A9K8L7',
  shanxiYangquan: '晋C7K245',
  yunnanZhaotong: '云C77845',
  sichuanChengdu: '川A45C12',
  guizhouBijie: '贵F3C821',
  ordos: '蒙K8L512',
  newEnergySmall: '晋CD12345',
  newEnergyLarge: '川A12345F',
  police: '云C1234警',
  coach: '晋A0871学',
  trailer: '蒙K5678挂',
  hongKong: '粤Z1234港',
  macao: '粤Z5678澳',
} as const;

/** Invalid inputs, each with the problem it illustrates (for negative tests of forms and endpoints). */
export const INVALID_RESIDENT_IDS = {
  badCheckDigit: '140882199007052411',
  xInTheMiddle: '1408821990X7052410',
  february30: '14088219900230001' + computeCheckDigit('14088219900230001'),
  before1900: '14088218991231001' + computeCheckDigit('14088218991231001'),
  unknownRegion: '00088219900705241' + computeCheckDigit('00088219900705241'),
  tooShort: '1408821990070',
} as const;

export const INVALID_PLATES = {
  letterOInSerial: '晋C1O345',
  letterIInSerial: '晋C12I45',
  notAProvince: '港C12345',
  tooShort: '晋C1234',
  eightButNotNewEnergy: '晋C123456',
  hongKongOutsideGuangdong: '晋Z1234港',
} as const;

/** Builds a valid 18-character id for `region` (6 digits), birth date `yyyymmdd` and 3-digit sequence. */
export function sampleResidentId(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

/** Fujian's paired assistance prefectures (对口协作): Ningxia (闽宁协作, 6401–6405), 昌都 5403, 昌吉州 6523, 定西 6211, 临夏州 6229. */
export const PAIRED_PREFECTURES = ["6401", "6402", "6403", "6404", "6405", "5403", "6523", "6211", "6229"];

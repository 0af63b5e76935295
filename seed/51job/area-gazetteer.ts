/**
 * What the region file cannot tell the area resolver: where a prefecture's government sits, and which
 * district holds a development zone or landmark that has no region row of its own. Found by the audit
 * of every area in the 51job export (npx tsx test/eval/area-audit.ts); each entry is one that was miscoded.
 */

/**
 * A prefecture named alone ("福建省厦门") is coded to the district its people's government sits in
 * (its 驻地, as the Ministry of Civil Affairs lists it). Without an entry here the resolver falls back to
 * the district nearest the prefecture's centre point, which is right for most prefectures; these are
 * the ones in the export where it was not (a neighbouring district, or a suburban former county).
 */
export const PREFECTURE_SEATS: Readonly<Record<string, string>> = {
  "110100": "110112", // 北京 → 通州区 (the municipal government moved there in 2019)
  "500100": "500103", // 重庆 → 渝中区 (its 市辖区 row has no coordinates; first …区 by code is 万州区)
  "350200": "350203", // 厦门 → 思明区, not 湖里区
  "350500": "350503", // 泉州 → 丰泽区, not 鲤城区
  "320100": "320102", // 南京 → 玄武区, not 秦淮区
  "320600": "320613", // 南通 → 崇川区, not 通州区 (the former 通州市)
  "320800": "320812", // 淮安 → 清江浦区, not 淮阴区
  "320300": "320303", // 徐州 → 云龙区 (新城区, since 2012), not 鼓楼区
  "320400": "320411", // 常州 → 新北区 (龙城大道 行政中心), not 钟楼区
  "340700": "340705", // 铜陵 → 铜官区, not 义安区 (the former 铜陵县)
  "430100": "430104", // 长沙 → 岳麓区, not 芙蓉区
  "610100": "610112", // 西安 → 未央区, not 莲湖区
  "410100": "410102", // 郑州 → 中原区, not 管城回族区
  "410300": "410311", // 洛阳 → 洛龙区 (洛南新区), not 西工区
  "450300": "450312", // 桂林 → 临桂区 (临桂新区, since 2016), not 象山区
  "330100": "330102", // 杭州 → 上城区, not 拱墅区
  "330200": "330212", // 宁波 → 鄞州区, not 海曙区
  "370100": "370102", // 济南 → 历下区, not 天桥区
  "370200": "370202", // 青岛 → 市南区, not 市北区
  "440600": "440604", // 佛山 → 禅城区, not 南海区
  "520100": "520115", // 贵阳 → 观山湖区, not 南明区
  "230100": "230109", // 哈尔滨 → 松北区, not 道里区
  "360100": "360113", // 南昌 → 红谷滩区, not 西湖区
  "530100": "530114", // 昆明 → 呈贡区, not 五华区
  "210100": "210103", // 沈阳 → 沈河区, not 和平区
};

/**
 * Zones and landmarks written in place of a district, keyed by the prefecture (or, for a zone named right
 * after the province, the province) they are read under. Tried after the county names, so
 * "武汉洪山区东湖新技术开发区" is still 洪山区; before the seat fallback, which would put them anywhere.
 */
export const AREA_LANDMARKS: Readonly<Record<string, readonly (readonly [text: string, countyCode: string])[]>> = {
  "130000": [["雄安新区", "130629"]], // its administration sits in 容城县 (the area spans 雄县, 容城, 安新)
  "110100": [["中关村", "110108"], ["国贸", "110105"], ["东直门", "110101"], ["安定门", "110101"]],
  "310100": [["张江", "310115"], ["浦江镇", "310112"], ["大宁", "310106"]],
  "340100": [["新站", "340178"], ["滨湖新区", "340111"], ["政务区", "340104"]],
  "420100": [
    ["东湖新技术", "420111"], // 光谷: 东湖高新区 was carved mostly from 洪山区
    ["经济开发区", "420113"], // 武汉经开区 is administered together with 汉南区
    ["藏龙岛", "420115"],
    ["西北湖", "420103"],
    ["解放公园", "420102"],
  ],
  "210200": [["高新园区", "210211"], ["开发区", "210213"]], // 大连高新园区 in 甘井子区; 大连开发区 = 金州
  "610100": [
    ["高新", "610113"], // 西安高新区 lies in 雁塔区
    ["经济技术开发区", "610112"],
    ["国际港务区", "610111"],
    ["曲江", "610113"],
    ["航天", "610116"], // 航天城, 国家民用航天产业基地
  ],
  "320500": [["高新区", "320505"], ["苏州新区", "320505"]], // 苏州高新区 and 虎丘区 are one administration
  "320200": [["高新区", "320214"]], // 无锡高新区 = 新吴区
  "320100": [["奥体中心", "320105"]],
  "370100": [["齐鲁软件园", "370176"]],
  "370200": [["高新区", "370214"]], // 青岛高新区 (红岛) in 城阳区
  "370600": [["开发区", "370676"]], // 烟台开发区 = 烟台经济技术开发区
  "410100": [["郑东新区", "410105"], ["郑州东站", "410105"]],
  "430100": [["海信广场", "430102"]],
  "520100": [["花果园", "520102"]],
  "530100": [["高新区", "530102"], ["北部公交枢纽", "530103"]],
};

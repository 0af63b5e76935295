import type { EChartsOption } from "echarts";
import { sumProgress, type ProgressRow } from "../progress/progress.service.js";
import { FAIR_SHEET, fairRows, MENTOR_SHEET, PREFECTURE_SHEET, SUBSIDY_SHEET, subsidyRows, withTotal, type Cell, type SheetDefinition } from "./report-tables.js";
import type { CampaignReport } from "./report.service.js";

// Fonts a government intranet's machines have (and Debian's fonts-wqy-zenhei); single quotes, since
// ECharts writes the family into an SVG style attribute in double quotes.
const FONT = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";
const WIDTH = 700;
const HEIGHT = 300;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

type Echarts = typeof import("echarts");
let echartsLoading: Promise<Echarts> | undefined;

/** ECharts, loaded with the first report page rather than at start-up (it is half a second of the server's start). */
export function loadCharts(): Promise<Echarts> {
  return (echartsLoading ??= import("echarts"));
}

/** One chart as an SVG string, drawn on the server (ECharts' SSR renderer: no script, no CDN). */
function svgChart(echarts: Echarts, option: EChartsOption, height = HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * The bars: Fujian's prefectures, and everyone whose 生源地 is outside Fujian as one bar (省外) — a
 * chart of forty prefectures is unreadable; the tables below list them all.
 */
function chartRows(rows: ProgressRow[]): ProgressRow[] {
  const fujian = rows.filter((r) => r.key.startsWith("35"));
  const outside = rows.filter((r) => !r.key.startsWith("35"));
  if (outside.length === 0) return fujian;
  return [...fujian, sumProgress(outside, "OUTSIDE", "省外")];
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

function prefectureBars(echarts: Echarts, rows: ProgressRow[]): string {
  return svgChart(echarts, {
    title: { text: "各地市推荐下限达标率与就业率（%）", left: "center", textStyle: { fontSize: 14, fontFamily: FONT } },
    legend: { bottom: 0, data: ["下限达标率", "就业率"] },
    grid: { left: 50, right: 20, top: 44, bottom: 70 },
    xAxis: { type: "category", data: rows.map((r) => r.label), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", max: 100, name: "%" },
    series: [
      { name: "下限达标率", type: "bar", data: rows.map((r) => pct(r.atMinimum, r.withMinimum)), label: { show: true, position: "top", fontSize: 10 } },
      { name: "就业率", type: "bar", data: rows.map((r) => pct(r.employed, r.registered)), label: { show: true, position: "top", fontSize: 10 } },
    ],
  });
}

function curveChart(echarts: Echarts, curve: { day: string; reached: number }[]): string {
  return svgChart(echarts, {
    title: { text: "每日累计达到推荐下限人数", left: "center", textStyle: { fontSize: 14, fontFamily: FONT } },
    grid: { left: 60, right: 30, top: 40, bottom: 40 },
    xAxis: { type: "category", data: curve.map((d) => d.day), boundaryGap: false },
    yAxis: { type: "value", name: "人", minInterval: 1 },
    series: [{ name: "达到下限", type: "line", data: curve.map((d) => d.reached), showSymbol: curve.length <= 31, areaStyle: { opacity: 0.15 } }],
  });
}

function mentorBars(echarts: Echarts, rows: ProgressRow[]): string {
  return svgChart(echarts, {
    title: { text: "各地市红娘覆盖", left: "center", textStyle: { fontSize: 14, fontFamily: FONT } },
    legend: { bottom: 0, data: ["应配红娘", "已配红娘"] },
    grid: { left: 50, right: 20, top: 44, bottom: 70 },
    xAxis: { type: "category", data: rows.map((r) => r.label), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", name: "人", minInterval: 1 },
    series: [
      { name: "应配红娘", type: "bar", data: rows.map((r) => r.mentorEligible) },
      { name: "已配红娘", type: "bar", data: rows.map((r) => r.mentoredEligible) },
    ],
  });
}

function fairBars(echarts: Echarts, report: CampaignReport): string {
  const f = report.fairs;
  return svgChart(
    echarts,
    {
      title: { text: `${f.year} 年重点群体网络招聘会（每单位应办 ${f.required} 场）`, left: "center", textStyle: { fontSize: 14, fontFamily: FONT } },
      legend: { bottom: 0, data: ["达标", "未达标"] },
      grid: { left: 90, right: 30, top: 40, bottom: 50 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: ["院校", "人社部门"] },
      series: [
        { name: "达标", type: "bar", stack: "all", data: [f.institutions - f.institutionsWithout.length, f.bureaus - f.bureausWithout.length], label: { show: true } },
        { name: "未达标", type: "bar", stack: "all", data: [f.institutionsWithout.length, f.bureausWithout.length], label: { show: true } },
      ],
    },
    200,
  );
}

function cellText(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell === "object") return cell.share === null ? "—" : `${(Math.round(cell.share * 1000) / 10).toFixed(1)}%`;
  return String(cell);
}

/** A sheet as an HTML table (the figures behind a chart, readable and printable without it). */
function table<R>(sheet: SheetDefinition<R>, rows: R[], id: string): string {
  const head = sheet.columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join("");
  const body = rows
    .map((row) => `<tr>${sheet.columns.map((c) => {
      const cell = c.cell(row);
      return `<td${typeof cell === "number" || (cell !== null && typeof cell === "object") ? ' class="n"' : ""}>${escapeHtml(cellText(cell))}</td>`;
    }).join("")}</tr>`)
    .join("\n");
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
  @page { size: A4 portrait; margin: 12mm; }
  body { font-family: ${FONT}; color: #222; margin: 0 auto; max-width: 186mm; font-size: 12px; }
  h1 { font-size: 18px; margin: 8px 0 4px; } h2 { font-size: 15px; margin: 16px 0 6px; border-bottom: 1px solid #ccc; }
  .meta { color: #555; margin: 0 0 8px; }
  section { break-inside: avoid; page-break-inside: avoid; }
  figure { margin: 0; } figure svg { width: 100%; height: auto; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 11px; }
  th, td { border: 1px solid #bbb; padding: 2px 4px; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
  th { background: #f0f0f0; }
  @media print { a { color: inherit; text-decoration: none; } }`;

/**
 * The campaign at a glance, as one HTML page: four charts drawn on the server as SVG, each with its
 * figures as a table — printable to A4, readable without JavaScript, with nothing fetched from elsewhere.
 */
export async function reportPage(report: CampaignReport, links: { xlsx: string }): Promise<string> {
  const echarts = await loadCharts();
  const c = report.campaign;
  const t = report.total;
  const prefectures = report.prefectures;
  const lastDay = report.curve.at(-1);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(c.name)} — 进展报告</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(c.name)}（${escapeHtml(c.code)}）进展报告</h1>
<p class="meta">活动期间 ${c.startsOn} 至 ${c.endsOn}；数据截至 <span id="as-of">${report.asOf}</span>${report.frozen ? "（活动已结束，数据已冻结）" : ""}；范围：${escapeHtml(report.scope)}；
登记 <span id="registered">${t.registered}</span> 人，有推荐下限 ${t.withMinimum} 人，达到下限 <span id="at-minimum">${t.atMinimum}</span> 人，已就业 <span id="employed">${t.employed}</span> 人。
<a href="${escapeHtml(links.xlsx)}">下载 Excel 报表</a></p>
<section id="by-prefecture"><h2>各地市进展</h2><figure>${prefectureBars(echarts, chartRows(prefectures))}</figure>${table(PREFECTURE_SHEET, withTotal(prefectures, t), "prefecture-table")}</section>
<section id="curve"><h2>达到推荐下限的每日进度</h2><figure>${report.curve.length > 0 ? curveChart(echarts, report.curve) : "<p>活动尚未开始。</p>"}</figure>
<p>截至 ${lastDay?.day ?? report.asOf}，累计 <span id="curve-last">${lastDay?.reached ?? 0}</span> 人达到推荐下限（按其第 N 条计数推荐的日期；N 为其下限）。</p></section>
<section id="mentors"><h2>红娘覆盖</h2><figure>${mentorBars(echarts, chartRows(prefectures))}</figure>${table(MENTOR_SHEET, withTotal(prefectures, t), "mentor-table")}</section>
<section id="fairs"><h2>网络招聘会覆盖</h2><figure>${fairBars(echarts, report)}</figure>${table(FAIR_SHEET, fairRows(report), "fair-table")}</section>
<section id="subsidies"><h2>补贴（登记与跟踪，不在本系统支付）</h2>${table(SUBSIDY_SHEET, subsidyRows(report), "subsidy-table")}</section>
<p class="meta">生成于 ${report.generatedAt.toISOString()}。人员按生源地计入地区。</p>
</body></html>`;
}

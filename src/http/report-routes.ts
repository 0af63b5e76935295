import type { IncomingMessage, ServerResponse } from "node:http";
import type { GraphQLError } from "graphql";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { runWithSqlCounter } from "../db/sql-count.js";
import { badInput, DomainError, ERRORS } from "../errors.js";
import type { Logger } from "../logger.js";
import { viewerFromRequest } from "../auth/viewer-from-request.js";
import { anonymous, type Viewer } from "../auth/viewer.js";
import { reportPage } from "../modules/reports/report-page.js";
import { signReportLink, verifyReportLink } from "../modules/reports/report-link.js";
import { SHEET_KEYS, sheetOutput, workbookSheets, type SheetKey } from "../modules/reports/report-tables.js";
import { OutputClosed, writeCsv, writeXlsx } from "../modules/reports/report-writers.js";
import { authoriseReport, campaignReport, peopleBelowMinimum } from "../modules/reports/report.service.js";
import { HttpError } from "./http-body.js";
import { rateKey, type RateLimiter } from "./rate-limit.js";
import { msg, say } from "../i18n.js";

const PATH = /^\/reports\/campaigns\/([^/.]+)(?:\.([^/]*))?$/;
const FORMATS = ["xlsx", "csv"] as const;

export const isReportPath = (pathname: string) => pathname.startsWith("/reports/");

interface ReportDeps {
  config: Config;
  db: Database;
  rateLimiter: RateLimiter;
  refuseRateLimited: (res: ServerResponse, refusal: GraphQLError) => Record<string, unknown>;
}

function sendError(res: ServerResponse, error: DomainError) {
  res.writeHead(ERRORS[error.code].http, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify({ errors: [{ message: say(error.text), extensions: { ...error.details, code: error.code } }] }));
}

/**
 * GET /reports/campaigns/{id} (the page of charts), {id}.xlsx (the workbook) and {id}.csv?sheet=…
 * (one sheet): authorised like campaignProgress — a token in the Authorization header, or a signed
 * `?link=` from campaignReportLinks — and `?region=` to narrow it. At most REPORT_CONCURRENCY are made
 * at once in a process (more are refused with Retry-After); the spreadsheet is streamed at the
 * reader's pace, and a reader who goes away stops it (the database cursor is closed).
 */
export function reportRoutes(deps: ReportDeps) {
  let running = 0;
  return async function handleReport(req: IncomingMessage, res: ServerResponse, url: URL, reqLog: Logger, address: string): Promise<Record<string, unknown>> {
    if (req.method !== "GET") {
      res.setHeader("allow", "GET");
      throw new HttpError("BAD_REQUEST", msg("请用 GET 获取报表", "GET a report"), 405);
    }
    const match = PATH.exec(url.pathname);
    if (!match) throw new HttpError("BAD_REQUEST", msg("报表地址为 /reports/campaigns/{id}、{id}.xlsx 和 {id}.csv?sheet=…", "Reports are at /reports/campaigns/{id}, {id}.xlsx and {id}.csv?sheet=…"), 404);
    const format = match[2];
    let viewer: Viewer = anonymous;
    try {
      let campaignId: string;
      try {
        campaignId = decodeURIComponent(match[1]!);
      } catch {
        throw badInput("campaignId", msg("专项行动 ID 不是有效的路径段", "The campaign id is not a valid path segment"));
      }
      // What is asked for is checked first: it says nothing about any campaign.
      if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw badInput("format", msg("报表格式为网页（无扩展名）、.xlsx 或 .csv", "A report is the page (no extension), .xlsx or .csv"));
      const sheet = url.searchParams.get("sheet");
      if (format === "csv" && !(SHEET_KEYS as readonly string[]).includes(sheet ?? "")) throw badInput("sheet", msg(`CSV 只含一张表：sheet=${SHEET_KEYS.join("|")}`, `A CSV is one sheet: sheet=${SHEET_KEYS.join("|")}`));
      const link = url.searchParams.get("link");
      let region = url.searchParams.get("region");
      if (link !== null) {
        if (req.headers.authorization !== undefined || req.headers["x-api-key"] !== undefined) throw badInput("link", msg("请只发送签名链接或凭据之一，不能同时发送", "Send either a signed link or a credential, not both"));
        const grant = await verifyReportLink(deps.config.auth.jwtSecret, link, campaignId);
        if (region !== null && region !== grant.region) throw badInput("region", msg("该链接属于另一个地区：请申请本地区的链接", "The link is for another region: ask for a link to this one"));
        viewer = grant.viewer;
        region = grant.region;
      } else {
        viewer = await viewerFromRequest(deps.db, deps.config, req.headers);
      }
      const limited = await deps.rateLimiter.request(rateKey(viewer, address));
      if (limited) return deps.refuseRateLimited(res, limited);
      const allowed = await authoriseReport(deps.db, viewer, campaignId, region);
      if (running >= deps.config.reports.concurrency) {
        res.setHeader("retry-after", "5");
        res.writeHead(ERRORS.RATE_LIMITED.http, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
        res.end(JSON.stringify({ errors: [{ message: say(msg("正在为其他人生成报表，请几秒后再试", "Reports are being made for others just now: try again in a few seconds")), extensions: { code: "RATE_LIMITED", rateLimit: "reports", retryAfter: 5 } }] }));
        return { report: { refused: "BUSY" } };
      }
      running++;
      const counter = { statements: 0 };
      try {
        // The page's download link: the signed link it was opened with, or — opened with a token, which
        // a browser's plain link cannot send — a new one for this report.
        const download =
          format !== undefined || link !== null
            ? url.search
            : `?link=${encodeURIComponent((await signReportLink(deps.config.auth.jwtSecret, { viewer, campaignId: allowed.campaign.id, region }, deps.config.reports.linkTtlSeconds)).token)}${region ? `&region=${encodeURIComponent(region)}` : ""}`;
        const rows = await runWithSqlCounter(counter, () => writeReport(res, () => req.destroyed || req.socket.destroyed || res.destroyed, download, allowed, format as (typeof FORMATS)[number] | undefined, sheet as SheetKey | null, deps.db));
        return { report: { campaignId: allowed.campaign.id, format: format ?? "page", ...(sheet ? { sheet } : {}), rows, sqlStatements: counter.statements } };
      } finally {
        running--;
      }
    } catch (error) {
      if (error instanceof DomainError) {
        if (error.code === "UNAUTHENTICATED") {
          // A wrong credential or link counts against the address, as on /graphql.
          const limited = await deps.rateLimiter.request(rateKey(anonymous, address));
          if (limited) return deps.refuseRateLimited(res, limited);
        }
        sendError(res, error);
        return { report: { refused: error.code } };
      }
      if (error instanceof OutputClosed) {
        reqLog.info("client went away mid-report: stopped");
        res.destroy();
        return { report: { clientGone: true } };
      }
      throw error;
    }
  };
}

async function writeReport(
  res: ServerResponse,
  gone: () => boolean,
  downloadQuery: string,
  { viewer, campaign }: Awaited<ReturnType<typeof authoriseReport>>,
  format: "xlsx" | "csv" | undefined,
  sheet: SheetKey | null,
  db: Database,
): Promise<number> {
  // The page shows prefectures only: it need not count counties, institutions and categories.
  const report = await campaignReport(db, viewer, campaign, { prefecturesOnly: format === undefined });
  // A reader who left while the figures were counted gets nothing more: no cursor is opened for them.
  if (gone()) throw new OutputClosed();
  // Personal data (names, masked phones): never cached on the way, never sent on as a referrer.
  const common = { "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };
  const file = `${campaign.code}-${report.asOf}`;
  if (format === undefined) {
    const page = await reportPage(report, { xlsx: `${campaign.id}.xlsx${downloadQuery}` });
    res.writeHead(200, { ...common, "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:" });
    res.end(page);
    return report.prefectures.length;
  }
  const below = peopleBelowMinimum(db, viewer, campaign);
  if (format === "csv") {
    res.writeHead(200, { ...common, "content-type": "text/csv; charset=utf-8", "content-disposition": attachment(`${file}-${sheet}.csv`) });
    return writeCsv(res, sheetOutput(report, sheet!, below));
  }
  res.writeHead(200, { ...common, "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "content-disposition": attachment(`${file}.xlsx`) });
  return writeXlsx(res, workbookSheets(report, below));
}

/** Content-Disposition for a download, its name in UTF-8 (RFC 6266) with an ASCII fallback. */
const attachment = (name: string) => `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`;

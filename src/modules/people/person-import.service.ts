
import type { Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { badInput, forbidden, unauthenticated, type DomainErrorCode } from "../../errors.js";
import { msg } from "../../i18n.js";
import { actorOf, type Viewer } from "../../auth/viewer.js";
import type { Logger } from "../../logger.js";
import { loggableError } from "../../logger.js";
import { loadCategoryEvaluator, syncMemberships } from "../categories/category.service.js";
import { onPersonEmployed } from "./person.hooks.js";
import { allInstitutionCodes } from "../institutions/institution.service.js";
import { allRegionLevels } from "../regions/region.service.js";
import { mapHeader, csvRecords, decodeChunks, draftFromCells, type CsvEncoding, type ColumnMap } from "./person-csv.parser.js";
import { mayWritePeople, personScope, personWithinScope } from "./person.access.js";
import { checkPerson, type PersonDraft, type PersonRecord, type RecordContext } from "./person-record.validator.js";
import { findPeopleByIdHashes, insertHistory, insertPeopleMany, updatePersonRow } from "./person.repository.js";
import { draftOf, historyRow, sealedColumns, type LedgerDeps } from "./person.service.js";
import type { PersonRow } from "./person.table.js";
import { assertRoomToRegister, queueRegistrations, roomToRegister } from "./registration.queue.js";

export interface ImportRejection {
  row: number;
  column: string | null;
  code: DomainErrorCode;
  message: string;
}

export interface ImportReport {
  encoding: "utf-8" | "gbk";
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows whose number is held outside the caller's scope: queued for that region's review (registration.queue.ts). */
  queued: number;
  /** The first 1,000 of them. */
  queuedRows: { row: number; registrationId: string }[];
  /** created + updated + unchanged */
  accepted: number;
  rejectedCount: number;
  /** The first rejections (at most `maxRejections`), in row order. */
  rejected: ImportRejection[];
  ignoredColumns: string[];
}

export interface ImportOptions {
  encoding?: CsvEncoding;
  batchSize?: number;
  maxRejections?: number;
  /** The longest row read, in characters (`IMPORT_MAX_ROW_CHARS`; default 65,536): a longer one is a rejected row. */
  maxRowChars?: number;
  /** `REGISTRATION_PENDING_CAP`: registrations the caller may have queued for other regions. */
  pendingCap?: number;
  onProgress?: (rowsRead: number) => void;
  log?: Logger;
}

/** A checked row waiting for its batch. */
interface Ready {
  row: number;
  /** What the row says (only the cells it fills). */
  draft: PersonDraft;
  record: PersonRecord;
  columns: ReturnType<typeof sealedColumns>;
}

// Fields compared to decide whether a re-imported row changes anything (the ID is the key).
const COMPARED: (keyof PersonRecord)[] = [
  "name", "householdRegionCode", "originRegionCode", "registeredPoverty", "povertyHouseholdNo", "minimumLiving", "zeroEmployment", "disabled",
  "institutionId", "major", "degreeLevel", "graduationDate", "leaveSchoolDate", "ableToWork", "seekingWork", "intentionMinSalary", "willingToRelocate", "openToLabourCooperation",
];
const COMPARED_LISTS: (keyof PersonRecord)[] = ["intentionKeywords", "intentionRegionCodes", "skills", "trainingWishes"];

function sameAsStored(person: PersonRow, ready: Ready): boolean {
  const r = ready.record;
  return (
    COMPARED.every((f) => (person as Record<string, unknown>)[f] === (r as unknown as Record<string, unknown>)[f]) &&
    COMPARED_LISTS.every((f) => ((person as Record<string, unknown>)[f] as string[]).join("\u0000") === (r[f] as string[]).join("\u0000")) &&
    person.phoneHash === ready.columns.phoneHash
  );
}

/**
 * Bulk registration from universities' and counties' spreadsheets (实名台账 import): every bad row is
 * reported with its row, column, code and reason, and no good row is lost. Idempotent by ID number:
 * importing the same file again changes nothing. Streams: memory stays flat whatever the file size.
 */
export async function importPeople(deps: LedgerDeps, viewer: Viewer, source: AsyncIterable<Uint8Array | string>, opts: ImportOptions = {}): Promise<ImportReport> {
  if (viewer.kind === "anonymous") throw unauthenticated();
  if (!mayWritePeople(viewer)) throw forbidden(msg("只有经办人员和管理员可以导入人员", "Only caseworkers and administrators import people"));
  const batchSize = opts.batchSize ?? 500;
  const maxRejections = opts.maxRejections ?? 1000;
  const scope = personScope(viewer);
  const actor = actorOf(viewer);
  // Room for registrations queued for other regions (registration.queue.ts): none left, nothing is imported.
  const cap = opts.pendingCap ?? Number.POSITIVE_INFINITY;
  await deps.db.transaction((tx) => assertRoomToRegister(tx, viewer, cap));
  const queueRoom = { viewer, cap };

  // Reference data for every row, loaded once: region levels and institution codes.
  const [regionRows, schools] = await Promise.all([allRegionLevels(deps.db), allInstitutionCodes(deps.db)]);
  const levels = new Map(regionRows.map((r) => [r.code, r.level]));
  const institutionByCode = new Map(schools.map((s) => [s.code, s.id]));
  const institutionIds = new Set(schools.map((s) => s.id));
  const context: RecordContext = { today: new Date(), regionLevel: (c) => levels.get(c), institutionExists: (id) => institutionIds.has(id) };

  const report: ImportReport = { encoding: "utf-8", rows: 0, created: 0, updated: 0, unchanged: 0, queued: 0, queuedRows: [], accepted: 0, rejectedCount: 0, rejected: [], ignoredColumns: [] };
  const reject = (r: ImportRejection) => {
    report.rejectedCount++;
    if (report.rejected.length < maxRejections) report.rejected.push(r);
  };

  let columns: ColumnMap | undefined;
  const firstRowOfId = new Map<string, number>();
  let batch: Ready[] = [];

  for await (const record of csvRecords(decodeChunks(source, opts.encoding ?? "auto", (e) => (report.encoding = e)), opts.maxRowChars ? { maxRecordChars: opts.maxRowChars } : {})) {
    if (!columns) {
      if (!record.cells) throw badInput("csv", msg(`无法读取表头行：${record.error}`, `The header row cannot be read: ${record.error}`));
      columns = mapHeader(record.cells);
      if (columns.missing.length > 0) throw badInput("csv", msg(`缺少必填列：${columns.missing.join(", ")}（各列说明见 README）`, `Missing required columns: ${columns.missing.join(", ")} (see the README for the columns)`));
      report.ignoredColumns = columns.ignored;
      continue;
    }
    report.rows++;
    if (report.rows % 1000 === 0) opts.onProgress?.(report.rows);
    if (!record.cells) {
      reject({ row: record.row, column: null, code: "BAD_USER_INPUT", message: record.error! });
      continue;
    }
    if (record.cells.every((c) => c.trim() === "")) {
      report.rows--;
      continue;
    }
    const ready = checkRow(record.row, record.cells, columns, institutionByCode, context);
    if ("rejections" in ready) {
      ready.rejections.forEach(reject);
      continue;
    }
    if (!personWithinScope(scope, { id: "", ...ready.record })) {
      reject({ row: record.row, column: columns.headerOf.get("householdRegionCode") ?? null, code: "FORBIDDEN", message: "This person's region and institution are outside your scope" });
      continue;
    }
    const seenAt = firstRowOfId.get(ready.record.idNumber);
    if (seenAt !== undefined) {
      reject({ row: record.row, column: columns.headerOf.get("idNumber") ?? null, code: "CONFLICT", message: `The same ID number is also in row ${seenAt}` });
      continue;
    }
    firstRowOfId.set(ready.record.idNumber, record.row);
    batch.push({ ...ready, columns: sealedColumns(ready.record, deps.pii) });
    if (batch.length >= batchSize) {
      await writeBatch(deps, batch, { scope, actor, report, reject, columns, context, queueRoom, log: opts.log });
      batch = [];
    }
  }
  if (!columns) throw badInput("csv", msg("文件为空：须有表头行", "The file is empty: a header row is needed"));
  if (batch.length > 0) await writeBatch(deps, batch, { scope, actor, report, reject, columns, context, queueRoom, log: opts.log });
  opts.onProgress?.(report.rows);
  report.accepted = report.created + report.updated + report.unchanged;
  report.rejected.sort((a, b) => a.row - b.row);
  return report;
}

function checkRow(
  row: number,
  cells: string[],
  columns: ColumnMap,
  institutionByCode: Map<string, string>,
  context: RecordContext,
): { row: number; draft: PersonDraft; record: PersonRecord } | { rejections: ImportRejection[] } {
  const { draft, problems } = draftFromCells(cells, columns, (code) => institutionByCode.get(code));
  const rejections: ImportRejection[] = problems.map((p) => ({ row, column: p.column, code: "BAD_USER_INPUT", message: p.message }));
  const checked = checkPerson(draft as PersonDraft, context);
  if (!checked.ok) {
    for (const p of checked.problems) {
      const column = columns.headerOf.get(p.field === "institutionId" ? "institutionCode" : p.field) ?? p.field;
      if (!rejections.some((r) => r.column === column)) rejections.push({ row, column, code: p.code, message: p.message.en });
    }
  }
  if (rejections.length > 0 || !checked.ok) return { rejections };
  return { row, draft: draft as PersonDraft, record: checked.record };
}

interface BatchContext {
  scope: ReturnType<typeof personScope>;
  actor: string;
  report: ImportReport;
  reject: (r: ImportRejection) => void;
  columns: ColumnMap;
  context: RecordContext;
  /**
   * The cap on registrations queued for other regions, recounted at each batch from what is stored
   * (never from what the batch holds, which would tell which rows are held elsewhere): with no room
   * left the whole batch is refused; with any, every row of it is queued (one batch may pass the cap).
   */
  queueRoom: { viewer: Viewer; cap: number };
  log?: Logger | undefined;
}

/** One transaction per batch; if it fails unexpectedly, its rows are retried one by one so one bad row cannot sink 499 good ones. */
async function writeBatch(deps: LedgerDeps, batch: Ready[], ctx: BatchContext): Promise<void> {
  try {
    const counts = await deps.db.transaction((tx) => writeRows(tx, deps.pii, batch, ctx));
    ctx.report.created += counts.created;
    ctx.report.updated += counts.updated;
    ctx.report.unchanged += counts.unchanged;
    ctx.report.queued += counts.queued.length;
    for (const q of counts.queued) if (ctx.report.queuedRows.length < 1000) ctx.report.queuedRows.push(q);
    counts.rejections.forEach(ctx.reject);
  } catch (error) {
    if (batch.length === 1) {
      ctx.log?.error({ err: loggableError(error), row: batch[0]!.row }, "import row could not be stored");
      ctx.reject({ row: batch[0]!.row, column: null, code: "BAD_USER_INPUT", message: "This row could not be stored" });
      return;
    }
    for (const one of batch) await writeBatch(deps, [one], ctx);
  }
}

async function writeRows(tx: Executor, pii: LedgerDeps["pii"], batch: Ready[], ctx: BatchContext) {
  // Before any person is looked up (and locked: the cap's lock comes first), so the answer depends only on what is stored.
  if ((await roomToRegister(tx, ctx.queueRoom.viewer, ctx.queueRoom.cap)) <= 0) {
    // The whole batch is refused alike: which rows were held elsewhere stays unsaid.
    const message = "Too many registrations await review by other regions (REGISTRATION_PENDING_CAP): this row was not imported";
    return { created: 0, updated: 0, unchanged: 0, queued: [], rejections: batch.map((b) => ({ row: b.row, column: null, code: "CAPACITY_EXCEEDED" as const, message })) };
  }
  const byHash = new Map((await findPeopleByIdHashes(tx, batch.map((b) => b.columns.idNumberHash), { forUpdate: true })).map((p) => [p.idNumberHash, p]));
  const fresh = batch.filter((b) => !byHash.has(b.columns.idNumberHash));
  const inserted = await insertPeopleMany(tx, fresh.map((f) => ({ id: newId(), ...f.columns, createdBy: ctx.actor })));
  const idByHash = new Map(inserted.map((p) => [p.id_number_hash, p.id]));
  const created: (PersonRecord & { id: string })[] = [];
  const late: Ready[] = [];
  for (const f of fresh) {
    const id = idByHash.get(f.columns.idNumberHash);
    if (id) created.push({ ...f.record, id });
    else late.push(f);
  }
  // Registered meanwhile by a concurrent import of the same people: now they exist, so merge into them.
  if (late.length > 0) for (const p of await findPeopleByIdHashes(tx, late.map((l) => l.columns.idNumberHash), { forUpdate: true })) byHash.set(p.idNumberHash, p);

  const rejections: ImportRejection[] = [];
  const touched: PersonRow[] = [];
  const history: ReturnType<typeof historyRow>[] = created.map((p) => historyRow(p.id, p.employmentStatus, p.employmentStatusSince, "IMPORT", ctx.actor));
  /** People whose current status this batch changed (a new job ends a mentorship). */
  const nowStatus: { personId: string; status: string }[] = [];
  let updated = 0;
  let unchanged = 0;
  const toQueue: { ready: Ready; held: PersonRow }[] = [];
  const freshRows = new Set(fresh);
  for (const ready of [...batch.filter((b) => !freshRows.has(b)), ...late]) {
    const person = byHash.get(ready.columns.idNumberHash)!;
    if (!personWithinScope(ctx.scope, person)) {
      toQueue.push({ ready, held: person }); // awaits the holding region; the report says only "queued"
      continue;
    }
    // The row speaks only for the cells it fills: the rest of the record stays as stored.
    const statusStated = ready.draft.employmentStatus !== undefined;
    const merged: PersonDraft = {
      ...draftOf(person, pii),
      ...ready.draft,
      ...(statusStated ? {} : { employmentStatus: person.employmentStatus, employmentStatusSince: person.employmentStatusSince }),
    };
    const checked = checkPerson(merged, ctx.context);
    if (!checked.ok) {
      for (const p of checked.problems) rejections.push({ row: ready.row, column: ctx.columns.headerOf.get(p.field) ?? p.field, code: p.code, message: p.message.en });
      continue;
    }
    const record = checked.record;
    const columns = sealedColumns(record, pii);
    const newStatus = statusStated && (record.employmentStatus !== person.employmentStatus || record.employmentStatusSince !== person.employmentStatusSince);
    const current = newStatus && record.employmentStatusSince >= person.employmentStatusSince;
    if (newStatus) history.push(historyRow(person.id, record.employmentStatus, record.employmentStatusSince, "IMPORT", ctx.actor));
    if (current) nowStatus.push({ personId: person.id, status: record.employmentStatus });
    if (sameAsStored(person, { ...ready, record, columns }) && !current) {
      if (newStatus) {
        touched.push(person); // a back-dated status joins the history only
        updated++;
      } else unchanged++;
      continue;
    }
    const { employmentStatus, employmentStatusSince, ...rest } = columns;
    touched.push(
      await updatePersonRow(tx, person.id, {
        ...rest,
        idNumberSealed: person.idNumberSealed,
        phoneSealed: person.phoneHash === rest.phoneHash ? person.phoneSealed : rest.phoneSealed,
        ...(current ? { employmentStatus, employmentStatusSince } : {}),
      }),
    );
    updated++;
  }
  await insertHistory(tx, history);
  // Decided on the policy in force as this batch commits (a campaign activated mid-import re-decides
  // everyone written before; the batches after read the new one).
  await syncMemberships(tx, await loadCategoryEvaluator(tx), [...created, ...touched]);
  // Current statuses that changed: the modules whose help ends with work react (mentors).
  if (nowStatus.length > 0) await onPersonEmployed.run(tx, { changes: nowStatus, by: ctx.actor });
  const { ids: requestIds } = await queueRegistrations(
    tx,
    pii,
    ctx.actor,
    "IMPORT",
    toQueue.map(({ ready, held }) => ({ draft: ready.draft, idNumberHash: ready.columns.idNumberHash, householdRegionCode: ready.record.householdRegionCode, heldPersonId: held.id })),
  );
  const queued = toQueue.map(({ ready }, i) => ({ row: ready.row, registrationId: requestIds[i]! }));
  return { created: created.length, updated, unchanged, queued, rejections };
}

/** The importPeople mutation: a small file given inline, as text or as base64 bytes (for GBK). */
export function importPeopleInline(
  deps: LedgerDeps,
  viewer: Viewer,
  input: { csv?: string | null; csvBase64?: string | null; encoding: CsvEncoding },
  opts: Pick<ImportOptions, "log" | "maxRowChars" | "pendingCap"> = {},
): Promise<ImportReport> {
  const given = [input.csv, input.csvBase64].filter((v) => v != null).length;
  if (given !== 1) throw badInput("input", msg("csv 和 csvBase64 须提供且只能提供其中一个", "Give exactly one of csv and csvBase64"));
  const source = input.csv != null ? textSource(input.csv) : bytesSource(Buffer.from(input.csvBase64!, "base64"));
  return importPeople(deps, viewer, source, { ...opts, encoding: input.encoding });
}

/** Plain text (a GraphQL argument) as the single chunk of a source. */
export async function* textSource(text: string): AsyncGenerator<string> {
  yield text;
}

/** Bytes (base64 from GraphQL, a Buffer) as the single chunk of a source. */
export async function* bytesSource(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}


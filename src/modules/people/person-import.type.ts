import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import type { DomainErrorCode } from "../../errors.js";
import { ItemErrorCode } from "../postings/posting.type.js";

export enum CsvEncodingEnum {
  AUTO = "AUTO",
  UTF8 = "UTF8",
  GBK = "GBK",
}
registerEnumType(CsvEncodingEnum, {
  name: "CsvEncoding",
  description: "AUTO: UTF-8 if the bytes are valid UTF-8, else GBK (Excel's CSV on Chinese Windows).",
  valuesConfig: {
    AUTO: { description: "UTF-8 if the bytes are valid UTF-8, else GBK." },
    UTF8: { description: "UTF-8." },
    GBK: { description: "GBK (Excel's CSV on Chinese Windows)." },
  },
});

export const encodingOf = (e: CsvEncodingEnum) => (e === CsvEncodingEnum.GBK ? "gbk" : e === CsvEncodingEnum.UTF8 ? "utf-8" : "auto") as "auto" | "utf-8" | "gbk";

@ObjectType({ description: "A row refused, and why." })
export class ImportRejection {
  @Field(() => Int, { description: "The spreadsheet row (the header is row 1)." }) row!: number;
  @Field(() => String, { nullable: true, description: "The column header as in the file." }) column!: string | null;
  @Field(() => ItemErrorCode, { description: "Why the row was refused (BAD_USER_INPUT, FORBIDDEN: outside your scope, CONFLICT: the same ID number twice, CAPACITY_EXCEEDED: too many registrations awaiting review)." }) code!: DomainErrorCode;
  @Field({ description: "What is wrong with the row." }) message!: string;
}

@ObjectType({ description: "A row whose ID number awaits review by the region that holds it (the file does not say where)." })
export class ImportQueuedRow {
  @Field(() => Int, { description: "The spreadsheet row (the header is row 1)." }) row!: number;
  @Field(() => ID, { description: "The registration awaiting review." }) registrationId!: string;
}

@ObjectType({ description: "What an import did, row by row: counts, the rows queued for review and the rows refused." })
export class ImportReport {
  @Field({ description: "How the file was read: `utf-8` or `gbk` (as the POST /imports/people report says)." }) encoding!: string;
  @Field(() => Int, { description: "Data rows read." }) rows!: number;
  @Field(() => Int, { description: "People added to the ledger." }) created!: number;
  @Field(() => Int, { description: "People whose record changed." }) updated!: number;
  @Field(() => Int, { description: "Rows identical to the ledger: importing a file twice changes nothing." }) unchanged!: number;
  @Field(() => Int, { description: "Rows queued as registrations for review (see `registrations`)." }) queued!: number;
  @Field(() => [ImportQueuedRow], { description: "The first 1,000 queued rows." }) queuedRows!: ImportQueuedRow[];
  @Field(() => Int, { description: "Rows written or already as written: created + updated + unchanged (queued rows are not counted)." }) accepted!: number;
  @Field(() => Int, { description: "Rows refused (all of them; `rejected` lists the first 1,000)." }) rejectedCount!: number;
  @Field(() => [ImportRejection], { description: "The first 1,000 rejections, by row." }) rejected!: ImportRejection[];
  @Field(() => [String], { description: "Column headers the import does not know, as in the file." }) ignoredColumns!: string[];
}

@InputType({ description: "A small CSV inline: `csv` as text, or `csvBase64` for GBK bytes. Large files: POST /imports/people." })
export class ImportPeopleInput {
  @Field(() => String, { nullable: true, description: "The CSV as text (UTF-8)." }) csv?: string | null;
  @Field(() => String, { nullable: true, description: "The CSV's bytes in base64 (for GBK files)." }) csvBase64?: string | null;
  @Field(() => CsvEncodingEnum, { defaultValue: CsvEncodingEnum.AUTO, description: "How to read the bytes (default AUTO)." }) encoding!: CsvEncodingEnum;
}

import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";

export enum CsvEncodingEnum {
  AUTO = "AUTO",
  UTF8 = "UTF8",
  GBK = "GBK",
}
registerEnumType(CsvEncodingEnum, { name: "CsvEncoding", description: "AUTO: UTF-8 if the bytes are valid UTF-8, else GBK (Excel's CSV on Chinese Windows)." });

export const encodingOf = (e: CsvEncodingEnum) => (e === CsvEncodingEnum.GBK ? "gbk" : e === CsvEncodingEnum.UTF8 ? "utf-8" : "auto") as "auto" | "utf-8" | "gbk";

@ObjectType()
export class ImportRejection {
  @Field(() => Int, { description: "The spreadsheet row (the header is row 1)." }) row!: number;
  @Field(() => String, { nullable: true, description: "The column header as in the file." }) column!: string | null;
  @Field() code!: string;
  @Field() message!: string;
}

@ObjectType({ description: "A row whose ID number awaits review by the region that holds it (the file does not say where)." })
export class ImportQueuedRow {
  @Field(() => Int) row!: number;
  @Field(() => ID) registrationId!: string;
}

@ObjectType()
export class ImportReport {
  @Field() encoding!: string;
  @Field(() => Int, { description: "Data rows read." }) rows!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int, { description: "Rows identical to the ledger: importing a file twice changes nothing." }) unchanged!: number;
  @Field(() => Int, { description: "Rows queued as registrations for review (see `registrations`)." }) queued!: number;
  @Field(() => [ImportQueuedRow], { description: "The first 1,000 queued rows." }) queuedRows!: ImportQueuedRow[];
  @Field(() => Int) accepted!: number;
  @Field(() => Int) rejectedCount!: number;
  @Field(() => [ImportRejection], { description: "The first 1,000 rejections, by row." }) rejected!: ImportRejection[];
  @Field(() => [String]) ignoredColumns!: string[];
}

@InputType({ description: "A small CSV inline: `csv` as text, or `csvBase64` for GBK bytes. Large files: POST /imports/people." })
export class ImportPeopleInput {
  @Field(() => String, { nullable: true }) csv?: string | null;
  @Field(() => String, { nullable: true }) csvBase64?: string | null;
  @Field(() => CsvEncodingEnum, { defaultValue: CsvEncodingEnum.AUTO }) encoding!: CsvEncodingEnum;
}

import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Person } from "./person.type.js";
import { Node } from "../../graphql/node-interface.js";

export enum RegistrationStatusEnum {
  PENDING = "PENDING",
  TRANSFERRED = "TRANSFERRED",
  REFUSED = "REFUSED",
  WITHDRAWN = "WITHDRAWN",
}
registerEnumType(RegistrationStatusEnum, {
  name: "RegistrationStatus",
  description: "PENDING awaits an official of the region that holds the number; TRANSFERRED moved the record to the requested place; REFUSED says why.",
  valuesConfig: {
    PENDING: { description: "Awaiting a decision by the region that holds the number." },
    TRANSFERRED: { description: "The record was moved to the requested place." },
    REFUSED: { description: "Refused, with a reason." },
    WITHDRAWN: { description: "Taken back by its requester." },
  },
});

export enum RegistrationDecisionEnum {
  TRANSFER = "TRANSFER",
  REFUSE = "REFUSE",
}
registerEnumType(RegistrationDecisionEnum, {
  name: "RegistrationDecision",
  description: "A decision on a registration awaiting review.",
  valuesConfig: {
    TRANSFER: { description: "Move the record to the requested place (the requester then sees the person)." },
    REFUSE: { description: "Refuse it, with a reason." },
  },
});

export enum RegistrationDirectionEnum {
  MADE = "MADE",
  RECEIVED = "RECEIVED",
}
registerEnumType(RegistrationDirectionEnum, {
  name: "RegistrationDirection",
  description: "MADE: your requests. RECEIVED: requests about people in your scope, for you to decide.",
  valuesConfig: {
    MADE: { description: "Registrations you asked for." },
    RECEIVED: { description: "Registrations about people in your scope, for you to decide." },
  },
});

export enum RegisterOutcomeEnum {
  REGISTERED = "REGISTERED",
  PENDING = "PENDING",
}
registerEnumType(RegisterOutcomeEnum, {
  name: "RegisterOutcome",
  description: "What registerPerson did.",
  valuesConfig: {
    REGISTERED: { description: "The person is in the ledger (new, or updated when already in your scope)." },
    PENDING: { description: "The ID number is held outside your scope: a registration awaits review there." },
  },
});

export enum RegistrationSourceEnum {
  REGISTRATION = "REGISTRATION",
  IMPORT = "IMPORT",
}
registerEnumType(RegistrationSourceEnum, {
  name: "RegistrationSource",
  description: "How a registration that awaits review was asked for.",
  valuesConfig: {
    REGISTRATION: { description: "registerPerson." },
    IMPORT: { description: "A row of a spreadsheet import (POST /imports/people, or the importPeople mutation)." },
  },
});

@ObjectType({
  implements: Node,
  description:
    "A registration awaiting review: its ID number is already in the ledger outside the requester's scope. The requester is not told where; an official whose scope holds the person transfers or refuses it.",
})
export class RegistrationRequest {
  @Field(() => ID, { description: "The registration's id." }) id!: string;
  @Field(() => RegistrationStatusEnum, { description: "Where it stands." }) status!: RegistrationStatusEnum;
  @Field(() => RegistrationSourceEnum, { description: "How it was asked for." }) source!: `${RegistrationSourceEnum}`;
  @Field({ description: "The name as the requester typed it." }) name!: string;
  @Field({ description: "Masked, as typed by the requester." }) idNumber!: string;
  @Field({ description: "The 户籍 county the requester gave." }) requestedRegionCode!: string;
  @Field({ description: "Who asked (shown to both sides, so they can talk)." }) requestedBy!: string;
  @Field(() => String, { nullable: true, description: "The decision's reason (always given for REFUSED)." }) reason!: string | null;
  resolvedBy!: string | null;
  @Field(() => Date, { description: "When it was asked for." }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "When it was decided or withdrawn (null while PENDING)." }) resolvedAt!: Date | null;
  @Field(() => Person, { nullable: true, description: "The person as the ledger holds them, if you may see them: the holder always; the requester once TRANSFERRED." })
  person!: unknown;
}

@ObjectType({ description: "What registerPerson did: REGISTERED with the person, or PENDING with a request (the number is awaiting review; nothing says where)." })
export class RegisterPersonPayload {
  @Field(() => RegisterOutcomeEnum, { description: "REGISTERED or PENDING." }) status!: RegisterOutcomeEnum;
  @Field(() => Person, { nullable: true, description: "The person (REGISTERED)." }) person!: unknown;
  @Field(() => RegistrationRequest, { nullable: true, description: "The registration awaiting review (PENDING)." }) registration!: unknown;
}

import { HookPoint } from "../../hooks.js";
import type { PersonFacts, PersonFactsInput } from "./person-facts.js";

/**
 * People whose categories were just decided — on registration, a correction, a status change, an
 * import, or a re-decision page (the people locked, in that transaction): what else the policy
 * decides on their facts (subsidy eligibility) is decided with them. `factsToday` gives a person's
 * facts as the categories read them, with no further query.
 */
export const onPeopleDecided = new HookPoint<{
  persons: readonly (PersonFactsInput & { id: string; trainingWishes?: readonly string[] })[];
  factsToday: (person: PersonFactsInput) => PersonFacts;
}>("onPeopleDecided");

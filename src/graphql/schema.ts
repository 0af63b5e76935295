import "reflect-metadata";
import { GraphQLObjectType, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema, getMetadataStorage, type ContainerType, type PubSub } from "type-graphql";
import { DateTimeISO } from "./scalars.js";
import { authChecker } from "../auth/auth-checker.js";
import { EmployerResolver } from "../modules/employers/employer.resolver.js";
import { PartnerResolver } from "../modules/partners/partner.resolver.js";
import { EmployerPartnerLinksResolver, PartnerLinkResolver } from "../modules/partners/partner-link.resolver.js";
import { PartnerConsentResolver, ViewerPartnerConsentsResolver } from "../modules/partners/partner-consent.resolver.js";
import { PostingResolver } from "../modules/postings/posting.resolver.js";
import { PostingChangeResolver } from "../modules/postings/posting-change.resolver.js";
import { RegionResolver } from "../modules/regions/region.resolver.js";
import { ViewerResolver } from "../modules/viewer/viewer.resolver.js";
import { AuditResolver } from "../modules/audit/audit.resolver.js";
import { CategoryResolver } from "../modules/categories/category.resolver.js";
import { CampaignResolver } from "../modules/categories/campaign.resolver.js";
import { FairPolicyResolver } from "../modules/fairs/fair-policy.resolver.js";
import { MatchingPolicyResolver } from "../modules/matching/matching-policy.resolver.js";
import { InstitutionResolver } from "../modules/institutions/institution.resolver.js";
import { PersonResolver } from "../modules/people/person.resolver.js";
import { RegistrationResolver } from "../modules/people/registration.resolver.js";
import { ProgressResolver } from "../modules/progress/progress.resolver.js";
import { ReportResolver } from "../modules/reports/report.resolver.js";
import { MatchResolver } from "../modules/matching/match.resolver.js";
import { SynonymResolver } from "../modules/synonyms/synonym.resolver.js";
import { ChangeLogPolicyResolver } from "../modules/change-log/change-log-policy.resolver.js";
import { CampaignRunResolver } from "../modules/referrals/campaign-run.resolver.js";
import { MentorResolver, MentorshipResolver, PersonMentorResolver } from "../modules/mentors/mentor.resolver.js";
import { EmployerFairStatsResolver, FairBookingResolver, FairBoothViewResolver, FairSessionResolver, JobFairResolver, PersonFairResolver } from "../modules/fairs/fair.resolver.js";
import { PersonReferralResolver, PostingReferralResolver, ReferralComplianceResolver, ReferralProgressResolver, ReferralResolver } from "../modules/referrals/referral.resolver.js";
import { ApplicantResolver, EmployerApplicantsResolver, PostingApplicantsResolver, ReferralInvitationResolver } from "../modules/referrals/applicant.resolver.js";
import { ApplicationResolver, PartnerApplicationResolver } from "../modules/referrals/application.resolver.js";
import { NotificationResolver, NotificationSubscriptionResolver, ViewerNotificationsResolver } from "../modules/notifications/notification.resolver.js";
import { DeliveryAdminResolver, NotificationDeliveryResolver, ViewerChannelsResolver } from "../modules/notifications/delivery.resolver.js";
import { WebhookResolver } from "../modules/webhooks/webhook.resolver.js";
import { PostingScreeningResolver, ScreeningRuleResolver } from "../modules/screening/screening.resolver.js";
import { PostingReviewResolver } from "../modules/postings/posting-review.resolver.js";
import { FallbackCandidateResolver, FallbackResolver } from "../modules/subsidies/fallback.resolver.js";
import { EmployerSubsidiesResolver, PersonSubsidiesResolver, SubsidyClaimResolver, SubsidySchemeResolver } from "../modules/subsidies/subsidy.resolver.js";
import { NodeResolver } from "./node.js";
import { validateArgument } from "./validate-argument.js";

export const resolvers = [
  ViewerResolver,
  RegionResolver,
  EmployerResolver,
  PostingResolver,
  PostingChangeResolver,
  PartnerResolver,
  InstitutionResolver,
  PersonResolver,
  RegistrationResolver,
  CategoryResolver,
  CampaignResolver,
  FairPolicyResolver,
  MatchingPolicyResolver,
  AuditResolver,
  ProgressResolver,
  ReportResolver,
  MatchResolver,
  SynonymResolver,
  ChangeLogPolicyResolver,
  ReferralResolver,
  PersonReferralResolver,
  PostingReferralResolver,
  ReferralProgressResolver,
  ReferralComplianceResolver,
  CampaignRunResolver,
  MentorResolver,
  MentorshipResolver,
  PersonMentorResolver,
  JobFairResolver,
  FairBookingResolver,
  EmployerFairStatsResolver,
  FairSessionResolver,
  FairBoothViewResolver,
  PersonFairResolver,
  ApplicationResolver,
  PostingApplicantsResolver,
  EmployerApplicantsResolver,
  ApplicantResolver,
  ReferralInvitationResolver,
  NotificationResolver,
  NotificationDeliveryResolver,
  DeliveryAdminResolver,
  ViewerChannelsResolver,
  NotificationSubscriptionResolver,
  ViewerNotificationsResolver,
  // Trusted employers and applications with consent (issue 22).
  PartnerLinkResolver,
  EmployerPartnerLinksResolver,
  PartnerConsentResolver,
  ViewerPartnerConsentsResolver,
  PartnerApplicationResolver,
  WebhookResolver,
  // Screening postings before the public sees them (issue 23).
  ScreeningRuleResolver,
  PostingScreeningResolver,
  PostingReviewResolver,
  SubsidySchemeResolver,
  SubsidyClaimResolver,
  PersonSubsidiesResolver,
  EmployerSubsidiesResolver,
  FallbackResolver,
  FallbackCandidateResolver,
  NodeResolver,
] as const;

/**
 * type-graphql asks for a PubSub whenever the schema has subscriptions; ours bring their own
 * `subscribe` (the process's FairEventHub, from the context), so topics are never used.
 */
const noTopics: PubSub = {
  publish: () => {
    throw new Error("Subscriptions here use their own `subscribe`, not PubSub topics");
  },
  subscribe: () => {
    throw new Error("Subscriptions here use their own `subscribe`, not PubSub topics");
  },
};

/**
 * One instance of each resolver class, as type-graphql's default container keeps them — found by a
 * Map rather than its search through a list of every resolver, on every field a resolver answers.
 */
const instances = new Map<object, unknown>();
function instanceOf(resolverClass: new () => unknown): unknown {
  let instance = instances.get(resolverClass);
  if (instance === undefined) instances.set(resolverClass, (instance = new resolverClass()));
  return instance;
}
const container: ContainerType = { get: instanceOf };

/**
 * type-graphql calls every field resolver through a wrapper that, on each call, builds its
 * parameters afresh (sorting their descriptions, mapping them into a new array) and dispatches
 * middlewares — for `JobPosting.employer` that is two hundred times per page of postings. A field
 * resolver that takes only `@Root()` (untyped), `@Ctx()` and `@Info()`, and has no authorization
 * and no middleware, is called directly instead: the same method of the same instance with the same
 * arguments. Anything else (arguments to validate, roles to check) keeps type-graphql's wrapper.
 */
function callPlainFieldResolversDirectly(schema: GraphQLSchema): void {
  const metadata = getMetadataStorage();
  const typeNames = new Map(metadata.objectTypes.map((t) => [t.target, t.name]));
  for (const def of metadata.fieldResolvers) {
    if (def.kind !== "external" || def.roles !== undefined || def.middlewares?.length !== 0 || !def.params || !def.getObjectType) continue;
    const params = [...def.params].sort((a, b) => a.index - b.index);
    const plain = params.every((p, i) => p.index === i && ((p.kind === "root" && !p.getType) || p.kind === "context" || p.kind === "info"));
    const typeName = typeNames.get(def.getObjectType());
    const type = typeName ? schema.getType(typeName) : undefined;
    const field = type instanceof GraphQLObjectType ? type.getFields()[def.schemaName] : undefined;
    if (!plain || !field?.resolve) continue;
    const instance = instanceOf(def.target as new () => unknown) as Record<string, (...args: unknown[]) => unknown>;
    const method = instance[def.methodName]!;
    const [a, b, c] = params.map((p): ((root: unknown, context: unknown, info: unknown) => unknown) => {
      if (p.kind === "info") return (_root, _context, info) => info;
      const property = p.kind === "root" || p.kind === "context" ? p.propertyName : undefined;
      const ofRoot = p.kind === "root";
      if (property) return (root, context) => ((ofRoot ? root : context) as Record<string, unknown>)[property];
      return ofRoot ? (root) => root : (_root, context) => context;
    });
    // No array per call: one, two or three arguments, as these resolvers take.
    if (params.length === 1) field.resolve = (root, _args, context, info) => method.call(instance, a!(root, context, info));
    else if (params.length === 2) field.resolve = (root, _args, context, info) => method.call(instance, a!(root, context, info), b!(root, context, info));
    else if (params.length === 3) field.resolve = (root, _args, context, info) => method.call(instance, a!(root, context, info), b!(root, context, info), c!(root, context, info));
  }
}

let built: Promise<GraphQLSchema> | undefined;

/** Built once per process: type-graphql's metadata is global, and the schema does not change at run time. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers, authChecker, validateFn: validateArgument, pubSub: noTopics, scalarsMap: [{ type: Date, scalar: DateTimeISO }], container }).then((schema) => {
    callPlainFieldResolversDirectly(schema);
    return schema;
  });
  return built;
}

/** The SDL committed as src/graphql/schema.graphql, in declaration order (enum order carries meaning). */
export async function printSchemaSdl(): Promise<string> {
  return printSchema(await getSchema()) + "\n";
}

import { Role } from "./viewer.js";

/**
 * Who passes the role gate of every operation, and of every field that carries or leads to personal
 * data — as data, checked against the running server by test/integration/authorization.test.ts,
 * which also walks the schema and fails on an operation or a path to a person that has no rule here.
 *
 * PUBLIC: anyone, anonymous included. SIGNED_IN: any credential. A list: those roles. Services narrow
 * further (a caseworker's region, an employer's own postings, a seeker's own record) — `scope` says how.
 */
export type Access = "PUBLIC" | "SIGNED_IN" | readonly Role[];

export interface Rule {
  access: Access;
  /** How the service narrows it within the roles allowed. */
  scope?: string;
}

const { ADMIN, CASEWORKER, MENTOR, EMPLOYER, PARTNER, SEEKER } = Role;
const LEDGER_READERS = [ADMIN, CASEWORKER, MENTOR, SEEKER] as const;
const PERSON_SCOPE = "a caseworker's region or institution, a seeker's own record; anyone else: NOT_FOUND or null";

export const AUTHORIZATION: Record<string, Rule> = {
  // Queries
  "Query.viewer": { access: "PUBLIC" },
  "Query.applicationPolicy": { access: "PUBLIC" },
  "Query.notificationPolicy": { access: "PUBLIC" },
  "Query.messageTemplates": { access: [ADMIN, CASEWORKER] },
  "Query.node": { access: "PUBLIC", scope: "each type as its own root field (posting, person …) shows it to the caller; anything else: null" },
  "Query.nodes": { access: "PUBLIC", scope: "as Query.node, per id" },
  "Query.region": { access: "PUBLIC" },
  "Query.regions": { access: "PUBLIC" },
  "Query.institutions": { access: "PUBLIC" },
  "Query.employer": { access: "PUBLIC" },
  "Query.employers": { access: "PUBLIC" },
  "Query.posting": { access: "PUBLIC", scope: "drafts and blocked postings: their employer, caseworkers, administrators" },
  "Query.postings": { access: "PUBLIC", scope: "OPEN only for the public" },
  "Query.searchPostings": { access: "PUBLIC", scope: "open postings' public fields only" },
  "Query.screeningRules": { access: [ADMIN, CASEWORKER] },
  "Query.reviewQueue": { access: [CASEWORKER, ADMIN], scope: "a caseworker's region (a filter region outside it: FORBIDDEN)" },
  "Query.postingChanges": { access: [PARTNER, ADMIN, CASEWORKER], scope: "public events only; partner keys need postings:read" },
  "Query.postingChangesHead": { access: [PARTNER, ADMIN, CASEWORKER], scope: "partner keys need postings:read" },
  "Query.searchSynonyms": { access: "PUBLIC" },
  "Query.jobFair": { access: "PUBLIC", scope: "drafts only to their organisers" },
  "Query.jobFairs": { access: "PUBLIC", scope: "drafts only to their organisers" },
  "Query.person": { access: LEDGER_READERS, scope: PERSON_SCOPE },
  "Query.people": { access: LEDGER_READERS, scope: PERSON_SCOPE },
  "Query.registrations": { access: [ADMIN, CASEWORKER], scope: "MADE: the caller's own requests; RECEIVED: requests about people within a caseworker's scope" },
  "Query.registration": { access: [ADMIN, CASEWORKER], scope: "its requester, or an official whose scope holds the person; anyone else: null" },
  "Query.targetCategories": { access: [ADMIN, CASEWORKER, MENTOR] },
  "Query.campaignProgress": { access: [ADMIN, CASEWORKER], scope: "a caseworker's region or institution" },
  "Query.campaignReportLinks": { access: [ADMIN, CASEWORKER], scope: "a caseworker's region or institution; region only within their own" },
  "Query.campaignRun": { access: [CASEWORKER, ADMIN] },
  "Query.referralCompliance": { access: [CASEWORKER, ADMIN], scope: "a caseworker's region or institution" },
  "Query.auditLog": { access: [ADMIN] },
  "Query.decisionLog": { access: [ADMIN] },
  "Query.partners": { access: [ADMIN] },
  "Query.partnerEmployerLinks": { access: [PARTNER, EMPLOYER, CASEWORKER, ADMIN], scope: "a partner its own, an employer its own, a caseworker those of employers in their region" },
  "Query.partnerApplications": { access: [PARTNER], scope: "the partner's own applications: their status, never the person" },
  "Query.partnerApplication": { access: [PARTNER], scope: "the partner's own; another's is NOT_FOUND" },
  "Query.subsidySchemes": { access: [ADMIN, CASEWORKER, MENTOR] },
  "Query.subsidyClaims": { access: [ADMIN, CASEWORKER], scope: "claims of people in a caseworker's scope, or of places in their region" },
  "Query.subsidyFigures": { access: [ADMIN, CASEWORKER], scope: "claims of people in a caseworker's scope, or of places in their region" },
  "Query.mentor": { access: [ADMIN, CASEWORKER, MENTOR], scope: "a caseworker's region or institution, a mentor themself" },
  "Query.mentors": { access: [ADMIN, CASEWORKER, MENTOR], scope: "a caseworker's region or institution, a mentor themself" },
  "Query.mentorCoverage": { access: [ADMIN, CASEWORKER], scope: "a caseworker's region or institution" },
  "Query.mentoringPolicy": { access: [ADMIN, CASEWORKER, MENTOR] },
  "Query.campaigns": { access: [ADMIN, CASEWORKER] },
  "Query.campaign": { access: [ADMIN, CASEWORKER] },
  "Query.campaignKinds": { access: [ADMIN, CASEWORKER] },
  "Query.campaignPolicy": { access: [ADMIN, CASEWORKER] },
  "Query.categoryReevaluations": { access: [ADMIN, CASEWORKER] },
  "Query.fairPolicy": { access: [ADMIN, CASEWORKER] },
  "Query.changeLogPolicy": { access: [ADMIN] },
  "Query.webhookPolicy": { access: "PUBLIC" },
  "Query.webhooks": { access: [ADMIN, PARTNER], scope: "a partner key with the webhooks scope: its own endpoints; administrators: any" },
  "Query.webhookUrlApprovals": { access: [ADMIN, PARTNER], scope: "a partner: its own approvals" },
  "Query.webhookDeliveries": { access: [ADMIN, PARTNER], scope: "a partner: its own endpoints' (another's: NOT_FOUND)" },
  "Query.matchingPolicy": { access: [ADMIN, CASEWORKER] },
  "Query.fairCoverage": { access: [ADMIN, CASEWORKER], scope: "a caseworker's region or institution" },

  // Mutations
  "Mutation.registerEmployer": { access: [ADMIN, CASEWORKER] },
  "Mutation.verifyEmployer": { access: [ADMIN, CASEWORKER] },
  "Mutation.requestEmployerRegistration": { access: [EMPLOYER], scope: "a company user not yet linked to an employer" },
  "Mutation.createPosting": { access: [EMPLOYER, CASEWORKER, ADMIN], scope: "an employer for itself" },
  "Mutation.updatePosting": { access: [EMPLOYER, CASEWORKER, ADMIN], scope: "an employer its own" },
  "Mutation.publishPosting": { access: [EMPLOYER, CASEWORKER, ADMIN], scope: "an employer its own" },
  "Mutation.closePosting": { access: [EMPLOYER, CASEWORKER, ADMIN], scope: "an employer its own (and a partner's copy under its name)" },
  "Mutation.blockPosting": { access: [ADMIN] },
  "Mutation.unblockPosting": { access: [ADMIN] },
  "Mutation.upsertPartnerPostings": { access: [PARTNER], scope: "the key's postings:write scope" },
  "Mutation.issuePartnerKey": { access: [ADMIN] },
  "Mutation.revokePartnerKey": { access: [ADMIN] },
  "Mutation.approveWebhookUrl": { access: [ADMIN] },
  "Mutation.revokeWebhookUrlApproval": { access: [ADMIN] },
  "Mutation.registerWebhook": { access: [PARTNER], scope: "the key's webhooks scope; a URL on the partner's approved prefixes" },
  "Mutation.disableWebhook": { access: [ADMIN, PARTNER], scope: "a partner its own (another's: NOT_FOUND)" },
  "Mutation.enableWebhook": { access: [ADMIN, PARTNER], scope: "a partner its own (another's: NOT_FOUND)" },
  "Mutation.rotateWebhookSecret": { access: [ADMIN, PARTNER], scope: "a partner its own (another's: NOT_FOUND)" },
  "Mutation.redeliverWebhook": { access: [ADMIN, PARTNER], scope: "a partner its own endpoints' deliveries (another's: NOT_FOUND)" },
  "Mutation.setWebhookPolicy": { access: [ADMIN] },
  "Mutation.registerInstitution": { access: [ADMIN] },
  "Mutation.registerPerson": { access: [ADMIN, CASEWORKER], scope: "within a caseworker's scope; a number held outside it is queued (PENDING), saying nothing of where" },
  "Mutation.resolveRegistration": { access: [ADMIN, CASEWORKER], scope: "an official whose scope holds the person; anyone else: NOT_FOUND (the requester: FORBIDDEN)" },
  "Mutation.withdrawRegistration": { access: [ADMIN, CASEWORKER], scope: "the requester only" },
  "Mutation.updatePerson": { access: [ADMIN, CASEWORKER], scope: PERSON_SCOPE },
  "Mutation.recordEmploymentStatus": { access: [ADMIN, CASEWORKER], scope: PERSON_SCOPE },
  "Mutation.importPeople": { access: [ADMIN, CASEWORKER], scope: "rows within a caseworker's scope" },
  "Mutation.publishTargetCategory": { access: [ADMIN] },
  "Mutation.setSearchSynonyms": { access: [ADMIN] },
  "Mutation.recommendPostings": { access: [CASEWORKER, ADMIN], scope: PERSON_SCOPE },
  "Mutation.updateReferralStatus": { access: "SIGNED_IN", scope: "the referral's caseworkers, its person, its posting's employer; each only the steps theirs" },
  "Mutation.fulfilReferralMinimums": { access: [CASEWORKER, ADMIN], scope: "a caseworker's region or institution" },
  "Mutation.createMentor": { access: [ADMIN, CASEWORKER], scope: "a caseworker's region or institution" },
  "Mutation.setMentorCapacity": { access: [ADMIN, CASEWORKER], scope: "a caseworker's region or institution" },
  "Mutation.deactivateMentor": { access: [ADMIN, CASEWORKER], scope: "a caseworker's region or institution" },
  "Mutation.assignMentor": { access: [ADMIN, CASEWORKER], scope: PERSON_SCOPE },
  "Mutation.assignMentorsAutomatically": { access: [CASEWORKER, ADMIN], scope: "a caseworker's region or institution" },
  "Mutation.logFollowUp": { access: [MENTOR], scope: "the person's own mentor" },
  "Mutation.setMentoringPolicy": { access: [ADMIN] },
  "Mutation.setCampaignPolicy": { access: [ADMIN] },
  "Mutation.setFairPolicy": { access: [ADMIN] },
  "Mutation.setChangeLogPolicy": { access: [ADMIN] },
  "Mutation.setApplicationPolicy": { access: [ADMIN] },
  "Mutation.applyToPosting": { access: [SEEKER], scope: "for themself: the token's personId" },
  "Mutation.inviteToInterview": { access: [EMPLOYER], scope: "its own postings' applicants; another's is NOT_FOUND" },
  "Mutation.respondToInterview": { access: [SEEKER], scope: "an invitation on their own application" },
  "Mutation.markNotificationRead": { access: [SEEKER], scope: "their own notifications; another's is NOT_FOUND" },
  "Mutation.setNotificationChannel": { access: [SEEKER], scope: "their own channels" },
  "Mutation.setNotificationPolicy": { access: [ADMIN] },
  "Mutation.setMessageTemplate": { access: [ADMIN] },
  "Mutation.linkPartnerEmployer": { access: [CASEWORKER, ADMIN], scope: "a caseworker whose region holds the employer" },
  "Mutation.requestEmployerLink": { access: [PARTNER], scope: "for the partner itself" },
  "Mutation.answerPartnerLinkRequest": { access: [EMPLOYER], scope: "the employer itself, once verified" },
  "Mutation.unlinkPartnerEmployer": { access: [PARTNER, EMPLOYER, CASEWORKER, ADMIN], scope: "either side, or an official in the employer's scope; otherwise NOT_FOUND" },
  "Mutation.approvePosting": { access: [CASEWORKER, ADMIN], scope: "a caseworker whose region holds the posting" },
  "Mutation.reviewPosting": { access: [CASEWORKER, ADMIN], scope: "a caseworker whose region holds the posting; outside it FORBIDDEN" },
  "Mutation.saveScreeningRule": { access: [ADMIN] },
  "Mutation.grantPartnerConsent": { access: [SEEKER], scope: "for themself: the token's personId" },
  "Mutation.revokePartnerConsent": { access: [SEEKER], scope: "their own consent; another's is NOT_FOUND" },
  "Mutation.applyForSeeker": { access: [PARTNER], scope: "under a live consent the seeker gave this partner (scope APPLY); otherwise FORBIDDEN" },
  "Mutation.withdrawApplication": { access: [SEEKER], scope: "their own application; another's is NOT_FOUND" },
  "Mutation.setMatchingPolicy": { access: [ADMIN] },
  "Mutation.createCampaign": { access: [ADMIN] },
  "Mutation.updateCampaign": { access: [ADMIN], scope: "a DRAFT campaign only" },
  "Mutation.activateCampaign": { access: [ADMIN] },
  "Mutation.closeCampaign": { access: [ADMIN], scope: "freezes the campaign's figures" },
  "Mutation.reevaluateCategories": { access: [ADMIN] },
  "Mutation.createJobFair": { access: [ADMIN, CASEWORKER], scope: "a caseworker for their institution or region's bureau" },
  "Mutation.setJobFairStatus": { access: [ADMIN, CASEWORKER], scope: "the fair's organiser" },
  "Mutation.addFairSession": { access: [ADMIN, CASEWORKER, EMPLOYER], scope: "the organiser, or an employer with a booth for itself" },
  "Mutation.registerBooth": { access: [EMPLOYER], scope: "its own OPEN postings" },
  "Mutation.registerForFair": { access: [ADMIN, CASEWORKER, SEEKER], scope: PERSON_SCOPE },
  "Mutation.bookInterview": { access: [ADMIN, CASEWORKER, SEEKER], scope: PERSON_SCOPE },
  "Mutation.cancelBooking": { access: "SIGNED_IN", scope: "the person, a caseworker in scope, the organiser" },
  "Mutation.checkIn": { access: [ADMIN, CASEWORKER, EMPLOYER], scope: "the organiser or the session's employer" },
  "Mutation.startSession": { access: [ADMIN, CASEWORKER, EMPLOYER], scope: "the organiser or the session's employer" },
  "Mutation.endSession": { access: [ADMIN, CASEWORKER, EMPLOYER], scope: "the organiser or the session's employer" },
  "Mutation.recordFairOutcome": { access: [ADMIN, CASEWORKER, EMPLOYER, SEEKER], scope: "the person APPLIED (own booking); the session's employer the later stages and NO_SHOW; the organiser any, for people in scope" },
  "Mutation.publishSubsidyScheme": { access: [ADMIN] },
  "Mutation.applyForSubsidy": { access: [ADMIN, CASEWORKER], scope: "a person in a caseworker's scope (an employer scheme: the employer's region); the claim must be ELIGIBLE" },
  "Mutation.approveSubsidyClaim": { access: [ADMIN, CASEWORKER], scope: "a claim in a caseworker's scope" },
  "Mutation.rejectSubsidyClaim": { access: [ADMIN, CASEWORKER], scope: "a claim in a caseworker's scope" },
  "Mutation.recordSubsidyPayment": { access: [ADMIN, CASEWORKER], scope: "a claim in a caseworker's scope" },
  "Mutation.consentToSubsidyDisclosure": { access: [SEEKER], scope: "an employer's claim for hiring the seeker themself" },

  // Subscriptions (over graphql-ws, authenticated like HTTP)
  "Subscription.myNotifications": { access: [SEEKER], scope: "their own notifications" },
  "Subscription.fairEvents": { access: "PUBLIC", scope: "drafts only to organisers; a booking's id only to its person, the organiser, the session's employer" },

  // Personal data in clear: audited, with a stated purpose.
  "ViewerInfo.person": { access: "PUBLIC", scope: "a seeker's own record (the token's personId, within the ledger's rule for seekers); null for anyone else" },
  "Person.idNumber": { access: [ADMIN, CASEWORKER, SEEKER], scope: `unmasked: ${PERSON_SCOPE}` },
  "Person.phone": { access: [ADMIN, CASEWORKER, SEEKER], scope: `unmasked: ${PERSON_SCOPE}` },
  "Person.birthDate": { access: [ADMIN, CASEWORKER, SEEKER], scope: `unmasked: ${PERSON_SCOPE}` },
  "Person.povertyHouseholdNo": { access: [ADMIN, CASEWORKER, SEEKER], scope: `unmasked: ${PERSON_SCOPE}` },
  "Mentor.phone": { access: [ADMIN, CASEWORKER, MENTOR], scope: "unmasked: those who manage the mentor (a caseworker of its region or institution), the mentor themself" },

  // Paths to a person below the root (the Person type carries poverty status and category membership).
  "PersonEdge.node": { access: LEDGER_READERS, scope: "through Query.people" },
  "Mentor.mentees": { access: [ADMIN, CASEWORKER, MENTOR], scope: "through Query.mentor(s): the mentor's own mentees" },
  "Mentorship.person": { access: [ADMIN, CASEWORKER, MENTOR, SEEKER], scope: `null outside ${PERSON_SCOPE}` },
  "SubsidyClaim.person": { access: [ADMIN, CASEWORKER, SEEKER], scope: `null outside ${PERSON_SCOPE}; employers see personName once the person consented` },
  "RunStillBelow.person": { access: [CASEWORKER, ADMIN], scope: `null outside ${PERSON_SCOPE}` },
  "RegistrationRequest.person": { access: [ADMIN, CASEWORKER], scope: `null outside ${PERSON_SCOPE}: the requester sees the person only once TRANSFERRED to their place` },
  "RegisterPersonPayload.person": { access: [ADMIN, CASEWORKER], scope: "the person just registered" },
  "RegistrationRequestEdge.node": { access: [ADMIN, CASEWORKER], scope: "through Query.registrations" },
  "BelowMinimum.person": { access: [CASEWORKER, ADMIN], scope: "through Query.referralCompliance, within scope" },

  // Other guarded fields
  "JobFair.stats": { access: [ADMIN, CASEWORKER], scope: "the fair's organiser" },
  "JobFair.recommendedPostings": { access: [ADMIN, CASEWORKER, SEEKER], scope: PERSON_SCOPE },
  "JobFair.bookings": { access: "SIGNED_IN", scope: "the organiser all; a caseworker their people's; a seeker their own; an employer its sessions' without who (no personId filter)" },
  "FairBooking.personId": { access: "PUBLIC", scope: "null for employers" },
  "Partner.keys": { access: [ADMIN] },
  "ViewerInfo.partnerConsents": { access: "PUBLIC", scope: "a seeker's own consents; empty for anyone else" },
  "JobPosting.referrals": { access: [EMPLOYER, ADMIN], scope: "the posting's employer: referred people as an employer may see them (no ID, phone, poverty or categories)" },
};

/** Whether a role (or the public, null) passes a rule's gate. */
export function passesGate(access: Access, role: Role | null): boolean {
  if (access === "PUBLIC") return true;
  if (role === null) return false;
  return access === "SIGNED_IN" || access.includes(role);
}

import { onCampaignClosing } from "./categories/campaign.hooks.js";
import { freezeCampaignFigures } from "./progress/progress.service.js";
import { onPersonEmployed } from "./people/person.hooks.js";
import { onPostingEnded } from "./postings/posting.hooks.js";
import { closeReferralsOfEndedPostings, endRunsOfClosingCampaign } from "./referrals/referral.hooks.js";
import { leaveBoothsOfEndedPostings } from "./fairs/fair.hooks.js";
import { endMentorshipsOnEmployment } from "./mentors/mentor.hooks.js";
import { onPartnerLinkChanged } from "./partners/partner.hooks.js";
import { onEmployerChanged, onEmployerTakenOver } from "./employers/employer.hooks.js";
import { onPeopleDecided } from "./categories/category.hooks.js";
import { decideSubsidiesWithCategories, recordHireForSubsidies, redecideHiresOfEmployer } from "./subsidies/subsidy-eligibility.service.js";
import { freezeCampaignSubsidies } from "./subsidies/subsidy.hooks.js";
import { followPartnerLink, holdUnlinkedAfterTakeover } from "./postings/posting-review.service.js";

/**
 * Every cross-module effect, in one list: which module reacts to which change. Called where the app
 * is wired (createApp, the CLI); wiring twice changes nothing.
 */
export function wireModuleHooks(): void {
  onPostingEnded.register("referrals: close the posting's open referrals", closeReferralsOfEndedPostings);
  onPostingEnded.register("fairs: leave the booths", leaveBoothsOfEndedPostings);
  onPartnerLinkChanged.register("postings: release or hold the partner's postings for the employer", followPartnerLink);
  onEmployerTakenOver.register("postings: hold the postings of partners not linked to the employer", holdUnlinkedAfterTakeover);
  onEmployerChanged.register("subsidies: decide again the employer schemes of the people it hired", redecideHiresOfEmployer);
  onPersonEmployed.register("mentors: end mentorships of people who found work", endMentorshipsOnEmployment);
  onPersonEmployed.register("subsidies: record the hire and decide the employer's hiring subsidies", recordHireForSubsidies);
  onPeopleDecided.register("subsidies: decide eligibility with the categories", decideSubsidiesWithCategories);
  // In this order: the runs stop, then the figures are frozen with what they wrote.
  onCampaignClosing.register("referrals: end the campaign's runs", endRunsOfClosingCampaign);
  onCampaignClosing.register("progress: freeze the campaign's figures", freezeCampaignFigures);
  onCampaignClosing.register("subsidies: freeze the campaign's claims for its report", freezeCampaignSubsidies);
}

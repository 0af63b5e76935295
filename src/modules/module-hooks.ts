import { onCampaignClosing } from "./categories/campaign.hooks.js";
import { freezeCampaignFigures } from "./progress/progress.service.js";
import { onPersonEmployed } from "./people/person.hooks.js";
import { onPostingEnded } from "./postings/posting.hooks.js";
import { closeReferralsOfEndedPostings, endRunsOfClosingCampaign } from "./referrals/referral.hooks.js";
import { leaveBoothsOfEndedPostings } from "./fairs/fair.hooks.js";
import { endMentorshipsOnEmployment } from "./mentors/mentor.hooks.js";

/**
 * Every cross-module effect, in one list: which module reacts to which change. Called where the app
 * is wired (createApp, the CLI); wiring twice changes nothing.
 */
export function wireModuleHooks(): void {
  onPostingEnded.register("referrals: close the posting's open referrals", closeReferralsOfEndedPostings);
  onPostingEnded.register("fairs: leave the booths", leaveBoothsOfEndedPostings);
  onPersonEmployed.register("mentors: end mentorships of people who found work", endMentorshipsOnEmployment);
  // In this order: the runs stop, then the figures are frozen with what they wrote.
  onCampaignClosing.register("referrals: end the campaign's runs", endRunsOfClosingCampaign);
  onCampaignClosing.register("progress: freeze the campaign's figures", freezeCampaignFigures);
}

import { HookPoint } from "../../hooks.js";
import type { CampaignRow } from "./category.table.js";

/**
 * A campaign about to close, in the transaction that closes it (the campaign row locked): the
 * modules that report on a campaign freeze its figures (progress writes campaign_results), so a
 * later edit of a person does not move a closed campaign's report.
 */
export const onCampaignClosing = new HookPoint<{ campaign: CampaignRow; by: string }>("onCampaignClosing");

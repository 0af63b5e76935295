import type { Executor } from "../../db/client.js";
import type { CampaignRow } from "../categories/category.table.js";
import { freezeCampaignClaims } from "./subsidy.repository.js";

/** Reaction to onCampaignClosing: the campaign's claims frozen as they stand, for its report (campaignSubsidyFigures reads them once it is closed). */
export async function freezeCampaignSubsidies(tx: Executor, event: { campaign: Pick<CampaignRow, "id"> }): Promise<void> {
  await freezeCampaignClaims(tx, event.campaign.id);
}

/** The links registered for click tracking: a click redirects only to a link stored here. */
export interface LinkStore {
  /** The ids of a campaign's links for these destinations, registering the ones not seen before. */
  register(campaignId: number, urls: readonly string[]): Promise<Map<string, number>>;
  /** Where a tracked link goes now (it may have been edited), only if it belongs to the message's campaign. */
  destination(linkId: number, messageId: string): Promise<string | null>;
}

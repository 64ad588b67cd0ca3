/** A price per SMS segment by destination prefix (SMS_PRICE_PER_SEGMENT), in micros of the account's currency. */
export interface SmsPricing {
  /** Longest prefix first. */
  prefixes: readonly { prefix: string; micros: number }[];
  /** For destinations no prefix matches; null: those stay unpriced. */
  fallbackMicros: number | null;
}

/** The cost of `segments` to `recipient`, or null when no price applies. */
export function smsCostMicros(pricing: SmsPricing, recipient: string, segments: number): number | null {
  const match = pricing.prefixes.find((p) => recipient.startsWith(p.prefix));
  const micros = match ? match.micros : pricing.fallbackMicros;
  return micros === null ? null : micros * segments;
}

import { SegmentedMessage } from 'sms-segments-calculator';

/**
 * Segments an SMS body is billed as: GSM-7 fits 160 characters in one segment and 153 per segment
 * when split, UCS-2 (any character outside GSM-7, such as emoji) 70 and 67. Twilio's own calculator
 * is used so the count we show before sending matches what the carrier charges.
 */
export function countSmsSegments(text: string): number {
  if (text === '') return 1;
  return new SegmentedMessage(text).segmentsCount;
}

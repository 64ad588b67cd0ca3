import type { Channel } from '../campaign/campaign.js';
import type { ChannelSpec } from '../channels/channel-spec.js';

/** Who a message comes from. Lives on the template: an edit reaches every future campaign using it. */
export interface SendingDetails {
  fromName: string | null;
  fromEmail: string | null;
  replyTo: string | null;
  smsSender: string | null;
}

export interface TemplateContent {
  subject: string | null;
  html: string | null;
  text: string;
}

export interface Template {
  id: number;
  name: string;
  channel: Channel;
  currentVersion: number;
  /** Id of the TemplateVersion row holding `content`. */
  versionId: number;
  content: TemplateContent;
  sending: SendingDetails;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export const EMPTY_SENDING: SendingDetails = { fromName: null, fromEmail: null, replyTo: null, smsSender: null };

/** Sending details a channel needs before anything can go out; empty when complete. */
export function missingSendingDetails(channel: Pick<ChannelSpec, 'sender'>, sending: SendingDetails, defaultSmsSender: string | null): string[] {
  if (channel.sender === 'email') return sending.fromEmail ? [] : ['a from address'];
  if (channel.sender === 'sms') return sending.smsSender || defaultSmsSender ? [] : ['an SMS sender (on the template, or TWILIO_FROM / TWILIO_MESSAGING_SERVICE_SID)'];
  return [];
}

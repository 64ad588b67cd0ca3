/** Why a Slack file was not taken: each reason gets its own sentence for the person. */
export type SlackFileRefusalReason = 'not_found' | 'wrong_type' | 'too_large' | 'not_text' | 'unreadable';

/**
 * A Slack file Herald will not read, with the sentence that tells the person why and what to do.
 * The edge's own refusal (its copy is written here, not in the domain), raised before any row or
 * template is written.
 */
export class SlackFileRefused extends Error {
  constructor(
    readonly reason: SlackFileRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'SlackFileRefused';
  }
}

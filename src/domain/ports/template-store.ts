import type { Channel } from '../campaign/campaign.js';
import type { SendingDetails, Template, TemplateContent } from '../templates/template.js';

/** Templates and their immutable content versions. */
export interface TemplateStore {
  create(input: { name: string; channel: Channel; content: TemplateContent; sending: SendingDetails; createdBy: string }): Promise<Template>;
  /** Live templates only, case-insensitive. */
  findByName(name: string): Promise<Template | null>;
  /** Includes deleted templates (deletedAt set) so launch checks can say "deleted". */
  get(id: number): Promise<Template | null>;
  list(): Promise<Template[]>;
  /** A content change writes a new version; sending details are updated in place. */
  update(id: number, change: { content?: TemplateContent; sending?: SendingDetails; actor: string }): Promise<Template>;
  softDelete(id: number): Promise<void>;
}

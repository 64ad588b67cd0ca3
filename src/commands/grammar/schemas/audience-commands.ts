import { z } from 'zod';
import { descriptionSchema, lineSchema, nameSchema } from './limited-text.js';
import { TEXT_ENCODINGS, textEncoding } from '../../../domain/text/text-encodings.js';
import { breakRule, channelSchema, conditionSchema, emailSchema, multilineTextSchema, segmentMatchSchema, switchSchema, textSchema, ValueProblem, valueSchema } from './values.js';

/** Schemas of contacts, lists, segments and templates management (same conventions as campaign-commands). */

/** `--encoding`: a name from TEXT_ENCODINGS, as the TextDecoder label it stands for. */
export const encodingSchema = valueSchema((raw) => textEncoding(raw) ?? new ValueProblem(`must be one of ${Object.keys(TEXT_ENCODINGS).join(', ')} (got ${JSON.stringify(raw.slice(0, 40))})`));

export const contactsImportSchema = z.object({ name: z.literal('contacts'), action: z.literal('import'), path: textSchema, list: nameSchema, encoding: encodingSchema.optional() });
export const contactsShowSchema = z.object({ name: z.literal('contacts'), action: z.literal('show'), address: textSchema });

export const listsListSchema = z.object({ name: z.literal('lists'), action: z.literal('list') });
export const listsCreateSchema = z.object({ name: z.literal('lists'), action: z.literal('create'), listName: nameSchema, description: descriptionSchema.optional() });
export const listsShowSchema = z.object({ name: z.literal('lists'), action: z.literal('show'), listName: nameSchema });
export const listsDeleteSchema = z.object({ name: z.literal('lists'), action: z.literal('delete'), listName: nameSchema });

export const segmentsListSchema = z.object({ name: z.literal('segments'), action: z.literal('list') });
export const segmentsCreateSchema = z.object({
  name: z.literal('segments'),
  action: z.literal('create'),
  segmentName: nameSchema,
  where: z.array(conditionSchema),
  match: segmentMatchSchema.optional(),
});
export const segmentsShowSchema = z.object({ name: z.literal('segments'), action: z.literal('show'), segmentName: nameSchema });
export const segmentsDeleteSchema = z.object({ name: z.literal('segments'), action: z.literal('delete'), segmentName: nameSchema });

/** Content and sending details shared by `templates create` and `templates edit`. */
const content = {
  subject: lineSchema.optional(),
  html: multilineTextSchema.optional(),
  htmlFile: textSchema.optional(),
  text: multilineTextSchema.optional(),
  textFile: textSchema.optional(),
  fromName: lineSchema.optional(),
  fromEmail: emailSchema.optional(),
  replyTo: emailSchema.optional(),
  smsSender: lineSchema.optional(),
};
type Content = { [K in keyof typeof content]?: string | undefined };

const EMAIL_ONLY: [keyof Content, string][] = [
  ['subject', '--subject'],
  ['html', '--html'],
  ['htmlFile', '--html-file'],
  ['fromName', '--from-name'],
  ['fromEmail', '--from-email'],
  ['replyTo', '--reply-to'],
];

function oneSourceEach(command: Content, ctx: z.RefinementCtx): void {
  if (command.html !== undefined && command.htmlFile !== undefined) breakRule(ctx, 'UNEXPECTED_ARGUMENT', 'Give --html or --html-file, not both');
  if (command.text !== undefined && command.textFile !== undefined) breakRule(ctx, 'UNEXPECTED_ARGUMENT', 'Give --text or --text-file, not both');
}

export const templatesListSchema = z.object({ name: z.literal('templates'), action: z.literal('list') });

export const templatesCreateSchema = z
  .object({ name: z.literal('templates'), action: z.literal('create'), templateName: nameSchema, channel: channelSchema, ...content })
  .superRefine((command, ctx) => {
    oneSourceEach(command, ctx);
    if (command.channel === 'sms') {
      const misplaced = EMAIL_ONLY.find(([field]) => command[field] !== undefined);
      if (misplaced) breakRule(ctx, 'UNEXPECTED_ARGUMENT', `${misplaced[1]} is for email templates; this one is --channel sms (use --text for the SMS body)`);
    } else if (command.smsSender !== undefined) {
      breakRule(ctx, 'UNEXPECTED_ARGUMENT', '--sms-sender is for SMS templates; this one is --channel email (use --from-email)');
    }
  });

export const templatesShowSchema = z.object({ name: z.literal('templates'), action: z.literal('show'), templateName: nameSchema });

export const templatesEditSchema = z
  .object({ name: z.literal('templates'), action: z.literal('edit'), templateName: nameSchema, ...content, confirm: switchSchema })
  .superRefine((command, ctx) => {
    oneSourceEach(command, ctx);
    if ((Object.keys(content) as (keyof Content)[]).every((field) => command[field] === undefined)) {
      breakRule(ctx, 'MISSING_ARGUMENT', `Nothing to change in template "${command.templateName}": add at least one flag, e.g. --subject, --text or --from-email`);
    }
  });

export const templatesDeleteSchema = z.object({ name: z.literal('templates'), action: z.literal('delete'), templateName: nameSchema });

import { TEXT_LIMITS, textProblem } from '../../../domain/text/limits.js';
import { readTags, readText, ValueProblem, valueSchema } from './values.js';

/**
 * Text values with the shared limits of domain/text/limits.ts, so the grammar refuses a
 * 130-character name (or one holding a NUL) with its flag before anything runs; the domain checks
 * the same limits for every other edge.
 */
function limited(max: number, allowEmpty = false) {
  return (raw: string): string | ValueProblem => {
    const text = readText(raw, allowEmpty);
    if (text instanceof ValueProblem) return text;
    const problem = textProblem(text, max);
    return problem ? new ValueProblem(problem) : text;
  };
}

/** Campaign, template, list and segment names, to create or to look up (a longer one cannot exist). */
export const nameSchema = valueSchema(limited(TEXT_LIMITS.name));
/** `--description`: may be empty (clears it). */
export const descriptionSchema = valueSchema(limited(TEXT_LIMITS.description, true), { multiline: true });
/** One-line values: a subject, a sender name, a reason, a search. */
export const lineSchema = valueSchema(limited(TEXT_LIMITS.line));
/** A reason (pause, stop, cancel, deny): the one-line limit, but it may span lines. */
export const multilineLineSchema = valueSchema(limited(TEXT_LIMITS.line), { multiline: true });
/** `--tag` (one, lower-cased). */
export const limitedTagSchema = valueSchema((raw) => limited(TEXT_LIMITS.tag)(raw.toLowerCase()));

/** `--tags a,b`: each tag within the tag limit, at most TEXT_LIMITS.tagsPerCampaign of them. */
export const limitedTagsSchema = valueSchema((raw): string[] | ValueProblem => {
  const tags = readTags(raw);
  if (tags instanceof ValueProblem) return tags;
  if (tags.length > TEXT_LIMITS.tagsPerCampaign) return new ValueProblem(`has ${tags.length} tags; at most ${TEXT_LIMITS.tagsPerCampaign}`);
  for (const tag of tags) {
    const problem = textProblem(tag, TEXT_LIMITS.tag);
    if (problem) return new ValueProblem(`has a tag that ${problem}`);
  }
  return tags;
});

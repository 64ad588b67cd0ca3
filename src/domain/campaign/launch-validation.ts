import type { SegmentInfo, ContactListInfo, AudienceCount } from '../ports/contact-store.js';
import { describeFilter } from '../contacts/segment-filter.js';
import type { Template } from '../templates/template.js';
import { missingSendingDetails } from '../templates/template.js';
import { addressNoun, type ChannelSpec } from '../channels/channel-spec.js';
import type { Campaign, StatusReason } from './campaign.js';
import { checkContent, type ContentPolicy } from './content-policy.js';

/** Everything a launch decision needs, gathered by the use case before calling the pure check. */
export interface LaunchFacts {
  templates: { role: string; id: number; template: Template | null }[];
  list: ContactListInfo | null;
  include: { id: number; segment: SegmentInfo | null }[];
  exclude: { id: number; segment: SegmentInfo | null }[];
  audience: AudienceCount | null;
  defaultSmsSender: string | null;
  /** The campaign's channel as its provider declares it; null when no provider serves it. */
  channel: ChannelSpec | null;
  /** Syntax errors of the templates' merge fields, by template name. */
  templateSyntax: { name: string; error: string }[];
}

export interface LaunchVerdict {
  /** Reasons the campaign cannot start: it becomes `failed`. */
  failures: StatusReason[];
  /** Content-rule violations: it becomes `rejected`. */
  rejections: StatusReason[];
}

/**
 * The launch checks of seed 001: templates, sender details, audience (deleted list, empty segment,
 * conflicting inclusion/exclusion rules), plus the content rules that reject a campaign.
 */
export function validateLaunch(campaign: Campaign, facts: LaunchFacts, policy: ContentPolicy): LaunchVerdict {
  const failures: StatusReason[] = [];
  const rejections: StatusReason[] = [];

  const channel = facts.channel;
  if (!channel) failures.push({ code: 'UNKNOWN_CHANNEL', message: `no provider sends on the "${campaign.channel}" channel` });
  if (facts.templates.length === 0) failures.push({ code: 'MISSING_TEMPLATE', message: 'no template is set' });
  for (const { role, id, template } of facts.templates) {
    if (!template) {
      failures.push({ code: 'MISSING_TEMPLATE', message: `${role} template #${id} does not exist` });
    } else if (template.deletedAt) {
      failures.push({ code: 'MISSING_TEMPLATE', message: `${role} template "${displayName(template.name)}" was deleted` });
    } else if (template.channel !== campaign.channel) {
      failures.push({ code: 'TEMPLATE_CHANNEL', message: `${role} template "${template.name}" is for ${template.channel}, the campaign is ${campaign.channel}` });
    } else {
      for (const missing of channel ? missingSendingDetails(channel, template.sending, facts.defaultSmsSender) : []) {
        failures.push({ code: 'MISSING_SENDER', message: `${role} template "${template.name}" needs ${missing}` });
      }
      if (channel?.content === 'email' && !template.content.subject) {
        failures.push({ code: 'MISSING_SUBJECT', message: `${role} template "${template.name}" has no subject` });
      }
      rejections.push(...checkContent([template.content.subject, template.content.html, template.content.text], policy));
    }
  }
  for (const { name, error } of facts.templateSyntax) {
    failures.push({ code: 'TEMPLATE_SYNTAX', message: `template "${name}" does not parse: ${error}` });
  }

  if (campaign.listId === null) failures.push({ code: 'MISSING_AUDIENCE', message: 'no contact list is set' });
  else if (!facts.list) failures.push({ code: 'DELETED_LIST', message: `contact list #${campaign.listId} does not exist` });
  else if (facts.list.deletedAt) failures.push({ code: 'DELETED_LIST', message: `contact list "${displayName(facts.list.name)}" was deleted` });

  for (const { id, segment } of [...facts.include, ...facts.exclude]) {
    if (!segment || segment.deletedAt) {
      failures.push({ code: 'DELETED_SEGMENT', message: `segment ${segment ? `"${displayName(segment.name)}"` : `#${id}`} was deleted` });
    }
  }

  const conflicts = conflictingRules(facts);
  failures.push(...conflicts);

  const audience = facts.audience;
  if (audience && failures.every((f) => f.code !== 'DELETED_LIST')) {
    if (audience.listMembers === 0) {
      failures.push({ code: 'EMPTY_AUDIENCE', message: `contact list "${displayName(facts.list?.name ?? '')}" has no contacts` });
    } else if (audience.reachable === 0) {
      failures.push({ code: 'EMPTY_AUDIENCE', message: `no contact in the list has ${channel ? addressNoun(channel) : 'an address for the channel'}` });
    } else if (audience.afterInclude === 0) {
      failures.push({ code: 'EMPTY_AUDIENCE', message: 'no contact matches the include segments' });
    } else if (audience.final === 0 && conflicts.length === 0 && facts.exclude.length === 0) {
      // Only the one-time filter narrowed it: nothing conflicts, there is simply nobody to send to.
      failures.push({ code: 'EMPTY_AUDIENCE', message: `no contact ${facts.include.length ? 'in the include segments' : 'in the list'} matches the one-time filter` });
    } else if (audience.final === 0 && conflicts.length === 0) {
      const cause = campaign.oneTimeFilter ? 'the exclude segments and the one-time filter remove' : 'the exclude segments remove';
      failures.push({ code: 'CONFLICTING_RULES', message: `${cause} every included contact` });
    } else if (audience.final > 0 && audience.final === audience.suppressed) {
      failures.push({ code: 'EMPTY_AUDIENCE', message: 'every contact in the audience is on the suppression list (opted out)' });
    }
  }

  if (campaign.variants.length > 0 && campaign.variants.reduce((sum, v) => sum + v.weight, 0) <= 0) {
    failures.push({ code: 'VARIANT_RATIO', message: 'the variant weights add up to zero' });
  }
  return { failures, rejections };
}

function conflictingRules(facts: LaunchFacts): StatusReason[] {
  const reasons: StatusReason[] = [];
  const includeIds = new Set(facts.include.map((s) => s.id));
  const includeFilters = new Map(
    facts.include.filter((s) => s.segment).map((s) => [describeFilter(s.segment!.filter), s.segment!.name] as const),
  );
  for (const { id, segment } of facts.exclude) {
    if (includeIds.has(id)) {
      reasons.push({ code: 'CONFLICTING_RULES', message: `segment "${displayName(segment?.name ?? `#${id}`)}" is both included and excluded` });
    } else if (segment && includeFilters.has(describeFilter(segment.filter))) {
      reasons.push({
        code: 'CONFLICTING_RULES',
        message: `exclude segment "${displayName(segment.name)}" has the same rule as include segment "${displayName(includeFilters.get(describeFilter(segment.filter))!)}"`,
      });
    }
  }
  return reasons;
}

/** Soft-deleted lists, segments and templates carry a suffix so their name can be reused; show the original. */
function displayName(name: string): string {
  return name.replace(/ \(deleted \d+\)$/, '');
}

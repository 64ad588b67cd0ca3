import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/domain/campaign/campaign.js';
import { validateLaunch, type LaunchFacts } from '../../src/domain/campaign/launch-validation.js';
import { EMAIL_CHANNEL, SMS_CHANNEL } from '../../src/domain/channels/channel-spec.js';
import type { SegmentFilter } from '../../src/domain/contacts/segment-filter.js';
import type { AudienceCount, SegmentInfo } from '../../src/domain/ports/contact-store.js';
import type { Template } from '../../src/domain/templates/template.js';

const T = new Date('2030-01-01T00:00:00Z');
const FR: SegmentFilter = { match: 'all', conditions: [{ field: 'country', op: 'eq', value: 'FR' }] };
const VIP: SegmentFilter = { match: 'all', conditions: [{ field: 'vip', op: 'exists' }] };

function campaign(over: Partial<Campaign> = {}): Campaign {
  return {
    id: 1001, name: 'Winter sale', description: '', tags: [], channel: 'email', status: 'ready', resumeTo: null, statusReason: null,
    statusDetails: null, launchType: 'manual', sendAt: null, timeZone: null, cron: null, nextRunAt: null, ifLate: 'send_late', templateId: 1, listId: 1,
    includeSegmentIds: [], excludeSegmentIds: [], oneTimeFilter: null, smsTtlSeconds: null, tracking: true, variants: [], createdBy: 'alice',
    createdAt: T, updatedAt: T, clonedFromId: null, version: 1, ...over,
  };
}

function template(over: Partial<Template> = {}, content: Partial<Template['content']> = {}, sending: Partial<Template['sending']> = {}): Template {
  return {
    id: 1, name: 'Welcome', channel: 'email', currentVersion: 1, versionId: 1, createdBy: 'alice', createdAt: T, updatedAt: T, deletedAt: null,
    content: { subject: 'Hi {{ first_name }}', html: null, text: 'Hello', ...content },
    sending: { fromName: null, fromEmail: 'news@example.com', replyTo: null, smsSender: null, ...sending },
    ...over,
  };
}

const smsTemplate = (sending: Partial<Template['sending']> = { smsSender: '+14155550100' }) =>
  template({ id: 2, name: 'Text', channel: 'sms' }, { subject: null, text: 'Hello' }, { fromEmail: null, ...sending });

function segment(id: number, name: string, filter: SegmentFilter, deleted = false): SegmentInfo {
  return { id, name, filter, createdBy: 'alice', createdAt: T, deletedAt: deleted ? T : null };
}

const AUDIENCE: AudienceCount = { listMembers: 10, reachable: 10, afterInclude: 10, final: 10, suppressed: 0 };

function facts(over: Partial<LaunchFacts> = {}): LaunchFacts {
  return {
    templates: [{ role: 'the', id: 1, template: template() }],
    list: { id: 1, name: 'Newsletter', description: '', createdBy: 'alice', createdAt: T, deletedAt: null, memberCount: 10 },
    include: [],
    exclude: [],
    audience: AUDIENCE,
    defaultSmsSender: null,
    channel: EMAIL_CHANNEL,
    templateSyntax: [],
    ...over,
  };
}

const POLICY = { blockedTerms: ['miracle cure'] };

/** [what, campaign, facts, the failure codes and a message fragment each] */
type Case = [string, Campaign, LaunchFacts, [string, RegExp][]];

const SMS = { channel: SMS_CHANNEL, templates: [{ role: 'the', id: 2, template: smsTemplate() }] };

const CASES: Case[] = [
  ['no provider for the channel', campaign({ channel: 'push' }), facts({ channel: null, templates: [{ role: 'the', id: 1, template: template({ channel: 'push' }) }] }), [['UNKNOWN_CHANNEL', /no provider sends on the "push" channel/]]],
  ['no template at all', campaign({ templateId: null }), facts({ templates: [] }), [['MISSING_TEMPLATE', /no template is set/]]],
  ['a template that does not exist', campaign(), facts({ templates: [{ role: 'the', id: 9, template: null }] }), [['MISSING_TEMPLATE', /the template #9 does not exist/]]],
  ['a deleted template, by the name people knew', campaign(), facts({ templates: [{ role: 'the', id: 1, template: template({ name: 'Welcome (deleted 1)', deletedAt: T }) }] }), [['MISSING_TEMPLATE', /^the template "Welcome" was deleted$/]]],
  ['a template for the other channel', campaign({ channel: 'sms' }), facts({ channel: SMS_CHANNEL }), [['TEMPLATE_CHANNEL', /template "Welcome" is for email, the campaign is sms/]]],
  ['an email template without a from address', campaign(), facts({ templates: [{ role: 'the', id: 1, template: template({}, {}, { fromEmail: null }) }] }), [['MISSING_SENDER', /^the template "Welcome" needs a from address$/]]],
  ['an SMS template without a sender and no default', campaign({ channel: 'sms', templateId: 2 }), facts({ ...SMS, templates: [{ role: 'the', id: 2, template: smsTemplate({ smsSender: null }) }] }), [['MISSING_SENDER', /^the template "Text" needs an SMS sender/]]],
  ['an email template without a subject', campaign(), facts({ templates: [{ role: 'the', id: 1, template: template({}, { subject: null }) }] }), [['MISSING_SUBJECT', /"Welcome" has no subject/]]],
  ['a merge field that does not parse', campaign(), facts({ templateSyntax: [{ name: 'Welcome', error: 'output "{{ first_name" not closed' }] }), [['TEMPLATE_SYNTAX', /template "Welcome" does not parse: output "\{\{ first_name" not closed/]]],
  ['no contact list', campaign({ listId: null }), facts({ list: null, audience: null }), [['MISSING_AUDIENCE', /no contact list is set/]]],
  ['a list that does not exist', campaign({ listId: 5 }), facts({ list: null, audience: null }), [['DELETED_LIST', /contact list #5 does not exist/]]],
  ['a deleted list', campaign(), facts({ list: { ...facts().list!, name: 'Newsletter (deleted 1700000000)', deletedAt: T }, audience: AUDIENCE }), [['DELETED_LIST', /contact list "Newsletter" was deleted/]]],
  ['a deleted include segment', campaign({ includeSegmentIds: [3] }), facts({ include: [{ id: 3, segment: segment(3, 'France (deleted 1700000000)', FR, true) }], audience: null }), [['DELETED_SEGMENT', /segment "France" was deleted/]]],
  ['a missing exclude segment', campaign({ excludeSegmentIds: [4] }), facts({ exclude: [{ id: 4, segment: null }], audience: null }), [['DELETED_SEGMENT', /segment #4 was deleted/]]],
  ['the same segment included and excluded', campaign({ includeSegmentIds: [3], excludeSegmentIds: [3] }), facts({ include: [{ id: 3, segment: segment(3, 'France', FR) }], exclude: [{ id: 3, segment: segment(3, 'France', FR) }], audience: { ...AUDIENCE, final: 0 } }), [['CONFLICTING_RULES', /segment "France" is both included and excluded/]]],
  ['the same rule included and excluded', campaign({ includeSegmentIds: [3], excludeSegmentIds: [4] }), facts({ include: [{ id: 3, segment: segment(3, 'France', FR) }], exclude: [{ id: 4, segment: segment(4, 'French', FR) }], audience: { ...AUDIENCE, final: 0 } }), [['CONFLICTING_RULES', /exclude segment "French" has the same rule as include segment "France"/]]],
  ['excludes that remove every included contact', campaign({ includeSegmentIds: [3], excludeSegmentIds: [4] }), facts({ include: [{ id: 3, segment: segment(3, 'France', FR) }], exclude: [{ id: 4, segment: segment(4, 'VIP', VIP) }], audience: { ...AUDIENCE, afterInclude: 4, final: 0 } }), [['CONFLICTING_RULES', /^the exclude segments remove every included contact$/]]],
  ['excludes and a one-time filter that remove every included contact', campaign({ excludeSegmentIds: [4], oneTimeFilter: FR }), facts({ exclude: [{ id: 4, segment: segment(4, 'VIP', VIP) }], audience: { ...AUDIENCE, final: 0 } }), [['CONFLICTING_RULES', /the exclude segments and the one-time filter remove every included contact/]]],
  ['a one-time filter alone that matches nobody is an empty audience', campaign({ oneTimeFilter: FR }), facts({ audience: { ...AUDIENCE, final: 0 } }), [['EMPTY_AUDIENCE', /no contact .*matches the one-time filter/]]],
  ['an empty list', campaign(), facts({ audience: { listMembers: 0, reachable: 0, afterInclude: 0, final: 0, suppressed: 0 } }), [['EMPTY_AUDIENCE', /contact list "Newsletter" has no contacts/]]],
  ['nobody with an address for the channel', campaign({ channel: 'sms', templateId: 2 }), facts({ ...SMS, audience: { listMembers: 10, reachable: 0, afterInclude: 0, final: 0, suppressed: 0 } }), [['EMPTY_AUDIENCE', /no contact in the list has a phone number/]]],
  ['include segments that match nobody', campaign({ includeSegmentIds: [3] }), facts({ include: [{ id: 3, segment: segment(3, 'France', FR) }], audience: { ...AUDIENCE, afterInclude: 0, final: 0 } }), [['EMPTY_AUDIENCE', /no contact matches the include segments/]]],
  ['everyone opted out', campaign(), facts({ audience: { ...AUDIENCE, suppressed: 10 } }), [['EMPTY_AUDIENCE', /every contact in the audience is on the suppression list/]]],
  ['variant weights adding up to zero', campaign({ templateId: null, variants: [{ label: 'A', templateId: 1, weight: 0 }, { label: 'B', templateId: 1, weight: 0 }] }), facts({ templates: [{ role: "variant A's", id: 1, template: template() }, { role: "variant B's", id: 1, template: template() }] }), [['VARIANT_RATIO', /the variant weights add up to zero/]]],
  ["a variant's template for the other channel, named by its variant", campaign({ templateId: null, variants: [{ label: 'A', templateId: 1, weight: 50 }, { label: 'B', templateId: 2, weight: 50 }] }), facts({ templates: [{ role: "variant A's", id: 1, template: template() }, { role: "variant B's", id: 2, template: smsTemplate() }] }), [['TEMPLATE_CHANNEL', /variant B's template "Text" is for sms, the campaign is email/]]],
  [
    'several problems at once, each reported',
    campaign({ includeSegmentIds: [3] }),
    facts({ templates: [{ role: 'the', id: 1, template: template({}, { subject: null }, { fromEmail: null }) }], list: null, include: [{ id: 3, segment: null }], audience: null }),
    [['MISSING_SENDER', /from address/], ['MISSING_SUBJECT', /no subject/], ['DELETED_LIST', /does not exist/], ['DELETED_SEGMENT', /#3/]],
  ],
];

describe('validateLaunch: the launch checks', () => {
  it('passes a complete campaign with a reachable audience', () => {
    expect(validateLaunch(campaign(), facts(), POLICY)).toEqual({ failures: [], rejections: [] });
    expect(validateLaunch(campaign({ channel: 'sms', templateId: 2 }), facts(SMS), POLICY)).toEqual({ failures: [], rejections: [] });
    // An SMS template may leave the sender to the configured default; SMS have no subject.
    const defaultSender = facts({ ...SMS, templates: [{ role: 'the', id: 2, template: smsTemplate({ smsSender: null }) }], defaultSmsSender: 'MG0123' });
    expect(validateLaunch(campaign({ channel: 'sms', templateId: 2 }), defaultSender, POLICY).failures).toEqual([]);
    // Some suppressed contacts are fine while someone is left to reach.
    expect(validateLaunch(campaign(), facts({ audience: { ...AUDIENCE, suppressed: 9 } }), POLICY).failures).toEqual([]);
  });

  it.each(CASES)('fails %s', (_what, c, f, expected) => {
    const { failures, rejections } = validateLaunch(c, f, POLICY);
    expect(failures.map((r) => r.code)).toEqual(expected.map(([code]) => code));
    expected.forEach(([, message], i) => expect(failures[i]!.message).toMatch(message));
    expect(rejections).toEqual([]);
  });

  it('has a case for every failure code the checks can produce', () => {
    // Read from the source, so a new code cannot be added without a case here.
    const source = fs.readFileSync(fileURLToPath(new URL('../../src/domain/campaign/launch-validation.ts', import.meta.url)), 'utf8');
    const produced = new Set([...source.matchAll(/code: '([A-Z_]+)'/g)].map((m) => m[1]!));
    const covered = new Set(CASES.flatMap(([, , , expected]) => expected.map(([code]) => code)));
    expect(produced.size).toBeGreaterThanOrEqual(12);
    expect([...covered].sort()).toEqual([...produced].sort());
  });

  it('rejects content that breaks the content rules without failing the launch, for every template it sends', () => {
    const phishing = template({ id: 2, name: 'B' }, { text: 'Please verify your password at https://bit.ly/x' });
    const variants = campaign({ templateId: null, variants: [{ label: 'A', templateId: 1, weight: 1 }, { label: 'B', templateId: 2, weight: 1 }] });
    const verdict = validateLaunch(variants, facts({ templates: [{ role: "variant A's", id: 1, template: template({}, { subject: 'A miracle cure' }) }, { role: "variant B's", id: 2, template: phishing }] }), POLICY);
    expect(verdict.failures).toEqual([]);
    expect(verdict.rejections.map((r) => r.code).sort()).toEqual(['BLOCKED_TERM', 'CREDENTIAL_REQUEST', 'HIDDEN_DESTINATION']);
  });

  it('does not count the audience of a deleted list against it twice', () => {
    const verdict = validateLaunch(campaign(), facts({ list: { ...facts().list!, deletedAt: T }, audience: { listMembers: 0, reachable: 0, afterInclude: 0, final: 0, suppressed: 0 } }), POLICY);
    expect(verdict.failures.map((r) => r.code)).toEqual(['DELETED_LIST']);
  });
});

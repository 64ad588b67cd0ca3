import type { CampaignDeps } from '../domain/campaign/campaign-deps.js';
import { importContacts } from '../domain/contacts/import-contacts.js';
import { describeFilter, parseSegmentFilter } from '../domain/contacts/segment-filter.js';
import { AppError } from '../domain/errors.js';
import type { LocalFiles } from '../domain/ports/local-files.js';
import { excerpt } from '../domain/text/excerpt.js';
import type { Command } from './grammar/commands.js';
import { formatTime, usedBy } from './render-campaign.js';
import { campaignRef } from '../domain/campaign/campaign.js';
import { NOT_YET_LAUNCHED } from '../domain/campaign/campaign-status.js';
import { importReportReply } from './import-report-reply.js';
import { reply, warnings, type Reply } from './reply.js';

type Group<N extends 'contacts' | 'lists' | 'segments'> = Extract<Command, { name: N }>;
type Of<N extends 'contacts' | 'lists' | 'segments', A extends Group<N>['action']> = Extract<Group<N>, { action: A }>;

export const contactCommands = {
  async import(deps: CampaignDeps, cmd: Of<'contacts', 'import'>, actor: string, files: LocalFiles): Promise<Reply> {
    const rows = deps.contactsFiles.read(await files.open(cmd.path, 'path'), { encoding: cmd.encoding });
    const report = await importContacts({ rows, listName: cmd.list, actor }, { contacts: deps.contacts });
    return importReportReply(report, cmd.path);
  },

  async show(deps: CampaignDeps, cmd: Of<'contacts', 'show'>): Promise<Reply> {
    const contact = await deps.contacts.findContact(cmd.address);
    if (!contact) throw new AppError('NOT_FOUND', `No contact with the address ${excerpt(cmd.address)}.`);
    const fields: [string, string][] = [
      ['Email', contact.email ?? '—'],
      ['Phone', contact.phone ?? '—'],
      ['Time zone', contact.timeZone ?? '—'],
      ['Lists', contact.lists.join(', ') || '—'],
      ['Opted out', contact.suppressed ? 'yes (on the suppression list)' : 'no'],
      ...Object.entries(contact.attributes).map(([k, v]) => [k, v] as [string, string]),
    ];
    return reply(`Contact ${contact.email ?? contact.phone}`, [{ type: 'header', text: `Contact #${contact.id}` }, { type: 'fields', fields }]);
  },
};

export const listCommands = {
  async list(deps: CampaignDeps): Promise<Reply> {
    const lists = await deps.contacts.listLists();
    if (lists.length === 0) return reply('No contact lists yet. Import one: /campaign contacts import contacts.csv --list "Newsletter"');
    return reply(`${lists.length} lists`, [
      { type: 'header', text: 'Contact lists' },
      {
        type: 'table',
        columns: ['Name', 'Contacts', 'Created', 'Description'],
        rows: lists.map((l) => [l.name, String(l.memberCount), formatTime(l.createdAt, deps.config.accountTimeZone), l.description]),
      },
    ]);
  },
  async create(deps: CampaignDeps, cmd: Of<'lists', 'create'>, actor: string): Promise<Reply> {
    const list = await deps.contacts.createList({ name: cmd.listName, description: cmd.description ?? '', createdBy: actor });
    return reply(`Created list "${list.name}". Fill it: /campaign contacts import FILE.csv --list "${list.name}"`);
  },
  async show(deps: CampaignDeps, cmd: Of<'lists', 'show'>): Promise<Reply> {
    const list = await deps.contacts.findListByName(cmd.listName);
    if (!list) throw new AppError('NOT_FOUND', `No list named "${cmd.listName}".`);
    const shown = reply(`List "${list.name}": ${list.memberCount} contacts`, [
      { type: 'header', text: `List "${list.name}"` },
      {
        type: 'fields',
        fields: [
          ['Contacts', String(list.memberCount)],
          ['Description', list.description || '—'],
          ['Created', `${formatTime(list.createdAt, deps.config.accountTimeZone)} by ${list.createdBy}`],
        ],
      },
      usedBy(await deps.campaigns.campaignsUsing({ listId: list.id })),
    ]);
    return { ...shown, people: [list.createdBy] };
  },
  async delete(deps: CampaignDeps, cmd: Of<'lists', 'delete'>): Promise<Reply> {
    const list = await deps.contacts.findListByName(cmd.listName);
    if (!list) throw new AppError('NOT_FOUND', `No list named "${cmd.listName}".`);
    const users = await deps.campaigns.campaignsUsing({ listId: list.id }, NOT_YET_LAUNCHED);
    await deps.contacts.deleteList(list.id);
    const text = `Deleted list "${list.name}".`;
    return reply(text, [
      { type: 'text', text },
      ...warnings(users.length ? [`${users.length} campaign(s) not yet launched still use it and will fail at launch with "deleted list" until edited: ${users.map((c) => campaignRef(c.id)).join(', ')}.`] : []),
    ]);
  },
};

export const segmentCommands = {
  async list(deps: CampaignDeps): Promise<Reply> {
    const segments = await deps.contacts.listSegments();
    if (segments.length === 0) return reply('No segments yet. Create one: /campaign segments create "US" --where country=US');
    return reply(`${segments.length} segments`, [
      { type: 'header', text: 'Segments' },
      { type: 'table', columns: ['Name', 'Rule'], rows: segments.map((s) => [s.name, describeFilter(s.filter)]) },
    ]);
  },
  async create(deps: CampaignDeps, cmd: Of<'segments', 'create'>, actor: string): Promise<Reply> {
    const filter = parseSegmentFilter({ match: cmd.match ?? 'all', conditions: cmd.where });
    const segment = await deps.contacts.createSegment({ name: cmd.segmentName, filter, createdBy: actor });
    return reply(`Created segment "${segment.name}": ${describeFilter(segment.filter)}.`);
  },
  async show(deps: CampaignDeps, cmd: Of<'segments', 'show'>): Promise<Reply> {
    const segment = await deps.contacts.findSegmentByName(cmd.segmentName);
    if (!segment) throw new AppError('NOT_FOUND', `No segment named "${cmd.segmentName}".`);
    const text = `Segment "${segment.name}": ${describeFilter(segment.filter)}`;
    return reply(text, [{ type: 'text', text }, usedBy(await deps.campaigns.campaignsUsing({ segmentId: segment.id }))]);
  },
  async delete(deps: CampaignDeps, cmd: Of<'segments', 'delete'>): Promise<Reply> {
    const segment = await deps.contacts.findSegmentByName(cmd.segmentName);
    if (!segment) throw new AppError('NOT_FOUND', `No segment named "${cmd.segmentName}".`);
    await deps.contacts.deleteSegment(segment.id);
    return reply(`Deleted segment "${segment.name}". Campaigns that use it will fail at launch until edited.`);
  },
};

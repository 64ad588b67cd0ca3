import type { Channel } from '../../domain/campaign/campaign.js';
import { AppError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { TemplateStore } from '../../domain/ports/template-store.js';
import type { SendingDetails, Template, TemplateContent } from '../../domain/templates/template.js';
import type { Db } from './prisma-client.js';

/**
 * Templates with their current version's content. Created and updated times come from the injected
 * clock: Prisma's `@default(now())` and `@updatedAt` would stamp the process's wall clock.
 */
export class PrismaTemplateStore implements TemplateStore {
  constructor(
    private readonly prisma: Db,
    private readonly clock: Clock,
  ) {}

  async create(input: { name: string; channel: Channel; content: TemplateContent; sending: SendingDetails; createdBy: string }): Promise<Template> {
    const at = this.clock.now();
    const row = await this.prisma.template.create({
      data: {
        name: input.name,
        channel: input.channel,
        currentVersion: 1,
        ...input.sending,
        createdBy: input.createdBy,
        createdAt: at,
        updatedAt: at,
        versions: { create: { version: 1, ...input.content, createdBy: input.createdBy, createdAt: at } },
      },
    });
    return (await this.get(row.id))!;
  }

  async findByName(name: string): Promise<Template | null> {
    const row = await this.prisma.template.findFirst({ where: { name: { equals: name.trim(), mode: 'insensitive' }, deletedAt: null } });
    return row ? this.get(row.id) : null;
  }

  async get(id: number): Promise<Template | null> {
    const row = await this.prisma.template.findUnique({ where: { id }, include: { versions: { orderBy: { version: 'desc' }, take: 1 } } });
    const version = row?.versions[0];
    if (!row || !version) return null;
    return {
      id: row.id,
      name: row.name,
      channel: row.channel,
      currentVersion: row.currentVersion,
      versionId: version.id,
      content: { subject: version.subject, html: version.html, text: version.text },
      sending: { fromName: row.fromName, fromEmail: row.fromEmail, replyTo: row.replyTo, smsSender: row.smsSender },
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      deletedAt: row.deletedAt,
    };
  }

  async list(): Promise<Template[]> {
    const rows = await this.prisma.template.findMany({ where: { deletedAt: null }, select: { id: true }, orderBy: { name: 'asc' } });
    const templates = await Promise.all(rows.map((r) => this.get(r.id)));
    return templates.filter((t): t is Template => t !== null);
  }

  async update(id: number, change: { content?: TemplateContent; sending?: SendingDetails; actor: string }): Promise<Template> {
    const at = this.clock.now();
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.template.findUnique({ where: { id } });
      if (!row || row.deletedAt) throw new AppError('NOT_FOUND', `Template #${id} does not exist.`);
      const next = row.currentVersion + 1;
      if (change.content) {
        await tx.templateVersion.create({ data: { templateId: id, version: next, ...change.content, createdBy: change.actor, createdAt: at } });
      }
      // Conditional on the version read: two concurrent content edits cannot both claim version N+1.
      const updated = await tx.template.updateMany({
        where: { id, currentVersion: row.currentVersion },
        data: { ...(change.content ? { currentVersion: next } : {}), ...(change.sending ?? {}), updatedAt: at },
      });
      if (updated.count !== 1) throw new AppError('CONFLICT', `Template "${row.name}" was changed by someone else; try again.`);
    });
    return (await this.get(id))!;
  }

  async softDelete(id: number): Promise<void> {
    const row = await this.prisma.template.findUnique({ where: { id } });
    if (!row || row.deletedAt) return;
    // The name is unique; free it for reuse while keeping the row for the runs that sent it.
    const at = this.clock.now();
    await this.prisma.template.update({ where: { id }, data: { deletedAt: at, updatedAt: at, name: `${row.name} (deleted ${id})` } });
  }
}

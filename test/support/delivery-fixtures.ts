import fs from 'node:fs';
import path from 'node:path';
import { deliveryTick } from '../../src/domain/delivery/delivery-tick.js';
import type { TestApp } from './test-app.js';

/** Writes a contacts CSV into the test's data folder and imports it into `list`. */
export async function importContacts(t: TestApp, list: string, header: string, rows: string[]): Promise<void> {
  const file = path.join(t.dataDir, `${list}-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  fs.writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
  const r = await t.run(`contacts import "${file}" --list ${list}`);
  if (!r.ok) throw new Error(r.text);
}

/** Runs a command that must succeed (as `actor`, by default the test app's admin); returns its text. */
export async function ok(t: TestApp, line: string, actor?: string): Promise<string> {
  const r = await t.run(line, actor);
  if (!r.ok) throw new Error(`${line}\n${r.text}`);
  return r.text;
}

/** The id of the campaign a `new` reply says it created ("Created C-1042 …"); throws with the reply when it says no such thing. */
export function createdId(reply: string): number {
  const match = /Created C-(\d+)/.exec(reply);
  if (!match) throw new Error(`not a reply that created a campaign:\n${reply}`);
  return Number(match[1]);
}

/** Message statuses by recipient for one campaign. */
export async function statuses(t: TestApp, campaignId: number): Promise<Record<string, string>> {
  const rows = await t.db.prisma.$queryRaw<{ recipient: string; status: string }[]>`
    SELECT recipient, status::text AS status FROM message WHERE campaign_id = ${campaignId} ORDER BY id`;
  return Object.fromEntries(rows.map((r) => [r.recipient, r.status]));
}

export async function campaignStatus(t: TestApp, campaignId: number): Promise<string> {
  return (await t.app.deps.campaigns.get(campaignId))!.status;
}

/**
 * A new email campaign to `list` with the Welcome template, run and moved to `sending` by one
 * scheduler tick, its messages still queued (the worker sends nothing until a drain).
 */
export async function sendingCampaign(t: TestApp, name: string, list: string, actor?: string): Promise<number> {
  const out = await ok(t, `new --name "${name}" --channel email --template Welcome --list ${list}`, actor);
  const id = createdId(out);
  await ok(t, `run C-${id}`, actor);
  await deliveryTick(t.app.delivery);
  const status = await campaignStatus(t, id);
  if (status !== 'sending') throw new Error(`C-${id} is ${status} after its run and a tick, not sending`);
  return id;
}

export const noPacing = { acquire: async () => {} };

import fs from 'node:fs';
import path from 'node:path';
import type { TestApp } from './test-app.js';

/** Writes a contacts CSV into the test's data folder and imports it into `list`. */
export async function importContacts(t: TestApp, list: string, header: string, rows: string[]): Promise<void> {
  const file = path.join(t.dataDir, `${list}-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  fs.writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
  const r = await t.run(`contacts import "${file}" --list ${list}`);
  if (!r.ok) throw new Error(r.text);
}

/** Runs a command that must succeed; returns its text. */
export async function ok(t: TestApp, line: string): Promise<string> {
  const r = await t.run(line);
  if (!r.ok) throw new Error(`${line}\n${r.text}`);
  return r.text;
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

export const noPacing = { acquire: async () => {} };

import crypto from 'node:crypto';
import type { Db } from './prisma-client.js';

/**
 * The link-signing secret: HERALD_SECRET when set, else generated once and kept in the database, so
 * every replica signs and verifies with the same one without any set-up.
 */
export async function signingSecret(prisma: Db, configured: string | null): Promise<string> {
  if (configured) return configured;
  const candidate = crypto.randomBytes(32).toString('base64url');
  await prisma.$executeRaw`INSERT INTO app_setting (key, value) VALUES ('signing_secret', ${candidate}) ON CONFLICT (key) DO NOTHING`;
  const rows = await prisma.$queryRaw<{ value: string }[]>`SELECT value FROM app_setting WHERE key = 'signing_secret'`;
  return rows[0]!.value;
}

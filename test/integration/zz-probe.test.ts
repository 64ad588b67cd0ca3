import fs from 'node:fs';
import { it } from 'vitest';
import { createTestApp } from '../support/test-app.js';
it('probe', async () => {
  const t = await createTestApp('embedded');
  const lines = JSON.parse(fs.readFileSync('/tmp/fz/lines.json', 'utf8')) as string[];
  for (const line of lines) {
    const r = await t.run(line);
    console.log('PROBE', JSON.stringify(line.slice(0, 150)), '=>', r.ok, JSON.stringify(r.text.slice(0, 300)));
  }
  const p = t.db.prisma as any;
  for (const [label, fn] of [
    ['model NUL', () => p.contactList.create({ data: { name: 'a\0b', createdBy: 'x' } })],
    ['model surrogate', () => p.contactList.create({ data: { name: 'a\ud800b', createdBy: 'x' } })],
    ['raw NUL', () => p.$queryRaw`SELECT ${'a\0b'}::text AS x`],
    ['rawUnsafe NUL', () => p.$queryRawUnsafe('SELECT $1::text AS x', 'a\0b')],
    ['int overflow', () => p.campaign.findMany({ where: { id: 4294967296 } })],
    ['date overflow', () => p.campaign.findMany({ where: { sendAt: { lt: new Date(8.64e15) } } })],
    ['big index', () => p.template.create({ data: { name: Array.from({ length: 20000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(''), channel: 'sms', createdBy: 'x' } })],
  ] as const) {
    try { await fn(); console.log('PROBE', label, 'ok'); } catch (e: any) { console.log('PROBE', label, e?.constructor?.name, e?.code, JSON.stringify(e?.meta), JSON.stringify(e?.cause?.code ?? e?.cause?.originalCode), String(e?.message).slice(0, 300).replace(/\n/g, ' | ')); }
  }
  await t.close();
});

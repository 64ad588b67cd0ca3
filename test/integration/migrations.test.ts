import { afterEach, describe, expect, it } from 'vitest';
import { diffMigrationsToSchema } from '../../src/adapters/db/author-migration.js';
import { applyMigrations, readMigrations, type MigrationFile } from '../../src/adapters/db/migrate.js';
import { createEmptyDatabase, ENGINES, query } from '../support/test-database.js';

const ALL = readMigrations();

describe.each(ENGINES)('migrations on %s', (engine) => {
  let db: { url: string; drop(): Promise<void> } | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('apply from empty, recording each in _prisma_migrations with its sha256 checksum; a second start applies nothing', async () => {
    db = await createEmptyDatabase(engine, 'herald_migrate');
    const first = await applyMigrations(db.url);
    expect(first.applied).toEqual(ALL.map((m) => m.name));
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      db.url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(ALL.map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
    const tables = await query<{ table_name: string }>(db.url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['campaign', 'run', 'message', 'contact', 'suppression', 'approval']));

    const second = await applyMigrations(db.url);
    expect(second).toEqual({ applied: [], alreadyApplied: ALL.length, modified: [] });
  });

  it('bring a database at the previous migration up to date, keeping its data, and report a migration edited after it was applied', async () => {
    db = await createEmptyDatabase(engine, 'herald_migrate');
    await applyMigrations(db.url, ALL.slice(0, -1));
    await query(db.url, `INSERT INTO template (name, channel, created_by, updated_at) VALUES ('Kept', 'sms', 'test', now())`);
    const report = await applyMigrations(db.url);
    expect(report.applied).toEqual([ALL[ALL.length - 1]!.name]);
    expect(await query(db.url, `SELECT name, channel FROM template`)).toEqual([{ name: 'Kept', channel: 'sms' }]);

    const edited: MigrationFile[] = ALL.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: 'x'.repeat(64) } : m));
    expect((await applyMigrations(db.url, edited)).modified).toEqual([ALL[0]!.name]);
  });

  it('roll a failing migration back whole, leaving no bookkeeping row and no half-made table', async () => {
    db = await createEmptyDatabase(engine, 'herald_migrate');
    await applyMigrations(db.url);
    const broken: MigrationFile = { name: '99999999999999_broken', sql: 'CREATE TABLE half_made (id int); SELECT no_such_function();', checksum: 'b'.repeat(64) };
    await expect(applyMigrations(db.url, [...ALL, broken])).rejects.toThrow(/99999999999999_broken failed and was rolled back/);
    expect(await query(db.url, "SELECT 1 FROM \"_prisma_migrations\" WHERE migration_name = '99999999999999_broken'")).toHaveLength(0);
    expect(await query(db.url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_made'")).toHaveLength(0);
  });

  it('let two start-ups migrate at once without applying anything twice', async () => {
    db = await createEmptyDatabase(engine, 'herald_migrate');
    const [a, b] = await Promise.all([applyMigrations(db.url), applyMigrations(db.url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(ALL.map((m) => m.name));
    expect(await query(db.url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(ALL.length);
  });
});

describe('migration authoring', () => {
  it('finds no difference between prisma/schema.prisma and the committed migrations (offline, wasm schema engine)', async () => {
    expect(await diffMigrationsToSchema()).toBe('');
  });
});

/**
 * Fuzz of the console against a real database (issue 13). What it covers:
 * - the same generated lines as the grammar fuzz (test/support/fuzz-lines.ts: every subcommand,
 *   positional and flag of the command table, plausible or hostile values: NULs and other controls,
 *   lone surrogates, noncharacters, numbers past every integer type, 3,000-character and 100 kB
 *   words, quotes, unicode, empty), run as sequences through the command handler the console and
 *   Slack share (test/support/test-app.ts: the real wiring, the embedded PostgreSQL, local
 *   captures), after seeding a list with contacts, email and SMS templates, a segment and campaigns
 *   in several statuses so lines reach the domain and the database, not only the grammar;
 * - after every line: the reply has text, shows no stack trace, Prisma or driver text, never
 *   the generic "Something went wrong", and no raw control or invalid character (echoes are escaped); a refusal changes nothing (row counts and versions of
 *   every table are the same before and after it, except the documented partial outcomes below);
 * - after every sequence: the database is consistent: each recorded status change is a transition
 *   of the table and the last one is the campaign's status; scheduled and recurring campaigns
 *   have what they need; template versions run 1..current; messages belong to their run's campaign;
 * - seeded (FUZZ_SEED overrides it; FUZZ_SEQUENCES the number of sequences), bounded in runs and
 *   in time; the figures are printed at the end.
 * Not covered here: files that are devices or huge, CSV contents (test/integration/contacts.test.ts
 * and the CSV tests), the Slack edge (forms validate through the same value schemas).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSITIONS } from '../../src/domain/campaign/campaign-status.js';
import { findInvalidCharacter } from '../../src/domain/text/invalid-characters.js';
import { LEAK, commandLine } from '../support/fuzz-lines.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const SEED = Number(process.env.FUZZ_SEED ?? 1313);
const SEQUENCES = Number(process.env.FUZZ_SEQUENCES ?? 200);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_MS ?? 45_000);

const SEED_SCRIPT = [
  'contacts import test/fixtures/contacts-tour.csv --list Newsletter',
  'lists create VIP --description "Best customers"',
  'templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@example.com',
  'templates create "SMS hello" --channel sms --text "Hi {{ first_name }}"',
  'segments create "Pro users" --where plan=pro',
  'new --name "Spring sale" --channel email --template Welcome --list Newsletter',
  'new --name "Later" --channel email --template Welcome --list Newsletter --launch scheduled --at "2026-12-01 09:00"',
  'new --name "Weekly" --channel sms --template "SMS hello" --list Newsletter --launch recurring --cron "0 9 * * 1"',
  'new --name "Manual" --channel email --template Welcome --list Newsletter --launch manual',
  'new --name "Draft only" --channel email',
];

/** Row counts and version sums of every table a command may write. */
async function fingerprint(t: TestApp): Promise<string> {
  const { rows } = await t.db.pool.query(`
    SELECT (SELECT count(*) FROM campaign) AS campaigns, (SELECT count(*) FROM campaign WHERE deleted_at IS NOT NULL) AS deleted_campaigns,
           (SELECT coalesce(sum(version), 0) FROM campaign) AS campaign_versions, (SELECT string_agg(status::text, ',' ORDER BY id) FROM campaign) AS statuses,
           (SELECT count(*) FROM campaign_segment) AS campaign_segments, (SELECT count(*) FROM variant) AS variants,
           (SELECT count(*) FROM template) AS templates, (SELECT count(*) FROM template WHERE deleted_at IS NOT NULL) AS deleted_templates,
           (SELECT count(*) FROM template_version) AS template_versions,
           (SELECT count(*) FROM contact) AS contacts, (SELECT count(*) FROM contact_list) AS lists, (SELECT count(*) FROM contact_list WHERE deleted_at IS NOT NULL) AS deleted_lists,
           (SELECT count(*) FROM list_member) AS members, (SELECT count(*) FROM segment) AS segments, (SELECT count(*) FROM segment WHERE deleted_at IS NOT NULL) AS deleted_segments,
           (SELECT count(*) FROM run) AS runs, (SELECT count(*) FROM message) AS messages, (SELECT count(*) FROM activity) AS activities,
           (SELECT count(*) FROM approval) AS approvals, (SELECT count(*) FROM link) AS links, (SELECT count(*) FROM suppression) AS suppressions`);
  return JSON.stringify(rows[0]);
}

/** Problems with the database as a whole; empty when consistent. */
async function inconsistencies(t: TestApp): Promise<string[]> {
  const problems: string[] = [];
  const q = async (sql: string) => (await t.db.pool.query(sql)).rows as Record<string, unknown>[];
  for (const row of await q(`SELECT campaign_id, transition, from_status::text AS "from", to_status::text AS "to" FROM activity WHERE transition IS NOT NULL`)) {
    const rule = (TRANSITIONS as Record<string, { from: readonly string[]; to: readonly string[] }>)[row.transition as string];
    if (!rule) problems.push(`C-${row.campaign_id}: unknown transition ${String(row.transition)}`);
    else if (!rule.from.includes(row.from as string) || !rule.to.includes(row.to as string)) problems.push(`C-${row.campaign_id}: ${String(row.transition)} recorded ${String(row.from)} -> ${String(row.to)}`);
  }
  for (const row of await q(`
      SELECT c.id, c.status::text AS status, last.to_status::text AS last
      FROM campaign c
      JOIN LATERAL (SELECT to_status FROM activity a WHERE a.campaign_id = c.id AND a.to_status IS NOT NULL ORDER BY a.created_at DESC, a.id DESC LIMIT 1) last ON true
      WHERE last.to_status <> c.status`)) {
    problems.push(`C-${row.id} is ${String(row.status)} but its last recorded change went to ${String(row.last)}`);
  }
  for (const row of await q(`SELECT id, status::text AS status, launch_type::text AS launch FROM campaign
      WHERE deleted_at IS NULL AND ((status = 'scheduled' AND next_run_at IS NULL) OR (launch_type = 'recurring' AND cron IS NULL AND status <> 'draft')
         OR (launch_type = 'scheduled' AND status = 'scheduled' AND send_at IS NULL) OR (status NOT IN ('draft') AND (template_id IS NULL OR list_id IS NULL)) OR version < 1)`)) {
    problems.push(`C-${row.id} is ${String(row.status)} (${String(row.launch)}) without what that needs`);
  }
  for (const row of await q(`SELECT t.name, t.current_version, count(v.id)::int AS versions, max(v.version) AS top FROM template t LEFT JOIN template_version v ON v.template_id = t.id
      GROUP BY t.id HAVING count(v.id) <> t.current_version OR max(v.version) <> t.current_version`)) {
    problems.push(`template ${JSON.stringify(row.name)} is at version ${String(row.current_version)} with ${String(row.versions)} versions (top ${String(row.top)})`);
  }
  for (const row of await q(`SELECT m.id FROM message m JOIN run r ON r.id = m.run_id WHERE r.campaign_id <> m.campaign_id LIMIT 5`)) {
    problems.push(`message ${String(row.id)} belongs to another campaign than its run`);
  }
  for (const row of await q(`SELECT id, name FROM contact_list WHERE deleted_at IS NULL AND name = ''`)) problems.push(`list ${String(row.id)} has an empty name`);
  return problems;
}

/**
 * Refusals that legitimately leave something behind: an import whose file has bad rows keeps the
 * good ones (and says so); a launch the domain refuses moves the campaign to failed or rejected
 * with its reasons (that is the refusal).
 */
function mayChangeOnRefusal(line: string, text: string): boolean {
  return /^\s*(\/campaign\s+)?contacts\s+import\b/i.test(line) || /\b(failed|rejected)\b/i.test(text);
}

describe(`console fuzz on the embedded database (seed ${SEED})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('embedded');
    for (const line of SEED_SCRIPT) await t.run(line);
    expect(await inconsistencies(t)).toEqual([]);
  });
  afterAll(async () => t?.close());

  it('answers every line specifically, without a stack or a generic error, changes nothing on a refusal, and leaves the database consistent', async () => {
    const started = performance.now();
    const figures = { sequences: 0, lines: 0, ok: 0, refused: 0, slowestMs: 0, slowest: '' };
    await fc.assert(
      fc.asyncProperty(fc.array(commandLine, { minLength: 5, maxLength: 30 }), async (lines) => {
        figures.sequences += 1;
        for (const line of lines) {
          const before = await fingerprint(t);
          const at = performance.now();
          const reply = await t.run(line, 'fuzzer');
          const took = performance.now() - at;
          if (took > figures.slowestMs) Object.assign(figures, { slowestMs: Math.round(took), slowest: line.slice(0, 80) });
          figures.lines += 1;
          const shown = `${JSON.stringify(line.slice(0, 200))} -> ${JSON.stringify(reply.text.slice(0, 400))}`;
          expect(reply.text.trim().length, shown).toBeGreaterThan(0);
          expect(reply.text, shown).not.toMatch(LEAK);
          expect(findInvalidCharacter(reply.text, { multiline: true }), `raw control or invalid character in ${shown}`).toBeNull();
          if (reply.ok) {
            figures.ok += 1;
            continue;
          }
          figures.refused += 1;
          if (!mayChangeOnRefusal(line, reply.text)) expect(await fingerprint(t), `refusal changed the database: ${shown}`).toBe(before);
        }
        expect(await inconsistencies(t), lines.map((l) => JSON.stringify(l.slice(0, 120))).join('\n')).toEqual([]);
      }),
      { seed: SEED, numRuns: SEQUENCES, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(`console fuzz: seed ${SEED}, ${figures.sequences} sequences, ${figures.lines} lines (${figures.ok} ok, ${figures.refused} refused) in ${seconds} s; slowest ${figures.slowestMs} ms: ${figures.slowest}`);
    expect(figures.lines).toBeGreaterThan(1000);
    expect(figures.ok).toBeGreaterThan(figures.lines / 20);
  }, TIME_LIMIT_MS + 75_000);
});

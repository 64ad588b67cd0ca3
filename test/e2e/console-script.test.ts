import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runHerald, tempDir } from '../support/herald-process.js';

const dataDir = tempDir('herald-console-');
const runConsole = (script: string) => runHerald(script, { HERALD_DATA_DIR: dataDir, HERALD_ACTOR: 'script' });

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('console driven by a script on stdin', () => {
  it('answers help and exits 0 at end of input', async () => {
    const { code, stdout } = await runConsole('/campaign help\n');
    expect(code).toBe(0);
    for (const sub of ['list', 'show', 'new', 'edit', 'preview', 'test', 'clone', 'run', 'pause', 'resume', 'stop', 'cancel', 'delete', 'retry', 'messages', 'export', 'stats', 'compare', 'calendar', 'activity', 'links', 'digest', 'contacts', 'lists', 'templates']) {
      expect(stdout).toContain(`/campaign ${sub}`);
    }
    expect(stdout).not.toContain('*Campaigns*');
  });

  it('imports contacts, creates a template and a campaign, schedules, pauses, resumes, cancels and prints the log; the data survives a restart', async () => {
    const csv = path.join(ROOT, 'test/fixtures/contacts-tour.csv');
    // A send time a week from the real clock (this test runs the real process), in the zone it names.
    const sendAt = DateTime.now().setZone('Europe/Paris').plus({ days: 7 }).toFormat('yyyy-MM-dd HH:mm');
    const script = [
      `/campaign contacts import ${csv} --list Newsletter`,
      '/campaign templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@example.com',
      '/campaign new --name "Winter sale" --channel email --template Welcome --list Newsletter',
      `/campaign schedule C-1001 --at "${sendAt}" --tz Europe/Paris`,
      '/campaign pause C-1001',
      '/campaign resume C-1001',
      '/campaign cancel C-1001 --confirm C-1001',
      '/campaign activity C-1001',
    ].join('\n');
    const first = await runConsole(`${script}\n`);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1); // the CSV has bad rows on purpose
    expect(first.stdout).toMatch(/line \d+: invalid email/);
    expect(first.stdout).toMatch(/Status:\s+cancelled/);
    expect(first.stdout).toMatch(/scheduled -> paused/);
    expect(first.stdout).toMatch(/paused -> scheduled/);
    expect(first.stdout).toMatch(/scheduled -> cancelled/);
    // The notifications, one plain line each as they happen (issue 12), in the account's zone.
    expect(first.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] C-1001 "Winter sale": ready → scheduled by script\.$/m);
    expect(first.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] C-1001 "Winter sale": scheduled → cancelled by script/m);

    const second = await runConsole('/campaign show C-1001\n/campaign lists\n');
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toMatch(/Status:\s+cancelled/);
    expect(second.stdout).toContain('Newsletter');
  });

  it('answers bad input with specific errors and a non-zero exit, changing nothing', async () => {
    const { code, stdout } = await runConsole('/campaign frobnicate\n/campaign pause C-999999\n/campaign new --name X --channel fax\n');
    expect(code).toBe(1);
    expect(stdout).toContain('Unknown subcommand "frobnicate"');
    expect(stdout).toContain('Campaign C-999999 does not exist');
    expect(stdout).toContain('Unknown channel "fax". This Herald sends on email, sms.');
  });
});

import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/commands/grammar/parse-command.js';
import { createRoleResolver, hasRole, roleFor } from '../../../src/slack/roles.js';
import { campaignFormLine, fieldForError } from '../../../src/slack/campaign-form-line.js';
import { FIELDS } from '../../../src/slack/ids.js';
import { FixedClock } from '../../fakes/fixed-clock.js';

describe('roles', () => {
  it('maps subcommands to the role they need', () => {
    const need = (line: string) => roleFor(parseCommand(line));
    expect(need('list')).toBe('viewer');
    expect(need('show C-1')).toBe('viewer');
    expect(need('templates show Welcome')).toBe('viewer');
    expect(need('pause C-1')).toBe('marketer');
    expect(need('retry C-1 --all')).toBe('marketer');
    expect(need('approve A-1')).toBe('approver');
    expect(need('contacts import /etc/passwd --list X')).toBe('admin');
    expect(need('templates edit Welcome --html-file /etc/passwd')).toBe('admin');
    expect(hasRole('approver', 'marketer')).toBe(true);
    expect(hasRole('viewer', 'marketer')).toBe(false);
  });

  it('resolves user groups through Slack, caches them for the TTL, and fails closed', async () => {
    const clock = new FixedClock(new Date('2026-11-22T10:00:00Z'));
    let calls = 0;
    let members = ['U2'];
    const roleOf = createRoleResolver({
      config: { roles: { admin: ['U1'], approver: [], marketer: ['S1'], viewer: ['SBROKEN'] }, defaultRole: 'none' },
      members: async (group) => {
        calls += 1;
        if (group === 'SBROKEN') throw new Error('missing_scope');
        return members;
      },
      clock,
      ttlMs: 60_000,
    });
    expect(await roleOf('U1')).toBe('admin');
    expect(await roleOf('U2')).toBe('marketer');
    members = [];
    expect(await roleOf('U2')).toBe('marketer');
    clock.advance(61_000);
    expect(await roleOf('U2')).toBe('none');
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});

describe('campaign form → command line', () => {
  it('builds a quoted `new` line and checks that date and time go together', () => {
    const v = (value: string) => ({ type: 'plain_text_input', value });
    const built = campaignFormLine({ f_name: { name: v('Spring "big" sale') }, f_tags: { tags: v('promo') }, f_date: { date: { type: 'datepicker', selected_date: '2026-12-01' } }, f_time: { time: { type: 'timepicker', selected_time: '09:00' } }, f_tz: { tz: v('Europe/Paris') } });
    expect(built).toEqual({ line: 'new --name "Spring \\"big\\" sale" --at "2026-12-01 09:00" --tz "Europe/Paris" --tags "promo"', changed: true });
    expect(campaignFormLine({ f_date: { date: { type: 'datepicker', selected_date: '2026-12-01' } } })).toEqual({ errors: { [FIELDS.time.block]: 'Pick a time as well as the date.' } });
  });

  it('maps command-layer errors to the field they name', () => {
    expect(fieldForError('Invalid input: --at "2020-01-01 09:00" (UTC) is in the past.')).toBe(FIELDS.date.block);
    expect(fieldForError('Not found: No list named "Nope". Known lists: Newsletter.')).toBe(FIELDS.list.block);
    expect(fieldForError('--ttl applies to SMS campaigns only.')).toBe(FIELDS.ttl.block);
    expect(fieldForError('Something odd')).toBe(FIELDS.name.block);
  });
});

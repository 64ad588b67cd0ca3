import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/commands/grammar/parse-command.js';
import { createRoleResolver, hasRole, roleFor } from '../../../src/slack/roles.js';
import { campaignFormCommand } from '../../../src/slack/campaign-form-command.js';
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

describe('campaign form → typed command', () => {
  const v = (value: string) => ({ type: 'plain_text_input', value });

  it('builds a typed `new` command through the grammar schemas, no text line in between', () => {
    const built = campaignFormCommand({ f_name: { name: v('Spring "big" sale') }, f_channel: { channel: { type: 'static_select', selected_option: { value: 'email' } } }, f_tags: { tags: v('Promo, spring') }, f_date: { date: { type: 'datepicker', selected_date: '2026-12-01' } }, f_time: { time: { type: 'timepicker', selected_time: '09:00' } }, f_tz: { tz: v('Europe/Paris') }, f_ttl: { ttl: v('4h') } });
    expect(built).toEqual({ command: { name: 'new', campaignName: 'Spring "big" sale', channel: 'email', at: '2026-12-01T09:00', tz: 'Europe/Paris', tags: ['promo', 'spring'], ttlSeconds: 14_400 } });
    expect(campaignFormCommand({ f_date: { date: { type: 'datepicker', selected_date: '2026-12-01' } } })).toEqual({ errors: { [FIELDS.time.block]: 'Pick a time as well as the date.' } });
  });

  it('puts every value the schemas refuse under its own block', () => {
    const built = campaignFormCommand({ f_name: { name: v('X') }, f_channel: { channel: { type: 'static_select', selected_option: { value: 'email' } } }, f_tz: { tz: v('Mars/Olympus') }, f_ttl: { ttl: v('forever') }, f_variants: { variants: v('A:Welcome:70\nB-no-weight') }, f_cron: { cron: v('0 9') } });
    expect('errors' in built && Object.keys(built.errors).sort()).toEqual([FIELDS.cron.block, FIELDS.ttl.block, FIELDS.tz.block, FIELDS.variants.block].sort());
    if (!('errors' in built)) return;
    expect(built.errors[FIELDS.tz.block]).toMatch(/^Must be an IANA time zone/);
    expect(built.errors[FIELDS.ttl.block]).toMatch(/^Must be a duration/);
    expect(built.errors[FIELDS.variants.block]).toMatch(/LABEL:TEMPLATE:WEIGHT/);
    expect(Object.values(built.errors).join(' ')).not.toMatch(/--/);
  });
});

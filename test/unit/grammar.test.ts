import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_SCHEMAS, SUBCOMMANDS, commandKey, findSubcommand, subcommandOf } from '../../src/commands/grammar/commands.js';
import { helpText } from '../../src/commands/grammar/help.js';
import { CommandSyntaxError, parseCommand } from '../../src/commands/grammar/parse-command.js';
import type { CommandSyntaxErrorCode } from '../../src/commands/grammar/parse-command.js';
import { tokenize, UnterminatedQuoteError } from '../../src/commands/grammar/tokenize.js';

function syntaxError(line: string): CommandSyntaxError {
  try {
    parseCommand(line);
  } catch (error) {
    if (error instanceof CommandSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected "${line}" not to parse`);
}

function expectError(line: string, code: CommandSyntaxErrorCode, ...mentions: string[]): CommandSyntaxError {
  const error = syntaxError(line);
  expect(error.code, error.message).toBe(code);
  for (const mention of mentions) expect(error.message).toContain(mention);
  expect(error.message).not.toMatch(/"code":|"path":|invalid_type/);
  return error;
}

describe('every subcommand', () => {
  it.each(SUBCOMMANDS.map((spec) => [spec.key, spec.example] as const))('%s parses its example', (key, example) => {
    const command = parseCommand(example);
    expect(commandKey(command)).toBe(key);
    expect(parseCommand(`/campaign ${example}`)).toEqual(command);
  });

  it('has exactly one table entry per schema, and usage lines that name every flag', () => {
    expect(SUBCOMMANDS.map((s) => s.key).sort()).toEqual(Object.keys(COMMAND_SCHEMAS).sort());
    for (const spec of SUBCOMMANDS) {
      expect(spec.usage.startsWith(spec.name), spec.key).toBe(true);
      expect(spec.usage).not.toContain('\n');
      for (const flag of spec.flags) expect(spec.usage, `${spec.key} --${flag.flag}`).toContain(`--${flag.flag}`);
      for (const arg of spec.positionals) expect(spec.usage, `${spec.key} ${arg.label}`).toContain(arg.label);
    }
  });

  it('marks every subcommand available (digest was the last to arrive)', () => {
    const later = SUBCOMMANDS.filter((s) => !s.available).map((s) => s.key).sort();
    expect(later).toEqual([]);
    expect(subcommandOf(parseCommand('pause 1')).available).toBe(true);
    expect(subcommandOf(parseCommand('digest')).available).toBe(true);
  });

  it('reads digest’s --date as a real day and --post as a switch, and refuses days that do not exist', () => {
    expect(parseCommand('digest')).toEqual({ name: 'digest' });
    expect(parseCommand('digest --date 2026-03-29 --post')).toEqual({ name: 'digest', date: '2026-03-29', post: true });
    expect(() => parseCommand('digest --date 2026-02-30')).toThrow(/--date is not a real date: 2026-02 has 28 days \(got "2026-02-30"\)/);
    expect(() => parseCommand('digest --date 2026-13-01')).toThrow(/--date has no month 13/);
    expect(() => parseCommand('digest --date yesterday')).toThrow(/--date must be a day as YYYY-MM-DD, such as 2026-12-01 \(got "yesterday"\)/);
    expect(() => parseCommand('digest --date "2026-12-01 09:00"')).toThrow(/--date must be a day as YYYY-MM-DD/);
  });
});

describe('ids and shapes', () => {
  it.each(['C-1042', 'c-1042', '1042'])('normalises campaign id %s to 1042', (id) => {
    expect(parseCommand(`pause ${id}`)).toEqual({ name: 'pause', campaignId: 1042 });
  });

  it('reads approval ids with or without A-', () => {
    expect(parseCommand('approve A-12')).toEqual({ name: 'approve', approvalId: 12 });
    expect(parseCommand('deny 12 --reason "let it finish"')).toEqual({ name: 'deny', approvalId: 12, reason: 'let it finish' });
  });

  it('leaves absent optional flags out of the command', () => {
    const command = parseCommand('stop C-7');
    expect(command).toEqual({ name: 'stop', campaignId: 7 });
    expect(Object.keys(command)).not.toContain('reason');
  });

  it('builds a full new command', () => {
    const line =
      'new --name "Spring sale" --channel SMS --description "" --tags " Spring,PROMO,,spring " --template Welcome --list Newsletter ' +
      '--include vip --include "Big spenders" --exclude churned --filter plan=pro --filter "city~new york" --filter !has:email ' +
      '--launch recurring --cron "0 9 * * 1-5" --tz Europe/London --ttl 4h --variant A:Welcome:70 --variant "B:Welcome: v2:30"';
    expect(parseCommand(line)).toEqual({
      name: 'new',
      campaignName: 'Spring sale',
      channel: 'sms',
      description: '',
      tags: ['spring', 'promo'],
      template: 'Welcome',
      list: 'Newsletter',
      include: ['vip', 'Big spenders'],
      exclude: ['churned'],
      filter: [
        { field: 'plan', op: 'eq', value: 'pro' },
        { field: 'city', op: 'contains', value: 'new york' },
        { field: 'email', op: 'not_exists' },
      ],
      launch: 'recurring',
      cron: '0 9 * * 1-5',
      tz: 'Europe/London',
      ttlSeconds: 14_400,
      variants: [
        { label: 'A', template: 'Welcome', weight: 70 },
        { label: 'B', template: 'Welcome: v2', weight: 30 },
      ],
    });
  });

  it('parses edit switches, list filters and defaults', () => {
    expect(parseCommand('edit 5 --clear-filter --clear-variants --name New')).toEqual({ name: 'edit', campaignId: 5, campaignName: 'New', clearFilter: true, clearVariants: true });
    expect(parseCommand('list spring sale --status draft,READY --tag VIP --page 2')).toEqual({ name: 'list', search: 'spring sale', status: ['draft', 'ready'], tag: 'vip', page: 2 });
    expect(parseCommand('list --search spring')).toEqual({ name: 'list', search: 'spring' });
    expect(parseCommand('calendar')).toEqual({ name: 'calendar', days: 30 });
    expect(parseCommand('retry C-9 --message M-5531 --message 5532')).toEqual({ name: 'retry', campaignId: 9, messageIds: [5531, 5532] });
    expect(parseCommand('compare 1 C-2 c-3')).toEqual({ name: 'compare', campaignIds: [1, 2, 3] });
    expect(parseCommand('cancel C-5 --confirm c-5')).toEqual({ name: 'cancel', campaignId: 5, confirm: 'c-5' });
  });

  it('routes grouped subcommands by action, with list as the default', () => {
    expect(parseCommand('lists')).toEqual({ name: 'lists', action: 'list' });
    expect(parseCommand('segments list')).toEqual({ name: 'segments', action: 'list' });
    expect(parseCommand('TEMPLATES Show "Spring promo"')).toEqual({ name: 'templates', action: 'show', templateName: 'Spring promo' });
    expect(parseCommand('links C-3')).toEqual({ name: 'links', action: 'list', campaignId: 3 });
    expect(parseCommand('links C-3 edit L-4 --url https://example.com/a?b=1')).toEqual({ name: 'links', action: 'edit', campaignId: 3, linkId: 4, url: 'https://example.com/a?b=1' });
    expect(parseCommand('segments create Pros --where "plan = pro" --where age>=18 --match any')).toEqual({
      name: 'segments',
      action: 'create',
      segmentName: 'Pros',
      where: [
        { field: 'plan', op: 'eq', value: 'pro' },
        { field: 'age', op: 'gte', value: '18' },
      ],
      match: 'any',
    });
  });

  it('turns --help, -h and help <topic> into a help command', () => {
    expect(parseCommand('help')).toEqual({ name: 'help' });
    expect(parseCommand('help lists create')).toEqual({ name: 'help', subcommand: 'lists create' });
    expect(parseCommand('pause --help')).toEqual({ name: 'help', subcommand: 'pause' });
    expect(parseCommand('new -h')).toEqual({ name: 'help', subcommand: 'new' });
    expect(parseCommand('contacts --help')).toEqual({ name: 'help', subcommand: 'contacts' });
  });
});

describe('value formats', () => {
  it.each([
    ['2026-03-01 09:00', '2026-03-01T09:00'],
    ['2026-03-01T09:00:30', '2026-03-01T09:00:30'],
    ['2026-03-01 9:05', '2026-03-01T09:05'],
    ['2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z'],
    ['2026-03-01T09:00:00.250+05:30', '2026-03-01T09:00:00.250+05:30'],
  ])('accepts --at %s', (at, expected) => {
    expect(parseCommand(`schedule 1 --at "${at}"`)).toMatchObject({ at: expected });
  });

  it('joins an unquoted --at date and time, and an unquoted --cron', () => {
    expect(parseCommand('schedule 1 --at 2026-03-01 09:00 --tz America/New_York')).toEqual({ name: 'schedule', campaignId: 1, at: '2026-03-01T09:00', tz: 'America/New_York' });
    expect(parseCommand('schedule 1 --cron 0 9 * * MON-FRI')).toEqual({ name: 'schedule', campaignId: 1, cron: '0 9 * * MON-FRI' });
  });

  it.each([
    ['2026-02-30 10:00', '2026-02 has 28 days'],
    ['2026-13-01 10:00', 'no month 13'],
    ['2026-03-01 24:00', 'not a real time'],
    ['tomorrow', 'YYYY-MM-DD HH:mm'],
    ['2026-03-01', 'YYYY-MM-DD HH:mm'],
  ])('refuses --at %s', (at, why) => {
    expectError(`schedule 1 --at "${at}"`, 'INVALID_VALUE', '--at', why, JSON.stringify(at));
  });

  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['4h', 14_400],
    ['2d', 172_800],
    ['600', 600],
    ['14d', 1_209_600],
  ])('reads --ttl %s as %i seconds', (ttl, seconds) => {
    expect(parseCommand(`edit 1 --ttl ${ttl}`)).toMatchObject({ ttlSeconds: seconds });
  });

  it('checks durations, zones, crons, conditions, variants, emails and urls', () => {
    expectError('edit 1 --ttl 0', 'INVALID_VALUE', '--ttl', '1209600');
    expectError('edit 1 --ttl 15d', 'INVALID_VALUE', '--ttl', '"15d"');
    expectError('edit 1 --ttl soon', 'INVALID_VALUE', '--ttl', '90s');
    expectError('edit 1 --tz Mars/Olympus', 'INVALID_VALUE', '--tz', 'IANA', '"Mars/Olympus"');
    expectError('schedule 1 --cron "0 9 * *"', 'INVALID_VALUE', '--cron', '5 or 6 fields', '4 fields');
    expectError('edit 1 --filter plan', 'INVALID_VALUE', '--filter', '"plan"');
    expectError('edit 1 --filter 9lives=yes', 'INVALID_VALUE', '--filter', '"9lives"');
    expectError('edit 1 --filter "age<"', 'INVALID_VALUE', '--filter', 'needs a value after "<"');
    expectError('edit 1 --variant A:Welcome', 'INVALID_VALUE', '--variant', 'LABEL:TEMPLATE:WEIGHT');
    expectError('edit 1 --variant A:Welcome:101', 'INVALID_VALUE', '--variant', '1 to 100', '"101"');
    expectError('templates create W --channel email --from-email nobody', 'INVALID_VALUE', '--from-email', '"nobody"');
    expectError('links 1 edit 2 --url javascript:alert(1)', 'INVALID_VALUE', '--url', 'http');
    expect(parseCommand('edit 1 --filter plan= --filter "plan!=" --filter age<30 --filter age<=30 --filter age>30 --filter has:phone')).toMatchObject({
      filter: [
        { field: 'plan', op: 'eq', value: '' },
        { field: 'plan', op: 'neq', value: '' },
        { field: 'age', op: 'lt', value: '30' },
        { field: 'age', op: 'lte', value: '30' },
        { field: 'age', op: 'gt', value: '30' },
        { field: 'phone', op: 'exists' },
      ],
    });
  });
});

describe('tokens', () => {
  it('groups double and single quotes, with backslash escapes inside double quotes', () => {
    expect(parseCommand(`pause 1 --reason "say \\"hi\\" \\\\ now"`)).toMatchObject({ reason: 'say "hi" \\ now' });
    expect(parseCommand(`pause 1 --reason 'it is "fine" \\n'`)).toMatchObject({ reason: 'it is "fine" \\n' });
    expect(parseCommand('pause 1 --reason "C:\\temp\\x"')).toMatchObject({ reason: 'C:\\temp\\x' });
  });

  it('accepts --flag=value, with quotes after the equals sign', () => {
    expect(parseCommand('new --name="Spring sale" --channel=email')).toEqual({ name: 'new', campaignName: 'Spring sale', channel: 'email' });
    expect(parseCommand('edit 1 --description=')).toEqual({ name: 'edit', campaignId: 1, description: '' });
  });

  it('treats a quoted --word as a value, and -- as the end of flags', () => {
    expect(parseCommand('pause 1 --reason "--force"')).toMatchObject({ reason: '--force' });
    expect(parseCommand('list -- --status')).toEqual({ name: 'list', search: '--status' });
  });

  it('accepts Slack smart quotes and dashes', () => {
    expect(parseCommand('new —name “Spring sale” –channel email')).toEqual({ name: 'new', campaignName: 'Spring sale', channel: 'email' });
    expect(parseCommand('pause 1 --reason ‘don’t send’')).toMatchObject({ reason: 'don’t send' });
    expect(parseCommand('pause 1 --reason don’t')).toMatchObject({ reason: 'don’t' });
  });

  it('drops only an unquoted leading /campaign and reports columns', () => {
    expect(tokenize('/campaign pause "C-1"')).toEqual([
      { kind: 'word', value: 'pause', column: 11, quoted: false },
      { kind: 'word', value: 'C-1', column: 17, quoted: true },
    ]);
    expect(tokenize('"/campaign" x')[0]).toMatchObject({ kind: 'word', value: '/campaign' });
    expect(tokenize('--at=2026 -x')).toEqual([
      { kind: 'flag', name: 'at', value: '2026', column: 1, raw: '--at=2026' },
      { kind: 'word', value: '-x', column: 11, quoted: false },
    ]);
    expect(() => tokenize('pause "x')).toThrow(UnterminatedQuoteError);
  });
});

describe('errors name the culprit', () => {
  it('EMPTY', () => {
    for (const line of ['', '   ', '/campaign']) {
      const error = expectError(line, 'EMPTY');
      expect(error.usage).toContain('pause');
    }
  });

  it('UNKNOWN_SUBCOMMAND with a suggestion within two edits', () => {
    const error = expectError('puase C-1', 'UNKNOWN_SUBCOMMAND', '"puase"', 'Did you mean "pause"?');
    expect(error.details.suggestion).toBe('pause');
    expect(error.usage).toContain('templates');
    expect(expectError('frobnicate', 'UNKNOWN_SUBCOMMAND', '"frobnicate"').message).not.toContain('Did you mean');
    expectError('lists creat X', 'UNKNOWN_SUBCOMMAND', '"creat"', 'Did you mean "lists create"?');
    expectError('help puase', 'UNKNOWN_SUBCOMMAND', '"puase"', 'Did you mean "pause"?');
  });

  it('UNKNOWN_FLAG', () => {
    const error = expectError('new --name X --chanel email', 'UNKNOWN_FLAG', '--chanel', 'Did you mean --channel?');
    expect(error.usage).toBe(`/campaign ${findSubcommand('new')?.usage}`);
    expectError('run 1 --force', 'UNKNOWN_FLAG', '--force', 'takes no flags');
    expectError('pause -r x 1', 'UNKNOWN_FLAG', '-r', 'two dashes');
  });

  it('MISSING_ARGUMENT', () => {
    expectError('pause', 'MISSING_ARGUMENT', '<id>');
    expectError('new --channel email', 'MISSING_ARGUMENT', '--name');
    expectError('new --name X', 'MISSING_ARGUMENT', '--channel');
    expectError('pause 1 --reason', 'MISSING_ARGUMENT', '--reason needs a value');
    expectError('new --name --channel email', 'MISSING_ARGUMENT', '--name needs a value');
    expectError('edit C-5', 'MISSING_ARGUMENT', 'Nothing to change', 'C-5');
    expectError('templates edit Welcome', 'MISSING_ARGUMENT', 'Nothing to change', 'Welcome');
    expectError('templates edit Welcome --confirm', 'MISSING_ARGUMENT', 'Nothing to change');
    expectError('schedule 1 --tz UTC', 'MISSING_ARGUMENT', '--at', '--cron');
    expectError('compare C-1', 'MISSING_ARGUMENT', 'at least two');
    expectError('contacts', 'MISSING_ARGUMENT', 'import', 'show');
    expectError('contacts import a.csv', 'MISSING_ARGUMENT', '--list');
    expectError('segments create Pros', 'MISSING_ARGUMENT', '--where');
    expectError('test 1', 'MISSING_ARGUMENT', '--to');
    expectError('links 1 edit 2', 'MISSING_ARGUMENT', '--url');
  });

  it('UNEXPECTED_ARGUMENT', () => {
    expectError('pause 1 2', 'UNEXPECTED_ARGUMENT', '"2"', '<id>');
    expectError('digest now', 'UNEXPECTED_ARGUMENT', '"now"', 'no arguments');
    expectError('new --name Spring sale --channel email', 'UNEXPECTED_ARGUMENT', '"sale"', '--name "Spring sale"');
    expectError('retry 1 --all=yes', 'UNEXPECTED_ARGUMENT', '--all', '"yes"');
    expectError('retry 1 --all --message 5', 'UNEXPECTED_ARGUMENT', '--message', '--all');
    expectError('schedule 1 --at "2026-03-01 09:00" --cron "0 9 * * 1"', 'UNEXPECTED_ARGUMENT', '--at', '--cron');
    expectError('templates create W --channel sms --subject Hi', 'UNEXPECTED_ARGUMENT', '--subject');
    expectError('templates create W --channel email --sms-sender Herald', 'UNEXPECTED_ARGUMENT', '--sms-sender');
    expectError('templates edit W --html "<p>x</p>" --html-file a.html', 'UNEXPECTED_ARGUMENT', '--html', '--html-file');
  });

  it('INVALID_VALUE', () => {
    const error = expectError('new --name X --channel "fax!"', 'INVALID_VALUE');
    expect(error.message).toBe('--channel must be a channel name such as email or sms (letters, digits, _ and -; got "fax!")');
    // A channel is any provider's name: the grammar checks its shape, the domain whether it exists
    // (test/integration/custom-channel.test.ts: "Unknown channel "emial"; did you mean "email"?").
    expect(parseCommand('new --name X --channel emial')).toMatchObject({ channel: 'emial' });
    expectError('pause C-abc', 'INVALID_VALUE', '<id>', '"C-abc"');
    expectError('pause C-0', 'INVALID_VALUE', '<id>', '"C-0"');
    expectError('approve C-12', 'INVALID_VALUE', '<approval-id>', '"C-12"');
    expectError('list --status draft,sent', 'INVALID_VALUE', '--status', '"sent"');
    expectError('messages 1 --status delivred', 'INVALID_VALUE', '--status', 'did you mean "delivered"?');
    expectError('list --page 0', 'INVALID_VALUE', '--page', '"0"');
    expectError('calendar --days two', 'INVALID_VALUE', '--days', '"two"');
    expectError('new --name "  " --channel email', 'INVALID_VALUE', '--name', 'empty');
    expectError('edit 1 --tags ,,', 'INVALID_VALUE', '--tags');
    expectError('compare 1 C-1', 'INVALID_VALUE', 'C-1', 'twice');
  });

  it('UNTERMINATED_QUOTE with the column of the opening quote', () => {
    const error = expectError('new --name "Spring sale --channel email', 'UNTERMINATED_QUOTE', 'double quote', 'column 12');
    expect(error.details.column).toBe(12);
    expectError("pause 1 --reason 'oops", 'UNTERMINATED_QUOTE', 'single quote', 'column 18');
  });

  it('DUPLICATE_FLAG for non-repeatable flags, including the search text given twice', () => {
    expectError('cancel 1 --reason a --reason=b', 'DUPLICATE_FLAG', '--reason', '"a"', '"b"');
    expectError('edit 1 --clear-filter --clear-filter', 'DUPLICATE_FLAG', '--clear-filter');
    expectError('list spring --search summer', 'DUPLICATE_FLAG', '"spring"', '--search');
  });
});

describe('help', () => {
  const PRODUCT_SUBCOMMANDS = [
    'help', 'list', 'show', 'new', 'edit', 'preview', 'test', 'clone', 'run', 'pause', 'resume', 'stop', 'cancel', 'delete', 'retry',
    'messages', 'export', 'stats', 'compare', 'calendar', 'activity', 'links', 'digest', 'contacts', 'lists', 'templates',
  ];

  it('lists every subcommand from PRODUCT.md, grouped, with coming-soon marks', () => {
    const text = helpText();
    for (const name of PRODUCT_SUBCOMMANDS) expect(text, name).toContain(`/campaign ${name}`);
    for (const spec of SUBCOMMANDS) expect(text, spec.key).toContain(spec.summary);
    const groups = ['*Campaigns*', '*Delivery & reports*', '*Audience & content*', '*Approvals*'].map((g) => text.indexOf(g));
    expect(groups.every((at, i) => at > 0 && (i === 0 || at > (groups[i - 1] as number)))).toBe(true);
    expect(text.split('\n').find((line) => line.includes('/campaign digest'))).not.toContain('(coming soon)');
    expect(text.split('\n').find((line) => line.includes('/campaign pause'))).not.toContain('(coming soon)');
  });

  it('explains one subcommand: usage, summary, every flag and an example that parses', () => {
    for (const spec of SUBCOMMANDS) {
      const text = helpText(spec.key);
      expect(text).toContain(spec.usage);
      expect(text).toContain(spec.summary);
      for (const flag of spec.flags) expect(text, `${spec.key} --${flag.flag}`).toContain(flag.description);
      expect(text).toContain(`Example: \`/campaign ${spec.example}\``);
      expect(text.includes('(coming soon)')).toBe(!spec.available);
    }
    expect(helpText('lists')).toContain('lists create');
    expect(helpText('/campaign PAUSE')).toContain('--reason TEXT');
    expect(helpText('puase')).toContain('Did you mean "pause"?');
  });

  it('matches the command reference in README.md', () => {
    const doc = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const spec of SUBCOMMANDS) expect(doc, spec.key).toContain(`\`/campaign ${spec.usage.replace(/\|/g, '\\|')}\``);
  });
});

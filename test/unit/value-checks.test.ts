import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COMMAND_SCHEMAS, SUBCOMMANDS } from '../../src/commands/grammar/commands.js';
import { CommandSyntaxError, parseCommand } from '../../src/commands/grammar/parse-command.js';
import { INT_RANGES, MAX_ID } from '../../src/commands/grammar/schemas/values.js';
import { describeInvalidCharacter, findInvalidCharacter, quoteTyped } from '../../src/domain/text/invalid-characters.js';

function refusal(line: string): CommandSyntaxError {
  try {
    parseCommand(line);
  } catch (error) {
    if (error instanceof CommandSyntaxError) return error;
    throw error;
  }
  throw new Error(`parsed: ${line}`);
}

/** Every (subcommand, field) the table says takes a typed value, with how the parser hands it over. */
const VALUE_FIELDS = SUBCOMMANDS.filter((spec) => spec.key !== 'help').flatMap((spec) => [
  ...spec.flags.filter((f) => f.value).map((f) => ({ key: spec.key, field: f.field, label: `--${f.flag}`, array: Boolean(f.repeatable) })),
  ...spec.positionals.map((p) => ({ key: spec.key, field: p.field, label: p.label, array: p.rest === 'array' })),
]);

describe('invalid characters in typed values (issue 13, point 1)', () => {
  it('finds NUL, controls, lone surrogates and noncharacters at their character position, and passes real text', () => {
    expect(findInvalidCharacter('Zoë 日本 😀 "quoted" \\ * ~')).toBeNull();
    expect(findInvalidCharacter('😀a\u0000')).toEqual({ codePoint: 0, position: 3 });
    expect(findInvalidCharacter('ab\u0007')?.codePoint).toBe(7);
    expect(findInvalidCharacter('x\u007f')?.codePoint).toBe(0x7f);
    expect(findInvalidCharacter('x\u0085')?.codePoint).toBe(0x85);
    expect(findInvalidCharacter('😀\ud800x')).toEqual({ codePoint: 0xd800, position: 2 });
    expect(findInvalidCharacter('x\udc00')).toEqual({ codePoint: 0xdc00, position: 2 });
    for (const nonchar of ['\ufffe', '\uffff', '\ufdd0', '\u{1fffe}', '\u{10ffff}']) expect(findInvalidCharacter(`a${nonchar}`)?.position).toBe(2);
    expect(findInvalidCharacter('a\tb\nc\r\n')?.codePoint).toBe(9);
    expect(findInvalidCharacter('a\tb\nc\r\n', { multiline: true })).toBeNull();
    expect(findInvalidCharacter('a\tb\u0000', { multiline: true })?.codePoint).toBe(0);
    expect(describeInvalidCharacter({ codePoint: 0, position: 3 })).toBe('contains a NUL character (U+0000) at character 3; remove it');
    expect(describeInvalidCharacter({ codePoint: 10, position: 2 })).toContain('tabs and line breaks are not allowed here');
  });

  it(`every value-taking flag and argument of every subcommand (${VALUE_FIELDS.length} fields) refuses a NUL, naming it`, () => {
    expect(VALUE_FIELDS.length).toBeGreaterThan(80);
    for (const { key, field, array } of VALUE_FIELDS) {
      const schema = (COMMAND_SCHEMAS[key] as unknown as z.ZodObject).shape[field] as z.ZodType;
      expect(schema, `${key} ${field}`).toBeDefined();
      for (const bad of ['a\u0000b', 'a\ud800', '\ufffe', 'x\u001b[31m']) {
        const result = schema.safeParse(array ? [bad] : bad);
        expect(result.success, `${key} ${field} took ${JSON.stringify(bad)}`).toBe(false);
        expect(result.error?.issues[0]?.message, `${key} ${field}`).toMatch(/^contains (a NUL|half of a|a noncharacter|a control)/);
      }
    }
  });

  it('names the flag or argument and the position in the parser’s sentence', () => {
    expect(refusal('segments show "\0"').message).toBe('<NAME> contains a NUL character (U+0000) at character 1; remove it');
    expect(refusal('lists create "VIP\0"').message).toMatch(/^<NAME> contains a NUL character \(U\+0000\) at character 4/);
    const e = refusal('new --name "Spring\0sale" --channel email');
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.message).toMatch(/^--name contains a NUL character/);
    expect(refusal('new --name Spring --channel email --filter "plan=a\0"').message).toMatch(/^--filter contains a NUL/);
    expect(refusal('cancel C-1 --confirm "C-1\0"').message).toMatch(/^--confirm contains a NUL/);
    expect(refusal('templates create W --channel email --subject "Hi\nthere"').message).toMatch(/^--subject contains a line break .*not allowed here/);
  });

  it('echoes what was typed escaped: no terminal escape, C1 control or noncharacter reaches a reply raw', () => {
    expect(quoteTyped('a\u001b[31m\u0085\u007f\uffff\u{1fffe}😀')).toBe('"a\\u001b[31m\\u0085\\u007F\\uFFFF\\u{1FFFE}😀"');
    expect(refusal('approve 1 "\uffff"').message).toBe('Unexpected argument "\\uFFFF": approve takes only <approval-id>');
    expect(refusal('list --x\u001b[2J').message).toMatch(/^Unknown flag --x\\u001b\[2j for list/);
    expect(refusal('list -x\u0085').message).toMatch(/^Unknown flag -x\\u0085: flags start with two dashes, e.g. --x\\u0085/);
  });

  it('keeps tabs and line breaks in descriptions, reasons and bodies', () => {
    expect(parseCommand('lists create News --description "line one\nline two"')).toMatchObject({ description: 'line one\nline two' });
    expect(parseCommand('pause 7 --reason "legal:\n\twait"')).toMatchObject({ reason: 'legal:\n\twait' });
    expect(parseCommand('templates create W --channel sms --text "Hi\nthere"')).toMatchObject({ text: 'Hi\nthere' });
  });
});

describe('numbers out of range (issue 13, point 5)', () => {
  const numericFlags = SUBCOMMANDS.flatMap((spec) => spec.flags.filter((f) => f.value === 'N').map((f) => ({ spec, flag: f })));

  it(`every numeric flag (${numericFlags.length}) refuses 0, 4294967296 and a 400-digit number with its range`, () => {
    expect(numericFlags.length).toBeGreaterThanOrEqual(7);
    for (const { spec, flag } of numericFlags) {
      const head = [spec.name, spec.action, ...spec.positionals.map(() => '7')].filter(Boolean).join(' ');
      for (const n of ['0', '4294967296', '9'.repeat(400), '-1', '1e3', '']) {
        const e = refusal(`${head} --${flag.flag} "${n}"`);
        expect(e.code, `${head} --${flag.flag} ${n}`).toBe('INVALID_VALUE');
        expect(e.message, `${head} --${flag.flag} ${n}`).toMatch(new RegExp(`^--${flag.flag} must be a whole number from 1 to [\\d,]+ \\(got`));
      }
    }
  });

  it('gives each flag its own range, and accepts both ends', () => {
    expect(refusal('calendar --days 4294967296').message).toBe('--days must be a whole number from 1 to 366 (got "4294967296", which is too large)');
    expect(parseCommand('calendar --days 366')).toMatchObject({ days: 366 });
    expect(parseCommand('calendar --days 1')).toMatchObject({ days: 1 });
    expect(parseCommand('calendar --days 0030')).toMatchObject({ days: 30 });
    expect(refusal('calendar --days 367').message).toMatch(/from 1 to 366/);
    expect(refusal('activity 7 --limit 1001').message).toMatch(/from 1 to 1,000/);
    expect(refusal('outbox --limit 1001').message).toMatch(/from 1 to 1,000/);
    expect(refusal('list --page 100001').message).toMatch(/from 1 to 100,000/);
    expect(parseCommand('list --page 100000')).toMatchObject({ page: 100_000 });
    expect(parseCommand(`edit 7 --name x --if-version ${MAX_ID}`)).toMatchObject({ ifVersion: MAX_ID });
    expect(refusal(`edit 7 --name x --if-version ${MAX_ID + 1}`).message).toMatch(/from 1 to 2,147,483,647/);
    expect(refusal(`stats 7 --run ${MAX_ID + 1}`).message).toMatch(/from 1 to 2,147,483,647/);
    expect(Object.keys(INT_RANGES).sort()).toEqual(['days', 'limit', 'page', 'run', 'version']);
  });

  it('ids, TTLs and weights state their range too', () => {
    expect(refusal('show 2147483648').message).toBe('<id> must be an id from 1 to 2,147,483,647, like C-1042 or 1042 (got "2147483648")');
    expect(refusal(`show C-${'9'.repeat(400)}`).message).toMatch(/^<id> must be an id from 1 to 2,147,483,647/);
    expect(refusal('approve A-0').message).toMatch(/^<approval-id> must be an id from 1 to 2,147,483,647/);
    expect(refusal('retry 7 --message M-4294967296').message).toMatch(/^--message must be an id from 1 to 2,147,483,647/);
    expect(refusal('new --name X --channel sms --ttl 15d').message).toMatch(/^--ttl must be between 1 second and 14 days/);
    expect(refusal(`new --name X --channel sms --ttl ${'9'.repeat(400)}`).message).toMatch(/^--ttl must be between 1 second and 14 days/);
    expect(refusal('new --name X --channel email --variant A:W:101').message).toMatch(/^--variant weight must be a whole number from 1 to 100/);
  });
});

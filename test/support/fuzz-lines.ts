import path from 'node:path';
import fc from 'fast-check';
import type { z } from 'zod';
import { COMMAND_SCHEMAS, SUBCOMMANDS, type SubcommandSpec } from '../../src/commands/grammar/commands.js';
import type { FlagSpec, PositionalSpec } from '../../src/commands/grammar/schemas/flags.js';

/**
 * Command lines for the fuzz tests, generated from the grammar's own table (every subcommand, its
 * positionals and its flags) so a new flag is fuzzed the day it is added. Values are plausible for
 * their placeholder most of the time (so lines get past the grammar and reach the domain and the
 * database) and hostile the rest: NULs and other controls, lone surrogates, noncharacters, numbers
 * past every integer type, 100 kB words, stray and curly quotes, dashes, empty strings.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Files the fuzz may name: a real CSV and paths that do not exist. Never devices or /proc. */
const PATHS = [path.join(ROOT, 'test/fixtures/contacts-tour.csv'), path.join(ROOT, 'test/fixtures/contacts/mixed.csv'), '/nonexistent/contacts.csv', './missing.html', ''];

/** Printable but incompressible (so PostgreSQL cannot fit it in an index by compressing it), no quotes or backslashes. */
function noise(length: number): string {
  let state = 13;
  return Array.from({ length }, () => String.fromCharCode(35 + ((state = (state * 48_271) % 2_147_483_647) % 57))).join('');
}

const HOSTILE = [
  '\0',
  'a\0b',
  'C-1001\0',
  '\u0007bell',
  '\u001b[31mred',
  '\ud800',
  'x\udfff',
  '\ufffe',
  '\uffff',
  '\u{10ffff}',
  '\u0085',
  '\u202eevil',
  'Zoë 日本 😀',
  '',
  ' ',
  '"',
  "'",
  '“curly”',
  '‘x',
  '\\',
  '\\"',
  '--',
  '---x',
  '—channel',
  '-h',
  '-x',
  '=',
  '--=x',
  '0',
  '-1',
  '4294967296',
  '2147483648',
  '9007199254740993',
  '9'.repeat(400),
  '1e309',
  'NaN',
  'C-99999999999',
  '{{',
  '{% raw %}',
  '{{ 7 * 7 }}',
  '*',
  '%',
  '_',
  "'; DROP TABLE campaign; --",
  'x'.repeat(3000),
  noise(5000),
];

/** Built once: a 100 kB word is a hostile value too, but costly, so it is picked rarely. */
const HUGE = 'w'.repeat(100_000);

const ids = fc.constantFrom('C-1001', '1002', 'c-1003', '1004', 'C-1005', 'C-1', '1', '999999');
const names = fc.constantFrom('Newsletter', 'Welcome', 'VIP', 'Spring sale', 'Pro users', 'SMS hello', 'fuzz');

/** A plausible value for a placeholder of the table (`NAME`, `N`, `WHEN`, …). */
function plausible(placeholder: string): fc.Arbitrary<string> {
  switch (placeholder) {
    case '<id>':
    case 'ID':
      return ids;
    case '<id> <id> [<id>…]':
      return fc.constantFrom('C-1001 C-1002', 'C-1001 C-1001', '1001');
    case '<approval-id>':
      return fc.constantFrom('A-1', '2', 'A-0');
    case '<LINK_ID>':
      return fc.constantFrom('L-1', '7');
    case 'MESSAGE_ID':
      return fc.constantFrom('M-1', '5', 'M-0');
    case 'N':
      return fc.constantFrom('1', '2', '30', '366', '1000', '0', '4294967296', '100001');
    case 'email|sms':
      return fc.constantFrom('email', 'sms', 'SMS', 'fax', 'push_2');
    case 'now|manual|scheduled|recurring':
    case 'TYPE':
      return fc.constantFrom('now', 'manual', 'scheduled', 'recurring', 'later');
    case 'all|any':
      return fc.constantFrom('all', 'any', 'some');
    case 'WHEN':
      return fc.constantFrom('2026-12-01 09:00', '2026-11-23T10:00:00Z', '2026-11-22T09:00:00Z', '2026-02-30 09:00', '2027-01-01T00:00:00+14:00', '99999-01-01 00:00');
    case 'EXPR':
      return fc.constantFrom('0 9 * * 1', '* * * * *', '0 0 31 2 *', '61 * * * *', '0 9 * *');
    case 'ZONE':
      return fc.constantFrom('Europe/London', 'UTC', 'America/New_York', 'Mars/Base');
    case 'DURATION':
      return fc.constantFrom('90s', '4h', '2d', '15d', '0');
    case 'L:T:W':
      return fc.constantFrom('A:Welcome:70', 'B:Welcome:30', 'A:Missing:50', 'C:Welcome:0', 'A::1');
    case 'COND':
      return fc.constantFrom('plan=pro', 'plan!=free', 'age>=18', 'city~york', 'has:phone', '!has:email', 'plan=', '=x', 'a b=c');
    case 'T[,T…]':
    case 'T':
      return fc.constantFrom('spring,promo', 'promo', ',', 'UPPER');
    case 'S[,S…]':
      return fc.constantFrom('draft,ready', 'scheduled', 'sending,paused', 'bogus');
    case 'S':
      return fc.constantFrom('failed', 'delivered', 'queued', 'nope');
    case 'CATEGORY':
      return fc.constantFrom('invalid_address', 'rate_limited', 'other');
    case 'EMAIL':
      return fc.constantFrom('news@example.com', 'reply@example.org', 'bad@', 'a@b');
    case '<ADDRESS>':
    case 'ADDRESS':
      return fc.constantFrom('ada@example.com', 'grace@example.com', '+15550100', 'nobody@example.com', 'not-an-address');
    case 'URL':
      return fc.constantFrom('https://example.com/sale', 'javascript:alert(1)', 'http://');
    case 'SENDER':
      return fc.constantFrom('+15550199', 'HERALD');
    case 'PATH':
    case '<PATH>':
      return fc.constantFrom(...PATHS);
    case 'HTML':
      return fc.constantFrom('<p>Hi {{ first_name }}</p>', '<p>{{ unclosed</p>', '<script>x</script>');
    case 'TEXT':
    case '[TEXT]':
      return fc.constantFrom('Hello {{ first_name }}', 'Hi there', 'line one\nline two', '{% if %}', 'spring');
    case '[subcommand]':
      return fc.constantFrom('new', 'lists create', 'frobnicate', '');
    default:
      return names;
  }
}

/** A hostile value: a fixed nasty token, a random unicode string, or (rarely) the 100 kB word. */
export const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constant(HUGE) },
);

/**
 * File arguments get hostile paths too (a 400-character name: ENAMETOOLONG; a path through a file:
 * ENOTDIR; a folder; /dev/null), which the local-files adapter answers by name; FUZZ_HOSTILE_PATHS=0
 * gives them only plausible paths.
 */
export const HOSTILE_PATHS = process.env.FUZZ_HOSTILE_PATHS !== '0';
const FILE_PLACEHOLDERS = new Set(['PATH', '<PATH>']);
const HOSTILE_FILE_PATHS = ['9'.repeat(400), path.join(ROOT, 'test/fixtures/contacts-tour.csv/x'), path.join(ROOT, 'test/fixtures'), '/dev/null'];

function valueFor(placeholder: string): fc.Arbitrary<string> {
  if (!FILE_PLACEHOLDERS.has(placeholder)) return fc.oneof({ weight: 6, arbitrary: plausible(placeholder) }, { weight: 1, arbitrary: hostile });
  if (!HOSTILE_PATHS) return plausible(placeholder);
  return fc.oneof({ weight: 3, arbitrary: plausible(placeholder) }, { weight: 1, arbitrary: hostile }, { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_FILE_PATHS) });
}

/** How a word is written on the line: bare, double-quoted (escaping `"` and `\`), or single-quoted. */
function written(value: string, style: number): string {
  if (style === 0 && value !== '' && !/[\s"'“”„‘’\\]/u.test(value)) return value;
  if (style === 2 && !/['’‘]/u.test(value)) return `'${value}'`;
  return `"${value.replace(/[\\"”]/g, (c) => `\\${c}`)}"`;
}

const word = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.tuple(arb, fc.nat(3)).map(([v, s]) => written(v, s));

function positionalWords(spec: SubcommandSpec): fc.Arbitrary<string[]> {
  return fc.tuple(...spec.positionals.map((p: PositionalSpec) => fc.option(word(valueFor(p.label)), { freq: 8, nil: undefined }))).map((words) => words.filter((w): w is string => w !== undefined));
}

function flagWords(flag: FlagSpec): fc.Arbitrary<string> {
  if (!flag.value) return fc.constant(`--${flag.flag}`);
  return fc.tuple(word(valueFor(flag.value)), fc.boolean()).map(([v, inline]) => (inline ? `--${flag.flag}=${v}` : `--${flag.flag} ${v}`));
}

function lineFor(spec: SubcommandSpec): fc.Arbitrary<string> {
  const head = [spec.name, spec.action].filter(Boolean).join(' ');
  // Flags the schema requires are given nine times in ten, so most lines get past the grammar.
  const shape = (COMMAND_SCHEMAS[spec.key] as unknown as z.ZodObject).shape;
  const required = spec.flags.filter((f) => !shape[f.field]?.safeParse(undefined).success);
  const optional = spec.flags.filter((f) => !required.includes(f));
  const chosenFlags = fc.tuple(
    fc.tuple(...required.map((f) => fc.option(fc.constant(f), { freq: 9, nil: undefined }))),
    optional.length ? fc.shuffledSubarray(optional, { maxLength: Math.min(4, optional.length) }) : fc.constant([] as FlagSpec[]),
  ).map(([req, opt]) => [...req.filter((f): f is FlagSpec => f !== undefined), ...opt]);
  const flags = chosenFlags.chain((chosen) => (chosen.length ? fc.tuple(...chosen.map(flagWords)) : fc.constant([] as string[])));
  const takesFile = spec.positionals.some((p) => FILE_PLACEHOLDERS.has(p.label));
  const stray = takesFile && !HOSTILE_PATHS ? fc.constant(undefined) : fc.option(fc.oneof(word(hostile), fc.constantFrom('--bogus', '--', '--help', 'extra', '"unterminated', '“curly')), { freq: 8, nil: undefined });
  return fc.tuple(fc.constantFrom('', '/campaign ', '/CAMPAIGN '), positionalWords(spec), flags, stray, fc.nat(9)).map(([prefix, positionals, flagList, extra, order]) => {
    const parts = order < 7 ? [...positionals, ...flagList] : [...flagList, ...positionals];
    if (extra !== undefined) parts.splice(order % (parts.length + 1), 0, extra);
    return `${prefix}${[head, ...parts].join(' ')}`;
  });
}

/** A line from the table (most of the time) or raw noise. */
export const commandLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...SUBCOMMANDS).chain(lineFor) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(word(hostile), fc.constantFrom('list', 'new', 'help', 'lists', '--name', '--days')), { maxLength: 6 }).map((w) => w.join(' ')) },
);

/** What a reply must never look like: a stack frame, a Prisma or driver error, an internal error. */
export const LEAK = /\n\s+at [^\n]*\(|\bat [\w.<>]+ \(\/|Prisma|Invalid `|PrismaClient|SQLSTATE|node_modules|Something went wrong|TypeError|RangeError|undefined is not|\[object Object\]/;

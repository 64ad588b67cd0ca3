import type { z } from 'zod';
import { ACTION_GROUPS, COMMAND_SCHEMAS, SUBCOMMAND_NAMES, SUBCOMMANDS, findSubcommand } from './commands.js';
import type { Command, CommandKey, CommandOf, SubcommandSpec } from './commands.js';
import type { FlagSpec } from './schemas/flags.js';
import { closestMatch } from '../../domain/text/closest-match.js';
import { excerptTyped, findInvalidCharacter, quoteTyped } from '../../domain/text/invalid-characters.js';
import { UnterminatedQuoteError, tokenize } from './tokenize.js';
import type { Token, WordToken } from './tokenize.js';

export const SYNTAX_ERROR_CODES = [
  'EMPTY',
  'UNKNOWN_SUBCOMMAND',
  'UNKNOWN_FLAG',
  'MISSING_ARGUMENT',
  'UNEXPECTED_ARGUMENT',
  'INVALID_VALUE',
  'UNTERMINATED_QUOTE',
  'DUPLICATE_FLAG',
] as const;
export type CommandSyntaxErrorCode = (typeof SYNTAX_ERROR_CODES)[number];

/** One value an edge gave that the grammar's schemas refuse: the input field and why (a sentence of its own). */
export interface FieldProblem {
  field?: string;
  message: string;
}

/**
 * A command line (or a command an edge built) that does not fit the grammar. `message` names the
 * culprit and why; `usage` is what to show under it (the subcommand's usage lines, or the subcommand
 * list); `suggestion` is the corrected word for "Did you mean …?" (e.g. to offer as a button);
 * `field` is the input field it concerns (the Command's field; `name` for a campaign's name), and
 * `problems`, for a built command, every refused value with its field.
 */
export class CommandSyntaxError extends Error {
  constructor(
    readonly code: CommandSyntaxErrorCode,
    message: string,
    readonly usage: string,
    readonly details: { subcommand?: string; suggestion?: string; column?: number; field?: string; problems?: readonly FieldProblem[] } = {},
  ) {
    super(message);
    this.name = 'CommandSyntaxError';
  }
}

const PREFIX = '/campaign ';
const usageOf = (specs: readonly SubcommandSpec[]): string => specs.map((spec) => PREFIX + spec.usage).join('\n');
const OVERVIEW = `Subcommands: ${SUBCOMMAND_NAMES.join(', ')}.\nType /campaign help for what each does, or /campaign help <subcommand> for its flags.`;
/** Values are echoed as bounded excerpts with unsafe characters escaped: a 100 kB word never comes back whole. */
const quote = (text: string): string => excerptTyped(text);
/** A typed word shown as is (cut to 40 characters), unless it holds characters a reply must not carry raw (then escaped). */
const shown = (text: string): string => {
  const cut = [...text].length > 40 ? `${[...text].slice(0, 40).join('')}…` : text;
  return findInvalidCharacter(cut) ? quoteTyped(cut).slice(1, -1) : cut;
};

type ErrorFactory = (code: CommandSyntaxErrorCode, message: string, extra?: { suggestion?: string; field?: string }) => CommandSyntaxError;

/** The input field a Command field is called by errors: a campaign's name is `name` everywhere but the Command. */
export function inputField(commandField: string): string {
  return commandField === 'campaignName' ? 'name' : commandField;
}

interface Positional {
  token: WordToken;
  /** The flag value that came just before this word (for the "quote values with spaces" hint). */
  after?: { flag: string; value: string };
}

/** Parses one `/campaign` line (with or without the leading `/campaign`) into a typed Command. */
export function parseCommand(line: string): Command {
  let tokens: Token[];
  try {
    tokens = tokenize(line);
  } catch (error) {
    if (!(error instanceof UnterminatedQuoteError)) throw error;
    const kind = error.quote === "'" || error.quote === '‘' ? 'single' : 'double';
    throw new CommandSyntaxError('UNTERMINATED_QUOTE', `Unterminated ${kind} quote: the ${error.quote} at column ${error.column} is never closed`, OVERVIEW, { column: error.column });
  }
  if (tokens.length === 0) throw new CommandSyntaxError('EMPTY', 'No subcommand given. Try /campaign help', OVERVIEW);
  const [spec, rest] = resolve(tokens);
  return parseArguments(spec, rest);
}

function resolve(tokens: Token[]): [SubcommandSpec, Token[]] {
  const [first, ...rest] = tokens as [Token, ...Token[]];
  if (first.kind === 'flag') {
    if (first.name === 'help') return [findSubcommand('help') as SubcommandSpec, rest];
    throw new CommandSyntaxError('MISSING_ARGUMENT', `Missing subcommand before ${shown(first.raw)}, e.g. /campaign list ${shown(first.raw)}`, OVERVIEW);
  }
  const name = first.value.toLowerCase();
  if (!SUBCOMMAND_NAMES.includes(name)) {
    const suggestion = closestMatch(name, SUBCOMMAND_NAMES);
    const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
    throw new CommandSyntaxError('UNKNOWN_SUBCOMMAND', `Unknown subcommand ${quote(first.value)}.${hint}`, OVERVIEW, suggestion ? { suggestion } : {});
  }
  if (name === 'links') {
    const editAt = rest.findIndex((t, i) => i <= 1 && t.kind === 'word' && !t.quoted && t.value.toLowerCase() === 'edit');
    if (editAt === -1) return [findSubcommand('links list') as SubcommandSpec, rest];
    return [findSubcommand('links edit') as SubcommandSpec, rest.filter((_, i) => i !== editAt)];
  }
  if (!(name in ACTION_GROUPS)) return [findSubcommand(name) as SubcommandSpec, rest];

  const group = SUBCOMMANDS.filter((spec) => spec.name === name);
  const actions = group.map((spec) => spec.action as string);
  const [second, ...afterAction] = rest;
  if (second === undefined || second.kind === 'flag') {
    if (second?.kind === 'flag' && second.name === 'help') return [findSubcommand('help') as SubcommandSpec, [word(name, second.column)]];
    const fallback = ACTION_GROUPS[name];
    if (fallback !== undefined) return [findSubcommand(`${name} ${fallback}`) as SubcommandSpec, rest];
    throw new CommandSyntaxError('MISSING_ARGUMENT', `Missing action: ${name} takes ${actions.join(' or ')}`, usageOf(group), { subcommand: name });
  }
  const action = second.value.toLowerCase();
  const spec = group.find((s) => s.action === action);
  if (spec) return [spec, afterAction];
  const suggestion = closestMatch(action, actions);
  const hint = suggestion ? ` Did you mean "${name} ${suggestion}"?` : '';
  throw new CommandSyntaxError('UNKNOWN_SUBCOMMAND', `Unknown ${name} action ${quote(second.value)}: it takes ${actions.join(', ')}.${hint}`, usageOf(group), {
    subcommand: name,
    ...(suggestion ? { suggestion: `${name} ${suggestion}` } : {}),
  });
}

function word(value: string, column: number): WordToken {
  return { kind: 'word', value, column, quoted: false };
}

function flagLabel(flag: FlagSpec): string {
  return flag.value ? `--${flag.flag} ${flag.value}` : `--${flag.flag}`;
}

/** Takes words after an unquoted value that people type without quotes (`--at 2026-03-01 09:00`). */
function continueValue(flag: FlagSpec, value: string, tokens: Token[], index: number, wasQuoted: boolean): [string, number] {
  if (wasQuoted || !flag.continues) return [value, index];
  const next = (i: number): WordToken | undefined => {
    const t = tokens[i];
    return t?.kind === 'word' && !t.quoted ? t : undefined;
  };
  if (flag.continues === 'time') {
    const time = next(index);
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && time && /^\d{1,2}:\d{2}(:\d{2})?$/.test(time.value)) return [`${value} ${time.value}`, index + 1];
    return [value, index];
  }
  const fields = value.split(/\s+/);
  let i = index;
  for (let t = next(i); t && fields.length < 6 && /^[\d*?/,#LW-]+$|^[A-Za-z]{3}(?:-[A-Za-z]{3})?$/i.test(t.value); t = next(i)) {
    fields.push(t.value);
    i += 1;
  }
  return [fields.join(' '), i];
}

function parseArguments(spec: SubcommandSpec, tokens: Token[]): Command {
  const usage = usageOf([spec]);
  const error: ErrorFactory = (code, message, extra = {}) => new CommandSyntaxError(code, message, usage, { subcommand: spec.key, ...extra });
  const raw: Record<string, unknown> = { name: spec.name, ...(spec.action ? { action: spec.action } : {}) };
  const positionals: Positional[] = [];
  let lastValueOf: Positional['after'];
  let flagsEnded = false;

  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i] as Token;
    i += 1;
    if (token.kind === 'word' || flagsEnded) {
      const asWord = token.kind === 'word' ? token : word(token.raw, token.column);
      if (!asWord.quoted && /^-[A-Za-z]/.test(asWord.value) && !flagsEnded) {
        if (asWord.value === '-h') return { name: 'help', subcommand: spec.key } as Command;
        throw error('UNKNOWN_FLAG', `Unknown flag ${shown(asWord.value)}: flags start with two dashes, e.g. --${shown(asWord.value.slice(1))}`);
      }
      positionals.push(lastValueOf ? { token: asWord, after: lastValueOf } : { token: asWord });
      lastValueOf = undefined;
      continue;
    }
    lastValueOf = undefined;
    if (token.name === '') {
      flagsEnded = true;
      continue;
    }
    if (token.name === 'help') return { name: 'help', subcommand: spec.key } as Command;
    const flag = spec.flags.find((f) => f.flag === token.name);
    if (!flag) {
      const known = spec.flags.map((f) => f.flag);
      const guess = closestMatch(token.name, known);
      const hint = guess ? ` Did you mean --${guess}?` : known.length ? ` It takes ${known.map((f) => `--${f}`).join(', ')}.` : ` It takes no flags.`;
      throw error('UNKNOWN_FLAG', `Unknown flag --${shown(token.name)} for ${spec.key}.${hint}`, guess ? { suggestion: `--${guess}` } : {});
    }
    if (!flag.value) {
      if (token.value !== undefined) throw error('UNEXPECTED_ARGUMENT', `--${flag.flag} is a switch and takes no value (got ${quote(token.value)})`, { field: inputField(flag.field) });
      if (raw[flag.field] !== undefined) throw error('DUPLICATE_FLAG', `--${flag.flag} is given twice`, { field: inputField(flag.field) });
      raw[flag.field] = true;
      continue;
    }
    let value = token.value;
    let wasQuoted = false;
    if (value === undefined) {
      const next = tokens[i];
      if (next === undefined || next.kind === 'flag') {
        throw error('MISSING_ARGUMENT', `--${flag.flag} needs a value: ${flagLabel(flag)}`, { field: inputField(flag.field) });
      }
      value = next.value;
      wasQuoted = next.quoted;
      i += 1;
    }
    [value, i] = continueValue(flag, value, tokens, i, wasQuoted);
    lastValueOf = { flag: `--${flag.flag}`, value };
    if (flag.repeatable) {
      raw[flag.field] = [...((raw[flag.field] as string[] | undefined) ?? []), value];
    } else if (raw[flag.field] !== undefined) {
      throw error('DUPLICATE_FLAG', `--${flag.flag} is given twice (${quote(String(raw[flag.field]))} and ${quote(value)}); give it once`, { field: inputField(flag.field) });
    } else {
      raw[flag.field] = value;
    }
  }

  assignPositionals(spec, positionals, raw, error);
  if (spec.key === 'help') return helpCommand(raw);
  const result = (COMMAND_SCHEMAS[spec.key] as z.ZodType).safeParse(raw);
  if (result.success) return result.data as Command;
  const [issue] = result.error.issues;
  const { code, message } = describeIssue(spec, raw, issue as z.core.$ZodIssue);
  const [field] = (issue as z.core.$ZodIssue).path;
  throw error(code, message, field !== undefined ? { field: inputField(String(field)) } : {});
}

/**
 * Checks a command an edge built from its own inputs (a modal's fields, a button's value) with the
 * grammar's schemas: the same values as typed (strings, lists of strings, `true` for a switch), no
 * text line in between. Throws CommandSyntaxError naming every refused value with its field
 * (`details.problems`); each message is a sentence of its own, with no flag in it.
 */
export function buildCommand<K extends CommandKey>(key: K, input: Record<string, unknown>): CommandOf<K> {
  const spec = findSubcommand(key) as SubcommandSpec;
  const raw = { name: spec.name, ...(spec.action ? { action: spec.action } : {}), ...withoutUndefined(input) };
  const result = (COMMAND_SCHEMAS[key] as z.ZodType).safeParse(raw);
  if (result.success) return result.data as CommandOf<K>;
  const problems: FieldProblem[] = result.error.issues.map((issue) => {
    const [path] = issue.path;
    const field = path === undefined ? undefined : inputField(String(path));
    if (path === undefined) return { message: issue.message };
    if (raw[path as keyof typeof raw] === undefined) return { field, message: 'This is required.' };
    return { field, message: issue.code === 'custom' ? `${upperFirst(issue.message)}.`.replace(/\.\.$/, '.') : `Not valid: ${issue.message}.` };
  });
  const [first] = problems as [FieldProblem, ...FieldProblem[]];
  throw new CommandSyntaxError('INVALID_VALUE', first.message, usageOf([spec]), { subcommand: key, problems, ...(first.field ? { field: first.field } : {}) });
}

function withoutUndefined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function assignPositionals(
  spec: SubcommandSpec,
  positionals: Positional[],
  raw: Record<string, unknown>,
  error: ErrorFactory,
): void {
  let index = 0;
  for (const arg of spec.positionals) {
    if (arg.rest) {
      const words = positionals.slice(index).map((p) => p.token.value);
      index = positionals.length;
      if (arg.rest === 'array') {
        raw[arg.field] = words;
        continue;
      }
      if (words.length === 0) continue;
      const text = words.join(' ');
      if (raw[arg.field] !== undefined) {
        const flagName = spec.flags.find((f) => f.field === arg.field)?.flag ?? arg.field;
        throw error('DUPLICATE_FLAG', `${arg.label} ${quote(text)} and --${flagName} ${quote(String(raw[arg.field]))} say the same thing; give one of them`);
      }
      raw[arg.field] = text;
      continue;
    }
    const next = positionals[index];
    if (next === undefined) break;
    raw[arg.field] = next.token.value;
    index += 1;
  }
  const extra = positionals[index];
  if (!extra) return;
  const value = quote(extra.token.value);
  if (extra.after) {
    const { flag, value: before } = extra.after;
    throw error('UNEXPECTED_ARGUMENT', `Unexpected ${value} after ${flag} ${shown(before)}: put values with spaces in quotes, e.g. ${flag} ${quote(`${before} ${extra.token.value}`)}`);
  }
  const takes = spec.positionals.length ? `takes only ${spec.positionals.map((p) => p.label).join(' ')}` : 'takes no arguments';
  throw error('UNEXPECTED_ARGUMENT', `Unexpected argument ${value}: ${spec.key} ${takes}`);
}

function helpCommand(raw: Record<string, unknown>): Command {
  const topic = typeof raw.subcommand === 'string' ? raw.subcommand.trim().toLowerCase().replace(/^\/campaign\s+/, '') : undefined;
  if (!topic) return { name: 'help' };
  if (findSubcommand(topic) || SUBCOMMAND_NAMES.includes(topic)) return { name: 'help', subcommand: topic.replace(/\s+/g, ' ') };
  const known = [...SUBCOMMAND_NAMES, ...SUBCOMMANDS.filter((s) => s.action).map((s) => s.key)];
  const suggestion = closestMatch(topic, known);
  const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
  throw new CommandSyntaxError('UNKNOWN_SUBCOMMAND', `No help for ${quote(topic)}: it is not a subcommand.${hint}`, OVERVIEW, suggestion ? { suggestion } : {});
}

/** Turns the first zod issue into the grammar's code and a sentence naming the flag or argument. */
function describeIssue(spec: SubcommandSpec, raw: Record<string, unknown>, issue: z.core.$ZodIssue): { code: CommandSyntaxErrorCode; message: string } {
  const params = issue.code === 'custom' ? (issue.params as { grammarCode?: CommandSyntaxErrorCode } | undefined) : undefined;
  const [field] = issue.path;
  if (field === undefined) return { code: params?.grammarCode ?? 'INVALID_VALUE', message: issue.message };
  const flag = spec.flags.find((f) => f.field === field);
  const positional = spec.positionals.find((p) => p.field === field);
  if (raw[field as string] === undefined) {
    const [label, description] = flag ? [flagLabel(flag), flag.description] : [positional?.label ?? String(field), positional?.description ?? 'required'];
    return { code: 'MISSING_ARGUMENT', message: `Missing ${label} (${lowerFirst(description).replace(/\.$/, '')})` };
  }
  const label = flag ? `--${flag.flag}` : (positional?.label ?? String(field));
  if (issue.code !== 'custom') return { code: 'INVALID_VALUE', message: `${label} is not valid: ${issue.message}` };
  return { code: params?.grammarCode ?? 'INVALID_VALUE', message: `${label} ${issue.message}` };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

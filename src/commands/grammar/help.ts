import { HELP_GROUPS, SUBCOMMANDS, SUBCOMMAND_NAMES, findSubcommand } from './commands.js';
import type { SubcommandSpec } from './commands.js';
import { closestMatch } from '../../domain/text/closest-match.js';

/**
 * `/campaign help` text, written in Slack mrkdwn (`*bold*`, `code`), which also reads fine as
 * plain text in the console. Built from the subcommand table, so it cannot drift from the parser.
 */

const PREFIX = '/campaign ';
const SOON = ' _(coming soon)_';
/** Overview lines longer than this show required parts only, then `[flags…]`. */
const OVERVIEW_USAGE_MAX = 90;

function shortUsage(usage: string): string {
  if (usage.length <= OVERVIEW_USAGE_MAX) return usage;
  const words = usage.split(' ');
  const firstOptionalFlag = words.findIndex((w) => w.startsWith('[--') || w.startsWith('(--'));
  return firstOptionalFlag === -1 ? usage : `${words.slice(0, firstOptionalFlag).join(' ')} [flags…]`;
}

function overview(): string {
  const lines = ['*/campaign* runs marketing campaigns from Slack. Campaign ids: C-1042 or 1042; approval ids: A-12 or 12.'];
  for (const group of HELP_GROUPS) {
    lines.push('', `*${group}*`);
    for (const spec of SUBCOMMANDS.filter((s) => s.group === group)) {
      lines.push(`• \`${PREFIX}${shortUsage(spec.usage)}\` — ${spec.summary}${spec.available ? '' : SOON}`);
    }
  }
  lines.push('', 'Type `/campaign help <subcommand>` for its flags and an example. Quote values with spaces: `--name "Spring sale"`.');
  return lines.join('\n');
}

function entryHelp(spec: SubcommandSpec): string {
  const lines = [`*${PREFIX}${spec.key}*${spec.available ? '' : SOON} — ${spec.summary}`, `Usage: \`${PREFIX}${spec.usage}\``];
  if (spec.positionals.length) {
    lines.push('Arguments:');
    for (const arg of spec.positionals) lines.push(`• \`${arg.label}\` — ${arg.description}`);
  }
  if (spec.flags.length) {
    lines.push('Flags:');
    for (const flag of spec.flags) {
      const label = flag.value ? `--${flag.flag} ${flag.value}` : `--${flag.flag}`;
      lines.push(`• \`${label}\` — ${flag.description}${flag.repeatable ? ' (repeatable)' : ''}`);
    }
  }
  lines.push(`Example: \`${PREFIX}${spec.example}\``);
  return lines.join('\n');
}

/**
 * With no argument: every subcommand, grouped, with usage and summary. With a subcommand (`pause`,
 * `lists create`) or a group (`lists`): usage, summary, arguments, every flag and an example.
 */
export function helpText(subcommand?: string): string {
  const topic = subcommand?.trim().toLowerCase().replace(/^\/campaign\b/, '').trim().replace(/\s+/g, ' ');
  if (!topic) return overview();
  const spec = findSubcommand(topic);
  if (spec) return entryHelp(spec);
  const group = SUBCOMMANDS.filter((s) => s.name === topic);
  if (group.length) return group.map(entryHelp).join('\n\n');
  const known = [...SUBCOMMAND_NAMES, ...SUBCOMMANDS.filter((s) => s.action).map((s) => s.key)];
  const guess = closestMatch(topic, known);
  return [`Unknown subcommand "${topic}".${guess ? ` Did you mean "${guess}"?` : ''}`, '', overview()].join('\n');
}

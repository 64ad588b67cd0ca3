import { findSubcommand, type CommandKey } from './grammar/commands.js';
import type { CommandSyntaxError } from './grammar/parse-command.js';
import type { ExecutableKey } from './execute.js';
import { errorReply, type Reply } from './reply.js';

/** The flag (or argument) of a subcommand that fills an input field: `--at`, `<id>`; undefined when none does. */
export function flagFor(key: ExecutableKey, field: string): string | undefined {
  const spec = findSubcommand(key as CommandKey);
  if (!spec) return undefined;
  const flag = spec.flags.find((f) => f.field === field || f.flag === field || (field === 'name' && f.field === 'campaignName'));
  if (flag) return `--${flag.flag}`;
  return spec.positionals.find((p) => p.field === field)?.label;
}

/**
 * A reply as a typed command line should say it (the console, `/campaign …` in Slack): a refusal
 * names the flag of its field (`Invalid input (--at): …`), and a confirmation says what to type.
 * Modals and buttons show the same reply their own way (the field's block, a Confirm button).
 */
export function typedReply(reply: Reply, key: ExecutableKey): Reply {
  const flag = reply.field ? flagFor(key, reply.field) : undefined;
  let text = reply.text;
  if (reply.problem && flag) text = `${reply.problem.lead} (${flag}): ${reply.problem.message}`;
  if (reply.confirm) {
    const confirmFlag = flagFor(key, reply.confirm.field) ?? `--${reply.confirm.field}`;
    const typed = reply.confirm.value ? `${confirmFlag} ${reply.confirm.value}` : confirmFlag;
    text = `${text} To confirm, run the same command again with ${typed}.`;
  }
  if (text === reply.text) return reply;
  const [first, ...rest] = reply.blocks;
  const blocks = first?.type === 'text' && first.text === reply.text ? [{ type: 'text' as const, text }, ...rest] : [{ type: 'text' as const, text }, ...reply.blocks];
  return { ...reply, text, blocks };
}

/** A line that does not parse: what is wrong, then the usage to follow. */
export function syntaxErrorReply(error: CommandSyntaxError): Reply {
  return {
    ...errorReply(error.message, [{ type: 'text', text: `Usage:\n${error.usage}` }]),
    code: error.code,
    ...(error.details.field ? { field: error.details.field } : {}),
  };
}

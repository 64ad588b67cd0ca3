/** A Slack user id (`U…`, or `W…` on Enterprise Grid); other actors (the console's user) stay text. */
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

export interface Mentions {
  /** Text (already escaped for mrkdwn) with each person's id shown as a mention, `<@U123>`. */
  apply(text: string): string;
  /** The people among some table cells: a code block cannot hold mentions, so they are listed under it. */
  among(cells: readonly string[]): string[];
}

/**
 * Shows the people a reply names (`Reply.people`) as Slack mentions, so Slack displays each as the
 * person (name, profile) rather than a raw id. Only those ids, and only as whole words, change.
 */
export function mentionsFor(people: readonly string[] | undefined): Mentions {
  const ids = [...new Set((people ?? []).filter((p) => SLACK_USER.test(p)))];
  if (ids.length === 0) return { apply: (text) => text, among: () => [] };
  const word = new RegExp(`(?<![A-Za-z0-9@])(${ids.join('|')})(?![A-Za-z0-9])`, 'g');
  return {
    apply: (text) => text.replace(word, '<@$1>'),
    among: (cells) => ids.filter((id) => cells.some((cell) => new RegExp(`(?<![A-Za-z0-9])${id}(?![A-Za-z0-9])`).test(cell))),
  };
}

/** How many characters of a value a message shows at most. */
export const EXCERPT_MAX = 40;

/**
 * A value as a message quotes it: JSON-quoted (so control characters and NUL show as escapes), cut
 * to `max` characters with the full length said. Replies echo what a person typed or what a file
 * held only through this, so a 100 kB word or a file's contents (a password file, a process
 * environment) never comes back whole.
 */
export function excerpt(value: string, max = EXCERPT_MAX): string {
  const chars = [...value];
  if (chars.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(chars.slice(0, max).join(''))}… (${chars.length} characters)`;
}

/** A path as typed, or an excerpt of it when it is too long to be a real one (a 100 kB "path"). */
export function shownPath(path: string): string {
  return [...path].length > 200 ? excerpt(path, 80) : path;
}

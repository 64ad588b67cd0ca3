import { describe, expect, it } from 'vitest';
import { plain } from '../../src/console/render-text.js';

describe('the console renders Slack mrkdwn as plain text', () => {
  it.each([
    ['*Campaigns* and _drafts_', 'Campaigns and drafts'],
    ['a `code` word', 'a code word'],
    // Stars and underscores that are not markers stay as typed (a cron expression, a snake_case name).
    ['--cron "0 9 * * 1"', '--cron "0 9 * * 1"'],
    ['every 5 minutes: */5 * * * *', 'every 5 minutes: */5 * * * *'],
    ['e.g. "0 9 * * 1-5" or *bold*', 'e.g. "0 9 * * 1-5" or bold'],
    ['first_name and last_name', 'first_name and last_name'],
    ['a _ b _ c', 'a _ b _ c'],
  ])('%s', (mrkdwn, text) => {
    expect(plain(mrkdwn)).toBe(text);
  });
});

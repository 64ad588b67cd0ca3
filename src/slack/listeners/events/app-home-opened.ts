import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import { publishHome } from '../../publish-home.js';
import type { SlackContext } from '../../slack-context.js';

/**
 * Home tab opened: publish a fresh view. A Slack retry (X-Slack-Retry-Num) is skipped: the first
 * delivery already published, and publishing changes nothing else.
 */
export function appHomeOpened(ctx: SlackContext): Middleware<SlackEventMiddlewareArgs<'app_home_opened'>> {
  return async ({ event, client, context }) => {
    if (event.tab !== 'home' || context.retryNum) return;
    await publishHome(ctx, client, event.user);
  };
}

import { describe, expect, it } from 'vitest';
import { refusal } from '../support/config-refusal.js';
import { loadConfig } from '../../src/config.js';

describe('configuration values: accepted but wrong ones are refused, each naming its variable', () => {
  it.each([
    [{ HTTP_PORT: '0x1270' }, /^HTTP_PORT must be a whole number from 0 to 65535, in decimal digits\.$/],
    [{ HTTP_PORT: '1e3' }, /^HTTP_PORT must be a whole number/],
    [{ HTTP_PORT: '70000' }, /^HTTP_PORT must be at most 65535\.$/],
    [{ HTTP_PORT: '' }, /^HTTP_PORT is set but blank: give it a value, or unset it for the default\.$/],
    [{ HTTP_PORT: '   ' }, /^HTTP_PORT is set but blank/],
    [{ HERALD_ACTOR: '' }, /^HERALD_ACTOR is set but blank/],
    [{ SMTP_URL: 'smtp://' }, /^SMTP_URL names no host/],
    [{ SMTP_URL: 'smtp://mail.example.com:99999' }, /^SMTP_URL must be smtp:\/\/\[user:password@\]host\[:port\]/],
    [{ SMTP_URL: 'smtp://mail.example.com:0' }, /^SMTP_URL has port 0/],
    [{ SMTP_URL: 'http://mail.example.com' }, /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL\.$/],
    [{ PUBLIC_BASE_URL: 'https://herald example.com' }, /^PUBLIC_BASE_URL contains spaces/],
    [{ PUBLIC_BASE_URL: 'https://herald.example.com/?x=1' }, /^PUBLIC_BASE_URL must not carry a query or a fragment/],
    [{ PUBLIC_BASE_URL: 'ftp://herald.example.com' }, /^PUBLIC_BASE_URL must be an http:\/\/ or https:\/\/ URL/],
    [{ SLACK_ADMINS: 'U0123ABCD,bob' }, /^SLACK_ADMINS has "bob", which is not a Slack user id/],
    [{ SLACK_MARKETERS: 'u0123abcd' }, /^SLACK_MARKETERS has "u0123abcd"/],
    [{ SLACK_ONCALL_GROUP: 'U0123ABCD' }, /^SLACK_ONCALL_GROUP must be a Slack user-group id \(S…\)/],
    [{ SLACK_ONCALL_GROUP: '<!subteam^S0123ABCD>' }, /^SLACK_ONCALL_GROUP must be a Slack user-group id/],
    [{ EMAIL_RATE_PER_SECOND: '0' }, /^EMAIL_RATE_PER_SECOND must be more than 0/],
    [{ RETRY_BASE_SECONDS: '0x10' }, /^RETRY_BASE_SECONDS must be a number from 0.1 to 86400/],
    [{ HERALD_DATA_DIR: '/proc/self/herald' }, /^HERALD_DATA_DIR is inside \/proc/],
    [{ HERALD_DATA_DIR: '/sys' }, /^HERALD_DATA_DIR is inside/],
    [{ DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: 'not a key' }, /^DKIM_PRIVATE_KEY is not a usable private key/],
    [{ DIGEST_CRON: '0 25 * * *' }, /^DIGEST_CRON must be a cron expression of 5 fields/],
    [{ DIGEST_CRON: 'daily' }, /^DIGEST_CRON must be a cron expression/],
    [{ OVERDUE_AFTER_MINUTES: '0' }, /^OVERDUE_AFTER_MINUTES must be at least 1/],
  ])('%j', (env, message) => {
    const said = refusal(env);
    expect(said).toMatch(message);
    expect(said).not.toMatch(/\n\s+at /); // no stack
  });

  it('lists every problem when there are several, one line each', () => {
    expect(refusal({ HTTP_PORT: 'x', SMTP_URL: 'smtp://', HERALD_ACTOR: '' })).toMatch(
      /^The configuration has 3 problems:\n {2}HERALD_ACTOR is set but blank.*\n {2}HTTP_PORT must be.*\n {2}SMTP_URL names no host/s,
    );
  });

  it('accepts what is right, and lists that may be empty', () => {
    expect(refusal({ HTTP_PORT: '3000', SMTP_URL: 'smtps://user:p%40ss@mail.example.com:465', PUBLIC_BASE_URL: 'https://herald.example.com/', SLACK_ADMINS: 'U0123ABCD, S0456EFGH', CONTENT_BLOCKLIST: '' })).toBeNull();
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://herald.example.com/' }, '/tmp').http.publicBaseUrl).toBe('https://herald.example.com');
    expect(loadConfig({ HTTP_PORT: ' 8080 ' }, '/tmp').http.port).toBe(8080);
    const slack = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_ALERTS_CHANNEL: 'C0ALERTS', SLACK_ONCALL_GROUP: 'S0ONCALL' }, '/tmp').slack;
    expect(slack).toMatchObject({ alertsChannel: 'C0ALERTS', oncallGroup: 'S0ONCALL' });
  });
});

describe('scheduler settings', () => {
  it('reads DIGEST_CRON and OVERDUE_AFTER_MINUTES, with defaults', () => {
    expect(loadConfig({}, '/tmp')).toMatchObject({ digestCron: '0 9 * * *', overdueAfterMs: 5 * 60_000 });
    expect(loadConfig({ DIGEST_CRON: ' 30 8 * * 1-5 ', OVERDUE_AFTER_MINUTES: '15' }, '/tmp')).toMatchObject({ digestCron: '30 8 * * 1-5', overdueAfterMs: 15 * 60_000 });
  });
});

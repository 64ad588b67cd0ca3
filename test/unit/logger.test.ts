import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { configSecrets, loadConfig } from '../../src/config.js';
import { createLogger, eventLog, REDACTED, type HeraldLogger } from '../../src/adapters/logging/logger.js';

/** A logger writing into memory, and its lines parsed. */
function capture(level: Parameters<typeof createLogger>[0]['level'], secrets: string[] = []): { log: HeraldLogger; lines: () => Record<string, any>[]; raw: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const log = createLogger({ level, secrets, destination });
  const raw = () => chunks.join('');
  return { log, raw, lines: () => raw().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

// A real key: the configuration refuses one that does not load.
const DKIM_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();

describe('the logger', () => {
  it('writes one JSON object per line with its level name, time, message and fields', () => {
    const { log, lines } = capture('info');
    log.info('unsubscribed', { messageId: '42', campaignId: 7 });
    log.child({ edge: 'http' }).warn('bad signature', { path: '/webhooks/twilio/status' });
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', msg: 'unsubscribed', messageId: '42', campaignId: 7, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
      expect.objectContaining({ level: 'warn', msg: 'bad signature', edge: 'http', path: '/webhooks/twilio/status' }),
    ]);
  });

  it('writes only LOG_LEVEL and above', () => {
    const { log, lines } = capture('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines().map((l) => l.level)).toEqual(['warn', 'error']);
    expect(log.isLevelEnabled('info')).toBe(false);
    const silent = capture('silent');
    silent.log.fatal('nothing');
    expect(silent.raw()).toBe('');
  });

  it('gives the domain its event port: the event is the message and a field, at the level asked', () => {
    const { log, lines } = capture('debug');
    const events = eventLog(log);
    events('delivery.suspended', { campaignId: 3, runId: 9, reason: 'error budget spent' }, 'warn');
    events('delivery.completed', { campaignId: 3 });
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'delivery.suspended', event: 'delivery.suspended', campaignId: 3, runId: 9 }),
      expect.objectContaining({ level: 'info', msg: 'delivery.completed', event: 'delivery.completed', campaignId: 3 }),
    ]);
  });

  it('blanks fields named like secrets, at the top, one or two levels down and in headers', () => {
    const { log, raw, lines } = capture('debug');
    log.error('smtp failed', {
      password: 'hunter2-password',
      token: 'xoxb-123-top',
      config: { botToken: 'xoxb-123-nested', signingSecret: 'sign-nested', twilio: { authToken: 'twilio-two-deep' } },
      headers: { authorization: 'Basic dXNlcjpwYXNz', 'content-type': 'text/plain' },
      request: { headers: { cookie: 'session=abc' } },
      messageId: '17',
    });
    const line = lines()[0]!;
    expect(line.password).toBe(REDACTED);
    expect(line.token).toBe(REDACTED);
    expect(line.config).toEqual({ botToken: REDACTED, signingSecret: REDACTED, twilio: { authToken: REDACTED } });
    expect(line.headers).toEqual({ authorization: REDACTED, 'content-type': 'text/plain' });
    expect(line.request.headers.cookie).toBe(REDACTED);
    expect(line.messageId).toBe('17');
    for (const secret of ['hunter2', 'xoxb-123', 'sign-nested', 'twilio-two-deep', 'dXNlcjpwYXNz', 'session=abc']) expect(raw()).not.toContain(secret);
  });

  it('blanks the configured secret values wherever they turn up: messages, other fields, URLs, escaped keys', () => {
    const env = {
      HERALD_SECRET: 'herald-link-secret-0123456789',
      SMTP_URL: 'smtp://mailer:p%40ss%2Fw0rd!@smtp.example.com:587',
      DATABASE_URL: 'postgresql://herald:db-pa55word@db.example.com:5432/herald',
      TWILIO_ACCOUNT_SID: `AC${'b2'.repeat(16)}`,
      TWILIO_AUTH_TOKEN: 'twilio-auth-token-abcdef',
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-bot-token',
      SLACK_SIGNING_SECRET: 'slack-signing-secret-9876',
      DKIM_DOMAIN: 'example.com',
      DKIM_SELECTOR: 's1',
      DKIM_PRIVATE_KEY: DKIM_KEY.replace(/\n/g, '\\n'),
    };
    const secrets = configSecrets(loadConfig(env));
    expect(secrets).toEqual(expect.arrayContaining(['herald-link-secret-0123456789', 'p@ss/w0rd!', 'db-pa55word', 'twilio-auth-token-abcdef', 'xoxb-1111-2222-bot-token', 'slack-signing-secret-9876', DKIM_KEY]));
    const { log, raw } = capture('debug', secrets);
    log.error(`connect failed for ${env.DATABASE_URL}`, { url: env.SMTP_URL, detail: `auth with p@ss/w0rd! refused`, key: DKIM_KEY, line: DKIM_KEY.split('\n')[1], campaignId: 5 });
    log.debug('webclient', { body: `token=${env.SLACK_BOT_TOKEN}&channel=C1`, note: env.TWILIO_AUTH_TOKEN, secretish: env.HERALD_SECRET, sig: env.SLACK_SIGNING_SECRET });
    const out = raw();
    for (const secret of secrets) {
      expect(out).not.toContain(secret);
      expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
      expect(out).not.toContain(encodeURIComponent(secret));
    }
    for (const keyLine of DKIM_KEY.split('\n').slice(1, -1)) expect(out).not.toContain(keyLine);
    expect(out).not.toContain('p%40ss%2Fw0rd!');
    // The rest of each line survives: what failed and for which campaign.
    expect(out).toContain('connect failed for postgresql://herald:[redacted]@db.example.com:5432/herald');
    expect(out).toContain('"campaignId":5');
  });

  it('blanks a secret Herald made itself from the moment it is added, in children too', () => {
    const { log, raw } = capture('info');
    const child = log.child({ edge: 'http' });
    log.addSecret('generated-db-password-xyz');
    child.info('connected to postgresql://herald:generated-db-password-xyz@127.0.0.1:5432/herald');
    expect(raw()).not.toContain('generated-db-password-xyz');
    expect(raw()).toContain('postgresql://herald:[redacted]@127.0.0.1');
  });
});

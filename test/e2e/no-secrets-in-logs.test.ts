import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeTwilioServer, type FakeTwilioServer } from '../fakes/twilio-server.js';
import { FakeSlackApi } from '../fakes/slack-api-server.js';
import { form, postSigned } from '../fakes/slack-signing.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp-sink.js';
import { startHerald, tempDir, type HeraldExit } from '../support/herald-process.js';
import { createEmptyDatabase } from '../support/test-database.js';

const tmp = tempDir('herald-secrets-');
let sink: SmtpSink | undefined;
let twilio: FakeTwilioServer | undefined;
let slack: FakeSlackApi | undefined;
let dropDatabase = async () => {};
afterAll(async () => {
  await sink?.close();
  await twilio?.close();
  await slack?.stop();
  await dropDatabase();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every line a process wrote to stderr, parsed: each must be one JSON log line. */
function logLines(run: HeraldExit): Record<string, any>[] {
  return run.stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, any>;
      } catch {
        throw new Error(`stderr line that is not a log line: ${line}`);
      }
    });
}

describe('secrets never reach the output', () => {
  it('an email and SMS send from a script and a Slack command, at LOG_LEVEL=debug, print none of the configured secrets', { timeout: 180_000 }, async () => {
    const smtpPass = `smtp-${crypto.randomBytes(9).toString('base64url')}`;
    sink = await startSmtpSink({ auth: { user: 'mailer', pass: smtpPass } });
    sink.verdict = (to) => (to === 'bounce@s.example.com' ? { code: 550, text: '5.1.1 No such user' } : 'accept');
    const twilioToken = `twilio-${crypto.randomBytes(12).toString('hex')}`;
    twilio = await startFakeTwilioServer({ authToken: twilioToken });
    slack = new FakeSlackApi();
    await slack.start();
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
    const dkimKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
    // A database URL with a password in it (the test run's embedded server generated it).
    const db = await createEmptyDatabase('embedded', 'herald_secrets');
    dropDatabase = db.drop;
    const dbPassword = decodeURIComponent(new URL(db.url).password);
    expect(dbPassword.length).toBeGreaterThan(8);

    const secrets = {
      SMTP_URL: smtpPass,
      TWILIO_AUTH_TOKEN: twilioToken,
      HERALD_SECRET: `herald-${crypto.randomBytes(16).toString('hex')}`,
      DKIM_PRIVATE_KEY: dkimKey,
      DATABASE_URL: dbPassword,
      SLACK_BOT_TOKEN: `xoxb-${crypto.randomBytes(6).toString('hex')}-${crypto.randomBytes(10).toString('hex')}`,
      SLACK_SIGNING_SECRET: crypto.randomBytes(16).toString('hex'),
    };
    const env: NodeJS.ProcessEnv = {
      LOG_LEVEL: 'debug',
      HERALD_DATA_DIR: path.join(tmp, 'data'),
      HERALD_ACTOR: 'secrets-test',
      DATABASE_URL: db.url,
      SMTP_URL: sink.url.replace('smtp://', `smtp://mailer:${encodeURIComponent(smtpPass)}@`),
      SMTP_POOL_SIZE: '2',
      EMAIL_RATE_PER_SECOND: '1000',
      SMS_SEGMENTS_PER_SECOND: '1000',
      SMS_SEND_WINDOW: '00:00-23:59',
      HERALD_SECRET: secrets.HERALD_SECRET,
      DKIM_DOMAIN: 's.example.com',
      DKIM_SELECTOR: 'herald',
      DKIM_PRIVATE_KEY: dkimKey.replace(/\n/g, '\\n'),
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilioToken,
      TWILIO_API_BASE_URL: twilio.url,
      TWILIO_FROM: '+14155550100',
    };

    // 1. A script: contacts, both channels, a bounce and a Twilio error, sent before it exits.
    const csv = path.join(tmp, 'contacts.csv');
    fs.writeFileSync(csv, 'email,phone,first_name\na@s.example.com,+14155550101,A\nb@s.example.com,+14155550102,B\nbounce@s.example.com,+14155550103,C\n');
    twilio.failNext({ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const script = [
      `/campaign contacts import ${csv} --list Secret`,
      '/campaign templates create Mail --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@s.example.com',
      '/campaign templates create Text --channel sms --text "Hi {{ first_name }}"',
      '/campaign new --name Mail --channel email --template Mail --list Secret',
      '/campaign new --name Text --channel sms --template Text --list Secret',
      '/campaign run C-1001',
      '/campaign run C-1002',
    ].join('\n');
    const scripted = await startHerald(`${script}\n`, env).exited;
    expect(scripted.code, scripted.stderr.slice(-3000)).toBe(0);
    // It really sent, through the authenticated SMTP server and the token-checked Twilio.
    expect(sink.perRecipient().get('a@s.example.com')).toBe(1);
    expect(sink.mails[0]!.raw).toMatch(/^DKIM-Signature: /m);
    expect(twilio.requests.length).toBe(3);
    expect(twilio.requests.every((r) => r.authorized)).toBe(true);

    // 2. Slack mode on the same data: a signed slash command, a forged one, /healthz and /metrics.
    const served = startHerald('', { ...env, SLACK_BOT_TOKEN: secrets.SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET: secrets.SLACK_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SLACK_ADMINS: 'UADMIN' });
    let early = '';
    const slackUrl = await new Promise<string>((resolve, reject) => {
      served.child.stderr!.on('data', (d: Buffer) => {
        early += d.toString();
        const m = /HTTP on (http:\/\/[^ ]+\/slack\/events)/.exec(early);
        if (m) resolve(m[1]!);
      });
      void served.exited.then((e) => reject(new Error(`Herald exited: ${e.stderr.slice(-3000)}`)));
    });
    const responseUrl = slack.responseUrl('show');
    const command = form({ command: '/campaign', text: 'show C-1001', user_id: 'UADMIN', user_name: 'admin', team_id: 'T1', channel_id: 'CCHAN', response_url: responseUrl, trigger_id: 'trig-1' });
    expect((await postSigned(slackUrl, secrets.SLACK_SIGNING_SECRET, { body: command })).status).toBe(200);
    const answer = await slack.waitFor((c) => c.method === 'response');
    expect(JSON.stringify(answer.body)).toContain('C-1001');
    expect((await postSigned(slackUrl, 'not-the-signing-secret', { body: command })).status).toBe(401);
    const base = slackUrl.replace(/\/slack\/events$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^herald_slack_ack_duration_seconds_count [1-9]/m);
    served.child.kill('SIGTERM');
    const slackRun = await served.exited;
    expect(slackRun.code, slackRun.stderr.slice(-3000)).toBe(0);

    // Nothing either process printed holds a secret, in any form a line could carry it.
    const printed = [scripted.stdout, scripted.stderr, slackRun.stdout, slackRun.stderr].join('\n');
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])) {
        expect(printed.includes(form), `${name} appears in the output`).toBe(false);
      }
    }
    for (const keyLine of dkimKey.split('\n').slice(1, -1)) expect(printed.includes(keyLine), 'a line of DKIM_PRIVATE_KEY appears in the output').toBe(false);

    // stdout is the console's replies only; every stderr line is a log line.
    expect(scripted.stdout.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
    expect(scripted.stdout).toMatch(/Sent what was due before exiting/);
    const lines = [...logLines(scripted), ...logLines(slackRun)];
    // Debug was on, and the lines about messages carry their campaign, run and message ids.
    const outcomes = lines.filter((l) => l.event === 'delivery.outcome');
    expect(outcomes.filter((l) => l.level === 'debug').length).toBe(6);
    for (const l of outcomes) {
      expect(l).toEqual(expect.objectContaining({ campaignId: expect.any(Number), runId: expect.any(Number), messageId: expect.any(String), status: expect.any(String) }));
    }
    expect(outcomes.map((l) => l.status)).toEqual(expect.arrayContaining(['delivered', 'bounced']));
    // Bolt's own debug lines went through the logger too (Web API calls with the bot token in them).
    expect(lines.some((l) => l.level === 'debug' && l.source && /http request/.test(l.msg))).toBe(true);
  });
});

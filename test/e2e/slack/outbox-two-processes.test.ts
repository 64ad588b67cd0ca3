import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../../fakes/slack-api-server.js';
import { form, postSigned } from '../../fakes/slack-signing.js';
import { createdId } from '../../support/delivery-fixtures.js';
import { runHerald, serveHerald, tempDir, type ServedHerald } from '../../support/herald-process.js';
import { createEmptyDatabase } from '../../support/test-database.js';

const tmp = tempDir('herald-outbox-');
const slack = new FakeSlackApi();
const served: ServedHerald[] = [];
let dropDatabase = async () => {};
afterAll(async () => {
  for (const s of served) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  await slack.stop();
  await dropDatabase();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The external PostgreSQL when the run has one (several processes on one server, as replicas run), else the embedded server. */
const engine = process.env.HERALD_TEST_POSTGRES_URL ? 'postgres' : 'embedded';

describe('notifications travel between processes through the outbox', () => {
  it(
    "a cancel requested in Slack and approved from a separate console process edits the serve process's alert in place and DMs the requester; a second replica posts nothing twice",
    { timeout: 180_000 },
    async () => {
      await slack.start();
      const db = await createEmptyDatabase(engine, 'herald_outbox');
      dropDatabase = db.drop;
      const secret = crypto.randomBytes(16).toString('hex');
      // Slow enough that the campaign is still sending when the approver decides.
      const contacts = path.join(tmp, 'big.csv');
      fs.writeFileSync(contacts, ['email,first_name', ...Array.from({ length: 200 }, (_, i) => `p${i}@big.example.com,P${i}`)].join('\n'));
      const shared = { DATABASE_URL: db.url, EMAIL_RATE_PER_SECOND: '1', SCHEDULER_TICK_SECONDS: '1', HERALD_DATA_DIR: path.join(tmp, 'data') };
      const slackEnv = {
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: slack.apiUrl,
        SLACK_ADMINS: 'UADMIN',
        SLACK_MARKETERS: 'UMARK',
        SLACK_ALERTS_CHANNEL: 'CALERTS',
        SLACK_ACTIVITY_CHANNEL: 'CACT',
      };
      // Two replicas with Slack on one database: both relay the outbox, one at a time.
      const replica = serveHerald({ ...shared, ...slackEnv, HERALD_DATA_DIR: path.join(tmp, 'data-1') });
      served.push(replica);
      const port = await replica.ready;
      const second = serveHerald({ ...shared, ...slackEnv, HERALD_DATA_DIR: path.join(tmp, 'data-2') });
      served.push(second);
      await second.ready;
      const url = `http://127.0.0.1:${port}/slack/events`;
      let n = 0;
      const command = async (text: string, user = 'UADMIN') => {
        n += 1;
        const responseUrl = slack.responseUrl(`c${n}`);
        const body = form({ command: '/campaign', text, user_id: user, user_name: user.toLowerCase(), team_id: 'T1', channel_id: 'CCHAN', response_url: responseUrl, trigger_id: `t${n}` });
        expect((await postSigned(url, secret, { body })).status).toBe(200);
        const answer = await slack.waitFor((c) => c.method === 'response' && c.body.__url === `/response/c${n}`);
        return JSON.stringify(answer.body);
      };
      await command(`contacts import ${contacts} --list Big`);
      await command('templates create Welcome --channel email --subject "Hi" --text "Hello" --from-email news@example.com');
      const created = await command('new --name "Big send" --channel email --template Welcome --list Big');
      const id = String(createdId(created));
      await command(`run C-${id}`);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const status = async () => (await client.query(`SELECT status::text AS status FROM campaign WHERE id = $1`, [id])).rows[0]?.status as string;
        // The activity thread says when the delivery tick started it.
        await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CACT' && Boolean(c.body.thread_ts) && /started sending/.test(String(c.body.text)));
        expect(await status()).toBe('sending');

        // The marketer's cancel of a sending campaign asks for an approver: one alert.
        const asked = await command(`cancel C-${id} --confirm C-${id} --reason "wrong list"`, 'UMARK');
        expect(asked).toMatch(/A-\d+/);
        const alert = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CALERTS' && /needs an approver/.test(String(c.body.text)));
        const aid = /\(A-(\d+)\)/.exec(String(alert.body.text))![1];

        // The approver decides from the console: another process, with no Slack at all.
        const script = await runHerald(`/campaign approve A-${aid}\n`, { ...shared, HERALD_DATA_DIR: path.join(tmp, 'data-console'), HERALD_ACTOR: 'alice' });
        expect(script.code, script.stdout + script.stderr).toBe(0);
        expect(script.stdout).toMatch(new RegExp(`Approved A-${aid}`));
        expect(await status()).toBe('cancelled');

        // The serve processes hear of it through the outbox: the same alert edited, the requester told.
        const edited = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'CALERTS' && /Approved by alice \(console\)/.test(JSON.stringify(c.body.blocks)));
        expect(JSON.stringify(edited.body.blocks)).toContain(`C-${id} is cancelled`);
        // In place: the message the alert was posted as (slack_alert keeps its ts).
        const stored = (await client.query(`SELECT ts FROM slack_alert WHERE kind = 'approval' AND subject_id = $1`, [aid])).rows[0] as { ts: string };
        expect(edited.body.ts).toBe(stored.ts);
        expect(stored.ts).toMatch(/^\d+\.\d+$/);
        // The activity thread has the console's decision too.
        await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'CACT' && /: cancelled/.test(String(c.body.text)));
        const dm = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'UMARK');
        expect(String(dm.body.text)).toBe(`alice (console) approved your request A-${aid} to cancel C-${id}: it is cancelled.`);

        // Both replicas relay; each notification reached Slack once.
        await Promise.all(served.map(async (s) => (s.child.kill('SIGTERM'), expect((await s.exited).code, s.output().slice(-3000)).toBe(0))));
        expect(slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CALERTS')).toHaveLength(1);
        expect(slack.callsOf('chat.update').filter((c) => c.body.channel === 'CALERTS' && /Approved by/.test(JSON.stringify(c.body.blocks)))).toHaveLength(1);
        expect(slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'UMARK')).toHaveLength(1);
        expect(slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CACT' && !c.body.thread_ts)).toHaveLength(1);
        const replies = slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CACT' && c.body.thread_ts).map((c) => String(c.body.text));
        expect(new Set(replies).size).toBe(replies.length);
        const cursor = (await client.query(`SELECT last_id::text AS last FROM notification_cursor WHERE consumer = 'slack'`)).rows[0]?.last as string;
        const last = (await client.query(`SELECT max(id)::text AS last FROM notification_outbox`)).rows[0]?.last as string;
        expect(cursor).toBe(last);
      } finally {
        await client.end();
      }
    },
  );
});

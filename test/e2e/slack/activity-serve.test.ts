import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../../fakes/slack-api-server.js';
import { form, postSigned } from '../../fakes/slack-signing.js';
import { createdId } from '../../support/delivery-fixtures.js';
import { serveHerald, tempDir } from '../../support/herald-process.js';
import { createEmptyDatabase } from '../../support/test-database.js';

const tmp = tempDir('herald-activity-');
const slack = new FakeSlackApi();
let dropDatabase = async () => {};
afterAll(async () => {
  await slack.stop();
  await dropDatabase();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('activity threads in the served process', () => {
  it('a campaign launched by a Slack command gets its live card in SLACK_ACTIVITY_CHANNEL, edited to completed by the running service; SIGTERM exits 0', { timeout: 120_000 }, async () => {
    await slack.start();
    const db = await createEmptyDatabase('embedded', 'herald_activity_serve');
    dropDatabase = db.drop;
    const secret = crypto.randomBytes(16).toString('hex');
    const served = serveHerald({
      HERALD_DATA_DIR: path.join(tmp, 'data'),
      DATABASE_URL: db.url,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ADMINS: 'UADMIN',
      SLACK_ACTIVITY_CHANNEL: 'CACT',
      SCHEDULER_TICK_SECONDS: '1',
      EMAIL_RATE_PER_SECOND: '1000',
    });
    const port = await served.ready;
    const url = `http://127.0.0.1:${port}/slack/events`;
    let n = 0;
    const command = async (text: string) => {
      n += 1;
      const responseUrl = slack.responseUrl(`c${n}`);
      const body = form({ command: '/campaign', text, user_id: 'UADMIN', user_name: 'admin', team_id: 'T1', channel_id: 'CCHAN', response_url: responseUrl, trigger_id: `t${n}` });
      expect((await postSigned(url, secret, { body })).status).toBe(200);
      const answer = await slack.waitFor((c) => c.method === 'response' && c.body.__url === `/response/c${n}`);
      return JSON.stringify(answer.body);
    };
    await command('contacts import test/fixtures/contacts-tour.csv --list Newsletter');
    await command('templates create Welcome --channel email --subject "Hi" --text "Hello" --from-email news@example.com');
    const created = await command('new --name "Served sale" --channel email --template Welcome --list Newsletter');
    const id = String(createdId(created));
    await command(`run C-${id}`);
    const parent = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CACT' && !c.body.thread_ts);
    expect(String(parent.body.text)).toContain(`C-${id}`);
    await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'CACT' && /: completed/.test(String(c.body.text)));
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CACT' && Boolean(c.body.thread_ts) && /finished sending/.test(String(c.body.text)));
    served.child.kill('SIGTERM');
    const exit = await served.exited;
    expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
    expect(slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CACT' && !c.body.thread_ts)).toHaveLength(1);
  });
});

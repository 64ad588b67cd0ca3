import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerError } from 'smtp-server';

export interface SunkMail {
  to: string;
  raw: string;
}

/** How the sink answers a recipient: accept, or an SMTP reply code with its text. */
export type SinkVerdict = 'accept' | { code: number; text: string };

export interface SmtpSink {
  url: string;
  mails: SunkMail[];
  /** Mails received per recipient: the "nobody got two" check. */
  perRecipient(): Map<string, number>;
  /** Decide per recipient (tests change it between attempts). */
  verdict: (to: string) => SinkVerdict;
  onMail?: (mail: SunkMail) => void;
  /**
   * A slow server: the reply to a received message waits until this resolves (the mail is already
   * in `mails` and `onMail` has seen it), so a test can hold a send in flight and release it.
   */
  holdReply?: (mail: SunkMail) => Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server on loopback that keeps what it receives and answers each recipient as told. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    mails: [],
    verdict: () => 'accept',
    perRecipient() {
      const counts = new Map<string, number>();
      for (const m of sink.mails) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
      return counts;
    },
    close: async () => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      const verdict = sink.verdict(address.address.toLowerCase());
      if (verdict === 'accept') return callback();
      return callback(Object.assign(new Error(verdict.text), { responseCode: verdict.code }) as SMTPServerError);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const received: SunkMail[] = [];
        for (const rcpt of session.envelope.rcptTo) {
          const mail = { to: rcpt.address.toLowerCase(), raw };
          sink.mails.push(mail);
          received.push(mail);
          sink.onMail?.(mail);
        }
        const hold = sink.holdReply;
        if (!hold) return callback();
        void Promise.all(received.map((m) => hold(m))).then(() => callback());
      });
    },
  });
  // A client killed mid-session resets its socket; that is the point of some tests, not a failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

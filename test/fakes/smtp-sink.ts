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
   * Holds a message before the server answers its DATA: the sender waits with the message in
   * flight until the promise settles, and only then is it accepted (and counted in `mails`).
   */
  hold?: (to: string[]) => Promise<void>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that keeps what it receives and answers each recipient as told.
 * With `auth`, clients must log in (PLAIN or LOGIN, over plain text: loopback only) with exactly it.
 */
export async function startSmtpSink(options: { auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const { auth } = options;
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
    authOptional: !auth,
    ...(auth
      ? {
          allowInsecureAuth: true,
          authMethods: ['PLAIN', 'LOGIN'],
          onAuth(given, _session, callback) {
            if (given.username === auth.user && given.password === auth.pass) return callback(null, { user: given.username });
            return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }) as SMTPServerError);
          },
        }
      : {}),
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
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const accept = () => {
          for (const address of to) {
            const mail = { to: address, raw };
            sink.mails.push(mail);
            sink.onMail?.(mail);
          }
          callback();
        };
        if (sink.hold) void sink.hold(to).then(accept);
        else accept();
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

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerError } from 'smtp-server';
import type { Clock } from '../../../domain/ports/clock.js';

export interface CaptureSmtpServerOptions {
  /** Folder the `.eml` files go to; created when missing. */
  dir: string;
  /** Names files by time; defaults to the system clock (file names are not business time). */
  clock?: Clock;
  /** Largest message accepted, in bytes. */
  maxMessageBytes?: number;
}

/** A running capture server; `url` is what the SMTP provider is pointed at. */
export interface CaptureSmtpServer {
  url: string;
  port: number;
  dir: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
const systemClock: Clock = { now: () => new Date() };

/**
 * The local capture behind the embedded default: a real SMTP server on loopback that keeps every
 * message as an `.eml` file, so captured mail has gone through exactly the path real mail takes
 * (rendering, headers, DKIM, pooling, SMTP) and can be opened in any mail client.
 */
export async function startCaptureSmtpServer(options: CaptureSmtpServerOptions): Promise<CaptureSmtpServer> {
  const dir = options.dir;
  const clock = options.clock ?? systemClock;
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  await mkdir(dir, { recursive: true });
  let sequence = 0;

  const server = new SMTPServer({
    // Loopback only and nothing to protect: no TLS, no login, no banner chatter in the logs.
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: maxBytes,
    onData(stream, _session, callback) {
      sequence += 1;
      const name = `${fileStamp(clock.now())}-${String(sequence).padStart(6, '0')}-${randomBytes(3).toString('hex')}.eml`;
      // Written under a dot-name and renamed, so the outbox reader never sees half a message.
      const partial = path.join(dir, `.${name}.partial`);
      pipeline(stream, createWriteStream(partial, { flags: 'wx' }))
        .then(async () => {
          if (stream.sizeExceeded) {
            await rm(partial, { force: true });
            const err: SMTPServerError = new Error(`Message exceeds the capture limit of ${maxBytes} bytes`);
            err.responseCode = 552;
            return callback(err);
          }
          await rename(partial, path.join(dir, name));
          callback(null, `Captured as ${name}`);
        })
        .catch(async (cause: unknown) => {
          await rm(partial, { force: true }).catch(() => undefined);
          const err: SMTPServerError = new Error(`Capture could not store the message: ${String(cause)}`);
          err.responseCode = 451;
          callback(err);
        });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  // Errors on a single client connection must not take the process down.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    dir,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // smtp-server otherwise waits 30 s for idle pooled clients to say QUIT.
        for (const connection of server.connections) connection.close();
      }),
  };
}

/** Sortable and safe in file names on every OS: 20261123T060205123Z. */
function fileStamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

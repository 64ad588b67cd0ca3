import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../src/adapters/channels/smtp-email-provider.js';

/** Shaped like nodemailer's errors: `_formatError` sets code, response and responseCode. */
function smtpError(code: string, response?: string, message = 'Message failed'): Error {
  const err = new Error(response ? `${message}: ${response}` : message) as Error & Record<string, unknown>;
  err.code = code;
  if (response) {
    err.response = response;
    const basic = /^\d{3}/.exec(response);
    if (basic) err.responseCode = Number(basic[0]);
  }
  return err;
}

describe('classifySmtpError', () => {
  it.each([
    // 4xx: retry later
    ['421 4.7.0 Try again later, closing connection', 'retryable', 'connection'],
    ['421 4.7.28 Our system has detected an unusual rate of unsolicited mail', 'retryable', 'rate_limited'],
    ['421 Too many concurrent SMTP connections; please try again later', 'retryable', 'rate_limited'],
    ['450 4.2.1 The user you are trying to contact is receiving mail too quickly; slow down', 'retryable', 'rate_limited'],
    ['450 4.1.1 Mailbox temporarily unavailable', 'retryable', 'temporary'],
    ['451 4.3.0 Temporary local problem', 'retryable', 'temporary'],
    ['451 4.7.1 Greylisted, please try again in 5 minutes', 'retryable', 'temporary'],
    ['452 4.2.2 The email account that you tried to reach is over quota', 'retryable', 'mailbox_full'],
    ['452 4.2.2 Mailbox full', 'retryable', 'mailbox_full'],
    ['452 4.3.1 Insufficient system resources', 'retryable', 'temporary'],
    ['452 4.5.3 Too many recipients', 'retryable', 'temporary'],
    // 5xx: the recipient
    ['550 5.1.1 The email account that you tried to reach does not exist', 'permanent', 'invalid_recipient'],
    ['551 5.1.6 User has moved', 'permanent', 'invalid_recipient'],
    ['553 5.1.3 Invalid address syntax', 'permanent', 'invalid_recipient'],
    ['550 5.1.10 Recipient address rejected: null MX', 'permanent', 'invalid_recipient'],
    ['550 5.2.1 The email account that you tried to reach is disabled', 'permanent', 'invalid_recipient'],
    ['550 Requested action not taken: mailbox unavailable', 'permanent', 'invalid_recipient'],
    ['550 No such user here', 'permanent', 'invalid_recipient'],
    ['552 5.2.2 Mailbox full', 'permanent', 'mailbox_full'],
    ['552 Requested mail action aborted: exceeded storage allocation', 'permanent', 'mailbox_full'],
    ['550 5.2.2 The email account that you tried to reach is over quota', 'permanent', 'mailbox_full'],
    // 5xx: filtering and content
    ['554 5.7.1 Message rejected as spam', 'permanent', 'blocked'],
    ['550 5.7.1 Service unavailable, client host blocked using Spamhaus', 'permanent', 'blocked'],
    ['554 Transaction failed', 'permanent', 'blocked'],
    ['550 5.7.1 Message content rejected, spam content detected', 'permanent', 'content_rejected'],
    ['554 5.7.1 Virus found in message', 'permanent', 'content_rejected'],
    ['552 5.3.4 Message size exceeds fixed limit', 'permanent', 'content_rejected'],
    ['552 Message too large', 'permanent', 'content_rejected'],
    ['554 5.6.0 Malformed message', 'permanent', 'content_rejected'],
    // 5xx: our side
    ['535 5.7.8 Username and Password not accepted', 'permanent', 'account'],
    ['530 5.7.0 Authentication required', 'permanent', 'account'],
    ['554 5.7.1 Relay access denied', 'permanent', 'account'],
    ['550 5.4.5 Daily user sending quota exceeded', 'permanent', 'account'],
    ['550 5.7.26 Unauthenticated email from example.com is not accepted due to domain\'s DMARC policy', 'permanent', 'configuration'],
    ['550 5.7.1 Email rejected per SPF policy', 'permanent', 'configuration'],
    ['553 5.1.8 Sender address rejected: domain not found', 'permanent', 'configuration'],
    // 5xx: anything else
    ['500 5.5.1 Unrecognized command', 'permanent', 'provider_error'],
    ['503 5.5.1 Bad sequence of commands', 'permanent', 'provider_error'],
    ['550 5.3.0 Mail system error', 'permanent', 'provider_error'],
    // Microsoft's directory-based edge blocking: the recipient is not in the tenant.
    ['550 5.4.1 Recipient address rejected: Access denied', 'permanent', 'invalid_recipient'],
  ] as const)('%s -> %s %s', (response, outcome, category) => {
    const result = classifySmtpError(smtpError('EENVELOPE', response));
    expect(result).toEqual({ outcome, category, reason: response });
  });

  it('classifies errors that carry no server reply by nodemailer code', () => {
    const cases = [
      ['ECONNECTION', 'Connection closed unexpectedly', 'retryable', 'connection'],
      ['ESOCKET', 'connect ECONNREFUSED 127.0.0.1:2525', 'retryable', 'connection'],
      ['ETIMEDOUT', 'Greeting never received', 'retryable', 'connection'],
      ['EDNS', 'getaddrinfo ENOTFOUND smtp.example.com', 'permanent', 'configuration'],
      ['EDNS', 'getaddrinfo EAI_AGAIN smtp.example.com', 'retryable', 'connection'],
      ['EPROTOCOL', 'Invalid greeting', 'retryable', 'provider_error'],
      ['EAUTH', 'Missing credentials for "PLAIN"', 'permanent', 'account'],
      ['ETLS', 'Error initiating TLS', 'permanent', 'configuration'],
      ['EMESSAGE', 'Message size larger than allowed 1000', 'permanent', 'content_rejected'],
      ['EENVELOPE', 'Invalid recipient "not an address"', 'permanent', 'invalid_recipient'],
      ['EENVELOPE', 'Invalid sender ""', 'permanent', 'configuration'],
      ['EWHATEVER', 'Something new', 'permanent', 'provider_error'],
    ] as const;
    for (const [code, message, outcome, category] of cases) {
      expect(classifySmtpError(smtpError(code, undefined, message)), code).toEqual({ outcome, category, reason: message });
    }
  });

  it('reads the reply code from the response text when responseCode is missing', () => {
    const err = Object.assign(new Error('Data command failed'), { code: 'EENVELOPE', response: '550 5.1.1 User unknown' });
    expect(classifySmtpError(err)).toMatchObject({ outcome: 'permanent', category: 'invalid_recipient' });
  });

  it('keeps the reply code over the nodemailer code: an EAUTH with a 4xx reply is retryable', () => {
    const err = smtpError('EAUTH', '454 4.7.0 Temporary authentication failure');
    expect(classifySmtpError(err)).toMatchObject({ outcome: 'retryable', category: 'temporary' });
  });

  it('never throws, whatever it is given', () => {
    expect(classifySmtpError('boom')).toEqual({ outcome: 'permanent', category: 'provider_error', reason: 'boom' });
    expect(classifySmtpError(null)).toMatchObject({ outcome: 'permanent', category: 'provider_error' });
    expect(classifySmtpError(undefined)).toMatchObject({ outcome: 'permanent', category: 'provider_error' });
  });

  it('bounds the reason so one odd reply cannot bloat the ledger', () => {
    const long = `550 5.1.1 ${'x'.repeat(5000)}`;
    expect(classifySmtpError(smtpError('EENVELOPE', long)).reason).toHaveLength(1000);
  });
});

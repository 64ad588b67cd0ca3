import { describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { classifyTwilioError, mapTwilioStatus } from '../../src/adapters/channels/twilio-sms-provider.js';

function restException(status: number, code?: number, message = 'scripted'): Error {
  return new twilio.RestException({ statusCode: status, body: code === undefined ? '' : { code, message, status } });
}

function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyTwilioError', () => {
  it.each([
    ['429 without a code', restException(429), 'retryable', 'rate_limited'],
    ['20429 too many requests', restException(429, 20429), 'retryable', 'rate_limited'],
    ['30001 queue overflow', restException(400, 30001), 'retryable', 'rate_limited'],
    ['500 on create', restException(500), 'permanent', 'ambiguous'],
    ['503 on create', restException(503, 20500), 'permanent', 'ambiguous'],
    ['21610 replied STOP', restException(400, 21610), 'permanent', 'opted_out'],
    ['21211 invalid To', restException(400, 21211), 'permanent', 'invalid_recipient'],
    ['21614 not a mobile number', restException(400, 21614), 'permanent', 'invalid_recipient'],
    ['21217 not a valid phone number', restException(400, 21217), 'permanent', 'invalid_recipient'],
    ['21612 To not reachable', restException(400, 21612), 'permanent', 'invalid_recipient'],
    ['20003 authentication', restException(401, 20003), 'permanent', 'account'],
    ['401 without a code', restException(401), 'permanent', 'account'],
    ['20005 account not active', restException(403, 20005), 'permanent', 'account'],
    ['20008 test credentials', restException(403, 20008), 'permanent', 'account'],
    ['21408 region permission', restException(400, 21408), 'permanent', 'account'],
    ['21606 From not capable', restException(400, 21606), 'permanent', 'configuration'],
    ['21603 From missing', restException(400, 21603), 'permanent', 'configuration'],
    ['21212 invalid From', restException(400, 21212), 'permanent', 'configuration'],
    ['21659 From not a Twilio number', restException(400, 21659), 'permanent', 'configuration'],
    ['other 400', restException(400, 21602), 'permanent', 'provider_error'],
    ['404', restException(404, 20404), 'permanent', 'provider_error'],
    ['ECONNREFUSED', networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'retryable', 'connection'],
    ['ECONNRESET after sending (may have been queued)', networkError('ECONNRESET', 'read ECONNRESET'), 'permanent', 'ambiguous'],
    ['connect ETIMEDOUT (never reached Twilio)', networkError('ETIMEDOUT', 'connect ETIMEDOUT'), 'retryable', 'connection'],
    ['ETIMEDOUT reading the answer', networkError('ETIMEDOUT', 'read ETIMEDOUT'), 'permanent', 'ambiguous'],
    ['socket hang up', new Error('socket hang up'), 'permanent', 'ambiguous'],
    ['something unexplained', new TypeError('x is not a function'), 'permanent', 'ambiguous'],
  ])('%s -> %s %s', (_name, error, outcome, category) => {
    const result = classifyTwilioError(error);
    expect(result.outcome).toBe(outcome);
    expect(result.category).toBe(category);
    expect(result.reason).toBeTruthy();
  });

  it('keeps the raw status, code and message in the reason', () => {
    expect(classifyTwilioError(restException(400, 21610, 'Attempt to send to unsubscribed recipient')).reason).toBe(
      'HTTP 400 Twilio 21610 Attempt to send to unsubscribed recipient',
    );
  });

  it('honours a Retry-After the client attached', () => {
    const error = Object.assign(restException(429, 20429), { retryAfterMs: 7000 });
    expect(classifyTwilioError(error)).toMatchObject({ outcome: 'retryable', category: 'rate_limited', retryAfterMs: 7000 });
    expect(classifyTwilioError(restException(429, 20429))).not.toHaveProperty('retryAfterMs');
  });

  it('survives non-errors', () => {
    expect(classifyTwilioError(undefined).outcome).toBe('permanent');
    expect(classifyTwilioError('boom')).toMatchObject({ outcome: 'permanent', category: 'ambiguous' });
  });
});

describe('mapTwilioStatus', () => {
  it.each([
    ['queued', null, 'sending', null],
    ['accepted', null, 'sending', null],
    ['scheduled', null, 'sending', null],
    ['sending', null, 'sending', null],
    ['sent', null, 'sending', null],
    ['something-new', null, 'sending', null],
    ['delivered', null, 'delivered', null],
    ['read', null, 'delivered', null],
    ['undelivered', '30003', 'bounced', 'invalid_recipient'],
    ['undelivered', '30005', 'bounced', 'invalid_recipient'],
    ['failed', '30006', 'bounced', 'invalid_recipient'],
    ['undelivered', '30007', 'blocked', 'blocked'],
    ['undelivered', '30004', 'blocked', 'blocked'],
    ['failed', '21610', 'opted_out', 'opted_out'],
    ['undelivered', '30008', 'failed', 'provider_error'],
    ['failed', '30001', 'failed', 'temporary'],
    ['undelivered', '30036', 'failed', 'expired'],
    ['failed', '30036', 'failed', 'expired'],
    ['failed', null, 'failed', 'provider_error'],
    ['undelivered', '12345', 'failed', 'provider_error'],
    ['canceled', null, 'failed', 'provider_error'],
    ['DELIVERED', '', 'delivered', null],
  ])('%s %s -> %s %s', (status, code, want, category) => {
    expect(mapTwilioStatus(status, code)).toEqual({ status: want, category });
  });

  it('accepts numeric error codes', () => {
    expect(mapTwilioStatus('undelivered', 30007)).toEqual({ status: 'blocked', category: 'blocked' });
  });
});

import { describe, expect, it } from 'vitest';
import { refusal } from '../../support/config-refusal.js';
import { loadConfig } from '../../../src/config.js';

describe('tracking and SMS price settings', () => {
  it('defaults: IPs kept whole, a 60 s bot window, 5 s bursts, a 250 ms flush, SMS unpriced', () => {
    const c = loadConfig({}, '/tmp');
    expect(c.tracking).toEqual({ anonymizeIp: false, botWindowMs: 60_000, burstWindowMs: 5_000, flushMs: 250 });
    expect(c.smsPricing).toBeNull();
  });

  it('reads prices as exact micros, prefixes longest first', () => {
    expect(loadConfig({ SMS_PRICE_PER_SEGMENT: '0.0079' }, '/tmp').smsPricing).toEqual({ prefixes: [], fallbackMicros: 7900 });
    expect(loadConfig({ SMS_PRICE_PER_SEGMENT: '+1=0.0079, +447=0.05,+44=0.04,*=0.1', TRACKING_ANONYMIZE_IP: 'true', TRACKING_BOT_WINDOW_SECONDS: '0' }, '/tmp')).toMatchObject({
      smsPricing: { prefixes: [{ prefix: '+447', micros: 50_000 }, { prefix: '+44', micros: 40_000 }, { prefix: '+1', micros: 7900 }], fallbackMicros: 100_000 },
      tracking: { anonymizeIp: true, botWindowMs: 0 },
    });
  });

  it.each([
    [{ SMS_PRICE_PER_SEGMENT: 'cheap' }, /^SMS_PRICE_PER_SEGMENT has "cheap" for every destination: give an amount such as 0\.0079/],
    [{ SMS_PRICE_PER_SEGMENT: '0.0000001' }, /at most six decimals/],
    [{ SMS_PRICE_PER_SEGMENT: '44=0.04' }, /^SMS_PRICE_PER_SEGMENT has the prefix "44": give a \+/],
    [{ SMS_PRICE_PER_SEGMENT: '+1=0.01,+1=0.02' }, /gives \+1 twice/],
    [{ SMS_PRICE_PER_SEGMENT: '0.01,+1=0.02' }, /mixes a bare price/],
    [{ SMS_PRICE_PER_SEGMENT: ' , ' }, /^SMS_PRICE_PER_SEGMENT is empty/],
    [{ TRACKING_ANONYMIZE_IP: 'yes' }, /^TRACKING_ANONYMIZE_IP must be true or false/],
    [{ TRACKING_BOT_WINDOW_SECONDS: '1m' }, /^TRACKING_BOT_WINDOW_SECONDS must be a whole number/],
    [{ TRACKING_FLUSH_MS: '1' }, /^TRACKING_FLUSH_MS must be at least 10/],
  ])('%j is refused, naming the variable', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });
});

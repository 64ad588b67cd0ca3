import { describe, expect, it } from 'vitest';
import { HmacTokenSigner } from '../../../src/adapters/crypto/hmac-token-signer.js';
import { anonymizeIp } from '../../../src/domain/tracking/anonymize-ip.js';
import { addOpenPixel, htmlLinks, rewriteHtmlLinks, rewriteTextLinks, textLinks } from '../../../src/domain/tracking/rewrite-links.js';
import { signClick, signOpen, verifyClick, verifyOpen } from '../../../src/domain/tracking/tracking-tokens.js';
import { smsCostMicros } from '../../../src/domain/metrics/sms-pricing.js';
import { UNSUBSCRIBE_PURPOSE } from '../../../src/http/routes/unsubscribe.js';
import { trackMessage, type MessageTracking } from '../../../src/domain/tracking/track-message.js';

describe('anonymizeIp (TRACKING_ANONYMIZE_IP)', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:203.0.113.77', '203.0.113.0/24'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::/48'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['999.1.1.1', null],
    ['not an address', null],
    ['1:2:3:4:5:6:7:8:9', null],
  ])('%s -> %s', (ip, kept) => {
    expect(anonymizeIp(ip)).toBe(kept);
  });
});

describe('tracking tokens', () => {
  const signer = new HmacTokenSigner('tracking-test-secret-0123456789');
  it('round-trips and refuses other purposes', () => {
    const open = signOpen(signer, '1234');
    expect(verifyOpen(signer, open)).toBe('1234');
    expect(verifyClick(signer, open)).toBeNull();
    expect(signer.verify(UNSUBSCRIBE_PURPOSE, open)).toBeNull();
    const click = signClick(signer, { messageId: '1234', linkId: 7, links: 3, pixel: true });
    expect(verifyClick(signer, click)).toEqual({ messageId: '1234', linkId: 7, links: 3, pixel: true });
    expect(verifyOpen(signer, click)).toBeNull();
  });
  it('refuses a signed payload that is not in the one canonical form', () => {
    expect(verifyClick(signer, signer.sign('click', '01234.7.3.1'))).toBeNull();
    expect(verifyClick(signer, signer.sign('click', '1234.7.3'))).toBeNull();
    expect(verifyClick(signer, signer.sign('click', '1234.7.3.2'))).toBeNull();
    expect(verifyOpen(signer, signer.sign('open', '0'))).toBeNull();
  });
});

describe('link rewriting', () => {
  const html = `<html><body><p>Hi <a href="https://shop.example.com/sale?a=1&amp;b=2" class="x">sale</a>
    <a href='https://shop.example.com/b'>b</a> <a href="mailto:x@example.com">mail</a> <a href="#top">top</a>
    <a data-herald-notrack href="https://private.example.com/">kept</a>
    <a href="https://herald.example.com/u/TOKEN">unsubscribe</a></p></body></html>`;
  it('finds the trackable links as a browser would follow them', () => {
    expect(htmlLinks(html)).toEqual(['https://shop.example.com/sale?a=1&b=2', 'https://shop.example.com/b', 'https://herald.example.com/u/TOKEN']);
    expect(textLinks('See https://shop.example.com/sale. Or (https://a.example.com/x)!')).toEqual(['https://shop.example.com/sale', 'https://a.example.com/x']);
  });
  it('rewrites only what replace returns, drops the opt-out marker, adds the pixel before </body>', () => {
    const out = rewriteHtmlLinks(html, (u) => (u.includes('herald.example.com') ? null : `https://t.example.com/c/${encodeURIComponent(u)}`));
    expect(out).toContain('href="https://t.example.com/c/https%3A%2F%2Fshop.example.com%2Fsale%3Fa%3D1%26b%3D2" class="x"');
    expect(out).toContain('href="https://herald.example.com/u/TOKEN"');
    expect(out).toContain('<a href="https://private.example.com/">kept</a>');
    expect(out).toContain('href="mailto:x@example.com"');
    const withPixel = addOpenPixel(out, 'https://t.example.com/o/abc');
    expect(withPixel).toMatch(/<img src="https:\/\/t\.example\.com\/o\/abc"[^>]*\/><\/body>/);
    expect(addOpenPixel('<p>fragment</p>', 'https://t/o/x')).toMatch(/^<p>fragment<\/p><img /);
  });
  it('rewrites text URLs and keeps the sentence punctuation', () => {
    expect(rewriteTextLinks('Sale: https://shop.example.com/sale. Bye', () => 'https://h.example.com/c/T')).toBe('Sale: https://h.example.com/c/T. Bye');
  });
});

describe('SMS pricing', () => {
  const pricing = { prefixes: [{ prefix: '+447', micros: 50_000 }, { prefix: '+44', micros: 40_000 }, { prefix: '+1', micros: 7_900 }], fallbackMicros: 60_000 };
  it('takes the longest prefix, else the fallback, times the segments', () => {
    expect(smsCostMicros(pricing, '+14155550100', 2)).toBe(15_800);
    expect(smsCostMicros(pricing, '+447700900123', 1)).toBe(50_000);
    expect(smsCostMicros(pricing, '+442079460000', 3)).toBe(120_000);
    expect(smsCostMicros(pricing, '+33612345678', 1)).toBe(60_000);
    expect(smsCostMicros({ prefixes: [], fallbackMicros: null }, '+33612345678', 1)).toBeNull();
  });
});

describe('trackMessage', () => {
  const registered: string[][] = [];
  const tracking: MessageTracking = {
    registerLinks: async (_campaignId, urls) => {
      registered.push([...urls]);
      return new Map(urls.map((u, i) => [u, i + 1]));
    },
    clickUrl: (t) => `https://h.example.com/c/${t.messageId}-${t.linkId}-${t.links}-${t.pixel ? 1 : 0}`,
    openUrl: (id) => `https://h.example.com/o/${id}`,
    isOwn: (u) => u.startsWith('https://h.example.com/'),
  };
  const base = { messageId: '9', campaignId: 1, runId: 1, channel: 'email', to: 'a@example.com' };

  it('registers each destination once, rewrites HTML and text alike, leaves Herald’s own links', async () => {
    const out = await trackMessage(tracking, 1, {
      ...base,
      html: '<body><a href="https://s.example.com/a">a</a><a href="https://s.example.com/b">b</a><a href="https://h.example.com/u/X">u</a></body>',
      text: 'a: https://s.example.com/a u: https://h.example.com/u/X',
    });
    expect(registered.at(-1)).toEqual(['https://s.example.com/a', 'https://s.example.com/b']);
    expect(out.html).toBe('<body><a href="https://h.example.com/c/9-1-2-1">a</a><a href="https://h.example.com/c/9-2-2-1">b</a><a href="https://h.example.com/u/X">u</a><img src="https://h.example.com/o/9" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" /></body>');
    expect(out.text).toBe('a: https://h.example.com/c/9-1-2-1 u: https://h.example.com/u/X');
  });

  it('an SMS: short links, no pixel', async () => {
    const out = await trackMessage(tracking, 1, { ...base, channel: 'sms', text: 'Sale https://s.example.com/a!' });
    expect(out.text).toBe('Sale https://h.example.com/c/9-1-1-0!');
  });

  it('a template marked data-herald-notrack on <body> is not tracked at all', async () => {
    const before = registered.length;
    const html = '<html><body data-herald-notrack class="x"><a href="https://s.example.com/a">a</a></body></html>';
    const out = await trackMessage(tracking, 1, { ...base, html, text: 'https://s.example.com/a' });
    expect(out.html).toBe('<html><body class="x"><a href="https://s.example.com/a">a</a></body></html>');
    expect(out.text).toBe('https://s.example.com/a');
    expect(registered.length).toBe(before);
  });
});

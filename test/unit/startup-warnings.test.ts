import { describe, expect, it } from 'vitest';
import { effectivePublicBaseUrl, loadConfig, startupWarnings } from '../../src/config.js';

const warningsFor = (env: NodeJS.ProcessEnv, port = 3000) => startupWarnings(loadConfig(env), port);

describe('start-up warnings: unsubscribe links must be https:// where recipients see them (RFC 8058)', () => {
  it.each([
    ['https://herald.example.com'],
    ['https://herald.example.com:8443/base'],
    // Plain http on this machine is a local trial, not a campaign reaching mailboxes.
    ['http://localhost:3000'],
    ['http://herald.localhost'],
    ['http://127.0.0.1:3000'],
    ['http://127.1.2.3'],
    ['http://[::1]:3000'],
  ])('PUBLIC_BASE_URL=%s: none', (url) => {
    expect(warningsFor({ PUBLIC_BASE_URL: url })).toEqual([]);
  });

  it.each([['http://herald.example.com'], ['http://herald.example.com:8080/x'], ['http://192.0.2.10'], ['http://[2001:db8::1]']])(
    'PUBLIC_BASE_URL=%s: one line naming PUBLIC_BASE_URL and https',
    (url) => {
      const warnings = warningsFor({ PUBLIC_BASE_URL: url });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).not.toContain('\n');
      expect(warnings[0]).toMatch(/^Warning: PUBLIC_BASE_URL is http:\/\/\S+: unsubscribe links would be plain http:\/\/, .*RFC 8058.*https:\/\/.*Set PUBLIC_BASE_URL/);
    },
  );

  it('names the link origin when PUBLIC_BASE_URL is unset and Herald listens beyond loopback', () => {
    expect(warningsFor({ HTTP_HOST: '0.0.0.0' }, 4100)).toEqual([
      expect.stringMatching(/^Warning: PUBLIC_BASE_URL is not set, so unsubscribe links would be plain http:\/\/0\.0\.0\.0:4100 \(from HTTP_HOST\), .*Set PUBLIC_BASE_URL/),
    ]);
    expect(warningsFor({ HTTP_HOST: '::' })).toHaveLength(1);
    // The default host is loopback: a local trial needs no HTTPS.
    expect(warningsFor({})).toEqual([]);
    expect(warningsFor({ HTTP_HOST: '::1' })).toEqual([]);
  });

  it('builds the fallback link address from the bound port, IPv6 hosts in brackets', () => {
    expect(effectivePublicBaseUrl(loadConfig({}), 4100)).toBe('http://127.0.0.1:4100');
    expect(effectivePublicBaseUrl(loadConfig({ HTTP_HOST: '::1' }), 4100)).toBe('http://[::1]:4100');
    expect(effectivePublicBaseUrl(loadConfig({ PUBLIC_BASE_URL: 'https://h.example.com/' }), 4100)).toBe('https://h.example.com');
  });
});

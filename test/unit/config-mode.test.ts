import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };

describe('mode: console, or the long-lived service (serve)', () => {
  it('is the console by default, and the service with Slack configured (Slack mode is the service plus Bolt)', () => {
    expect(loadConfig({}).mode).toBe('console');
    expect(loadConfig(slack).mode).toBe('serve');
  });

  it('HERALD_MODE chooses, and a command-line argument wins over it', () => {
    expect(loadConfig({ HERALD_MODE: 'serve' }).mode).toBe('serve');
    expect(loadConfig({ ...slack, HERALD_MODE: 'console' }).mode).toBe('console');
    expect(loadConfig({}, '/', ['serve']).mode).toBe('serve');
    expect(loadConfig({ HERALD_MODE: 'serve' }, '/', ['console']).mode).toBe('console');
  });

  it('refuses an unknown mode, naming the variable or the argument', () => {
    expect(() => loadConfig({ HERALD_MODE: 'server' })).toThrow(/HERALD_MODE must be one of: console, serve/);
    expect(() => loadConfig({}, '/', ['--serve'])).toThrow(ConfigError);
    expect(() => loadConfig({}, '/', ['--serve'])).toThrow(/--serve.*console or serve/s);
    expect(() => loadConfig({}, '/', ['serve', 'now'])).toThrow(/serve now/);
  });
});

describe('SHUTDOWN_TIMEOUT_SECONDS', () => {
  it('defaults to 25 s, under the 30 s Docker and Kubernetes give before SIGKILL', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(25_000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_SECONDS: '5' }).shutdownTimeoutMs).toBe(5_000);
  });

  it('refuses what is not a whole number of seconds from 1', () => {
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_SECONDS: '0' })).toThrow(/SHUTDOWN_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_SECONDS: 'soon' })).toThrow(/SHUTDOWN_TIMEOUT_SECONDS/);
  });
});

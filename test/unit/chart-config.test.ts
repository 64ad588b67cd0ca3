import { describe, expect, it } from 'vitest';
import { chartServiceUrl, ConfigError, loadConfig } from '../../src/config.js';

describe('QUICKCHART_URL: where charts are drawn', () => {
  it('unset means Herald’s own /chart, over loopback when HTTP_HOST listens on every address', () => {
    expect(loadConfig({}, '/tmp').charts.quickchartUrl).toBeNull();
    expect(chartServiceUrl(loadConfig({}, '/tmp'), 3000)).toBe('http://127.0.0.1:3000');
    expect(chartServiceUrl(loadConfig({ HTTP_HOST: '0.0.0.0' }, '/tmp'), 4123)).toBe('http://127.0.0.1:4123');
    expect(chartServiceUrl(loadConfig({ HTTP_HOST: '::' }, '/tmp'), 4123)).toBe('http://[::1]:4123');
    expect(chartServiceUrl(loadConfig({ HTTP_HOST: 'fd00::5' }, '/tmp'), 80)).toBe('http://[fd00::5]:80');
  });

  it('set means that QuickChart server (trailing slashes dropped: quickchart-js adds /chart)', () => {
    expect(chartServiceUrl(loadConfig({ QUICKCHART_URL: 'https://quickchart.io/' }, '/tmp'), 3000)).toBe('https://quickchart.io');
    expect(chartServiceUrl(loadConfig({ QUICKCHART_URL: 'http://charts.internal:3400/qc' }, '/tmp'), 3000)).toBe('http://charts.internal:3400/qc');
  });

  it('refuses what is not an http(s) base URL, naming the variable', () => {
    for (const bad of ['quickchart.io', 'ftp://quickchart.io', 'https://quickchart.io/?key=1']) {
      expect(() => loadConfig({ QUICKCHART_URL: bad }, '/tmp')).toThrow(ConfigError);
      expect(() => loadConfig({ QUICKCHART_URL: bad }, '/tmp')).toThrow(/^QUICKCHART_URL /);
    }
    expect(() => loadConfig({ QUICKCHART_URL: ' ' }, '/tmp')).toThrow(/QUICKCHART_URL is set but blank/);
  });
});

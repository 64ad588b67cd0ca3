import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The one sentence a bad setting gets (ConfigError), or null when it is accepted. */
export function refusal(env: NodeJS.ProcessEnv): string | null {
  try {
    loadConfig(env, '/tmp');
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHerald, tempDir } from '../support/herald-process.js';

const base = tempDir('herald-startup-');
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
const external = process.env.HERALD_TEST_POSTGRES_URL;

/** What Herald says when it cannot start: the configuration status, one sentence, no stack. */
async function refusedWith(env: NodeJS.ProcessEnv): Promise<string> {
  const { code, stdout, stderr } = await runHerald('/campaign lists\n', { HERALD_DATA_DIR: path.join(base, 'data'), ...env });
  expect(code, stderr).toBe(78);
  expect(stdout).toBe('');
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Herald cannot start\. /);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

describe('start-up names what is wrong, exits 78, and shows no stack', () => {
  it('an unreachable DATABASE_URL, and never its password', async () => {
    const said = await refusedWith({ DATABASE_URL: 'postgresql://herald:secret-pw@127.0.0.1:1/herald' });
    expect(said).toMatch(/DATABASE_URL: nothing accepts connections at 127\.0\.0\.1:1: start PostgreSQL there/);
    expect(said).not.toContain('secret-pw');
  });

  it('a DATABASE_URL with no user', async () => {
    const said = await refusedWith({ DATABASE_URL: 'postgresql://' });
    expect(said).toMatch(/DATABASE_URL: (it names no user|nothing accepts connections)/);
  });

  it.runIf(external)('a database or a role that does not exist on the server', async () => {
    const url = new URL(external!);
    url.pathname = '/herald_no_such_database';
    expect(await refusedWith({ DATABASE_URL: url.toString() })).toMatch(/DATABASE_URL: the server at .* has no database "herald_no_such_database": create it/);
    const role = new URL(external!);
    role.username = 'herald_no_such_role';
    role.password = 'secret-pw';
    const said = await refusedWith({ DATABASE_URL: role.toString() });
    expect(said).toMatch(/DATABASE_URL: the server at .* refused user "herald_no_such_role"/);
    expect(said).not.toContain('secret-pw');
  });

  it('a HERALD_DATA_DIR that is a file, or inside /proc', async () => {
    const file = path.join(base, 'a-file');
    fs.writeFileSync(file, 'x');
    expect(await refusedWith({ HERALD_DATA_DIR: file })).toMatch(/HERALD_DATA_DIR \(.*a-file\) is a file/);
    expect(await refusedWith({ HERALD_DATA_DIR: '/proc/self/herald' })).toMatch(/HERALD_DATA_DIR is inside \/proc/);
  });

  it('an HTTP_HOST that is not an address of this machine', async () => {
    expect(await refusedWith({ HTTP_HOST: '192.0.2.1' })).toMatch(/HTTP_HOST=192\.0\.2\.1 is not an address of this machine \(not local\)/);
  });

  it('a DKIM_PRIVATE_KEY that does not load, and bad values', async () => {
    expect(await refusedWith({ DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nnope\\n-----END PRIVATE KEY-----' })).toMatch(
      /DKIM_PRIVATE_KEY is not a usable private key/,
    );
    expect(await refusedWith({ HTTP_PORT: '0x1270' })).toMatch(/HTTP_PORT must be a whole number/);
  });
});

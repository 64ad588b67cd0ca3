import { ConfigError } from '../../config.js';

/**
 * What a failure to reach DATABASE_URL means, in one sentence that names the variable and what to
 * do (PostgreSQL's SQLSTATE or the socket error), with no password in it. Null: not a problem of the
 * setting (let it surface as it is).
 */
export function databaseUrlProblem(error: unknown, url: string): ConfigError | null {
  let where = 'the server';
  let database = '';
  let user = '';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
    database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    user = decodeURIComponent(parsed.username);
  } catch {
    // an unparsable URL: the messages below stay general
  }
  const e = error as { code?: string; message?: string };
  const said = (text: string) => new ConfigError(`DATABASE_URL: ${text}`);
  switch (e.code) {
    case 'ECONNREFUSED':
      return said(`nothing accepts connections at ${where}: start PostgreSQL there, correct the host and port, or unset DATABASE_URL to use the embedded database.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return said(`the host in ${where} does not resolve: correct it.`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return said(`${where} cannot be reached from here (${e.code}): check the host, the port and the network.`);
    case '3D000':
      return said(`the server at ${where} has no database "${database}": create it (createdb ${database}) or name another.`);
    case '28000':
    case '28P01':
      return said(
        user
          ? `the server at ${where} refused user "${user}" (${e.code === '28P01' ? 'wrong password' : 'no such role, or not allowed'}): correct the user and password in the URL.`
          : `it names no user: give one, as in postgresql://user:password@${where}/${database || 'herald'}.`,
      );
    default:
      // pg's own wording when the URL names no user at all.
      if (/no PostgreSQL user name specified/i.test(e.message ?? '')) {
        return said(`it names no user: give one, as in postgresql://user:password@${where}/${database || 'herald'}.`);
      }
      return null;
  }
}

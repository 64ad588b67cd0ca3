/**
 * `npm run migration:new -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the
 * SQL that takes the committed migrations to prisma/schema.prisma. Runs offline: Prisma's schema
 * engine compiled to WebAssembly, talking to a throwaway embedded PostgreSQL (its "shadow database").
 * The Prisma CLI's `migrate dev` needs a native engine download, which this project never does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineModule from '@prisma/schema-engine-wasm/schema_engine_bg';
import { startScratchPostgres } from './embedded/scratch-postgres.js';
import { MIGRATIONS_DIR } from './migrate.js';

const SCHEMA_PATH = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));
const NO_FILTER = { externalTables: [], externalEnums: [] };

async function loadEngine(): Promise<typeof engineModule> {
  // The engine reports Rust panics through this global (the Prisma CLI installs the same object).
  const panics = { message: '', set_message(message: string) { this.message = `RuntimeError: ${message}`; } };
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof panics }).PRISMA_WASM_PANIC_REGISTRY ??= panics;
  process.on("exit", () => { if (panics.message) console.error(panics.message); });
  // The package's own entry imports the .wasm as an ES module, which Node cannot do; instantiate it here.
  const wasmUrl = new URL('schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const { instance } = await wasmRuntime().instantiate(fs.readFileSync(wasmUrl), {
    './schema_engine_bg.js': engineModule as unknown as Record<string, unknown>,
  });
  engineModule.__wbg_set_wasm(instance.exports as Parameters<typeof engineModule.__wbg_set_wasm>[0]);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return engineModule;
}

/** Node's WebAssembly global; this project's `lib` (ES2023, no DOM) does not declare it. */
interface WasmRuntime {
  instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<{ instance: { exports: object } }>;
}
function wasmRuntime(): WasmRuntime {
  return (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
/** `ColumnTypeEnum.Character` of @prisma/driver-adapter-utils: what the engine expects for `"char"`. */
const CHARACTER_COLUMN = 6;

/** Row arrays of results that had `"char"` columns, with those columns' indexes. */
const charColumns = new WeakMap<object, number[]>();

/**
 * The engine reads catalog columns of PostgreSQL's one-byte `"char"` type (`contype`, `relkind`…),
 * which the pg adapter cannot map (it throws on OID 18). The client lets them through as text and
 * remembers which columns they were, keyed by the result's row array; `withCharColumns` then tells
 * the engine they are characters, which is what its schema describer reads them as.
 */
class CatalogCharClient extends pg.Client {
  override query(...args: unknown[]): never {
    const fix = (res: unknown): unknown => {
      for (const one of Array.isArray(res) ? res : [res]) {
        const result = one as pg.QueryResult | undefined;
        const indexes: number[] = [];
        (result?.fields ?? []).forEach((field, i) => {
          if (field.dataTypeID === PG_CHAR_OID) {
            field.dataTypeID = PG_TEXT_OID;
            indexes.push(i);
          }
        });
        if (indexes.length && result?.rows) charColumns.set(result.rows, indexes);
      }
      return res;
    };
    // pg.Pool#query calls Client#query with a callback; Prisma's transactions use the promise form.
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: unknown, res: unknown) => (callback as (e: unknown, r: unknown) => void)(err, err ? res : fix(res));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.then(fix) : result) as never;
  }
}

interface RawResult {
  columnTypes: number[];
  rows: unknown[];
}
type Queryable = { queryRaw(query: unknown): Promise<RawResult>; startTransaction?(...args: unknown[]): Promise<Queryable> };

/** Wraps an adapter (and the transactions it starts) so `"char"` columns come back as characters. */
function withCharColumns<T extends object>(queryable: T): T {
  return new Proxy(queryable, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'queryRaw') {
        return async (query: unknown) => {
          const result = await (target as unknown as Queryable).queryRaw(query);
          for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = CHARACTER_COLUMN;
          return result;
        };
      }
      if (prop === 'startTransaction') {
        return async (...args: unknown[]) => withCharColumns(await (target as unknown as Required<Queryable>).startTransaction(...args));
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function charAwareFactory(factory: PrismaPg): PrismaPg {
  return new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop === 'connect' || prop === 'connectToShadowDb') {
        return async () => withCharColumns(await (target[prop] as () => Promise<object>).call(target));
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function migrationList(): engineModule.MigrationList {
  const dirs = fs.existsSync(MIGRATIONS_DIR)
    ? fs.readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const lockPath = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((dir) => ({
      path: dir,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: fs.readFileSync(path.join(MIGRATIONS_DIR, dir, 'migration.sql'), 'utf8') },
      },
    })),
  } as engineModule.MigrationList;
}

/** The SQL from the committed migrations to the schema file; empty when they already match. */
export async function diffMigrationsToSchema(): Promise<string> {
  const wasm = await loadEngine();
  const shadow = await startScratchPostgres('herald-shadow-');
  const adapter = charAwareFactory(new PrismaPg({ connectionString: shadow.url, Client: CatalogCharClient }));
  try {
    const schema = fs.readFileSync(SCHEMA_PATH, 'utf8');
    const files = [{ path: SCHEMA_PATH, content: schema }];
    const engine = await wasm.SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(adapter));
    const list = migrationList();
    const result = await engine.diff({
      from: list.migrationDirectories.length > 0 ? { tag: 'migrations', ...list } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      shadowDatabaseUrl: null,
      exitCode: null,
      filters: NO_FILTER,
    } as engineModule.DiffParams);
    const sql = (result.stdout ?? '').trim();
    return sql === '' || sql.startsWith('-- This is an empty migration.') ? '' : `${sql}\n`;
  } finally {
    await shadow.close();
  }
}

async function main(): Promise<void> {
  const name = (process.argv[2] ?? '').trim();
  const check = name === '--check';
  if (!check && !/^[a-z0-9_]+$/.test(name)) {
    console.error('Usage: npm run migration:new -- <name_in_snake_case>   |   npm run migration:check');
    process.exit(2);
  }
  const sql = await diffMigrationsToSchema();
  if (check) {
    if (sql) {
      console.error('prisma/schema.prisma differs from prisma/migrations. Author a migration:\n' + sql);
      process.exit(1);
    }
    console.log('prisma/migrations match prisma/schema.prisma.');
    process.exit(0);
  }
  if (!sql) {
    console.log('No schema changes: nothing to write.');
    process.exit(0);
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
  const lock = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  if (!fs.existsSync(lock)) {
    fs.writeFileSync(lock, '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n');
  }
  console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql — review it, then commit it with the schema change.`);
  // The wasm engine leaves a timer running; a CLI exits explicitly.
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

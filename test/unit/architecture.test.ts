import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : files(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

function resolveLayer(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return path.relative(SRC, path.resolve(path.dirname(file), spec));
}

describe('dependencies point inward (STYLE.md)', () => {
  it('keeps the domain free of SDKs, I/O, adapters, edges, env and the wall clock', () => {
    const sdk = /^(@prisma|@slack|nodemailer|twilio|node-cron|quickchart-js|pg$|@electric-sql|csv-parse|node:fs|node:http|node:net|liquidjs)/;
    const offenders: string[] = [];
    for (const file of files(path.join(SRC, 'domain'))) {
      const rel = path.relative(SRC, file);
      for (const spec of imports(file)) {
        const target = resolveLayer(file, spec);
        if (sdk.test(spec) || /^(adapters|commands|console|slack|http|jobs)\//.test(target) || /^(config|wiring|main)(\.js)?$/.test(target)) {
          offenders.push(`${rel} imports ${spec}`);
        }
      }
      const text = fs.readFileSync(file, 'utf8');
      if (/process\.env/.test(text)) offenders.push(`${rel} reads process.env`);
      if (/Date\.now\(\)|new Date\(\)/.test(text)) offenders.push(`${rel} reads the wall clock (use the Clock port)`);
    }
    expect(offenders).toEqual([]);
  });

  it('lets only adapters/db import the Prisma client', () => {
    const offenders = files(SRC)
      .filter((f) => !path.relative(SRC, f).startsWith(`adapters${path.sep}db`))
      .filter((f) => imports(f).some((s) => s.startsWith('@prisma') || s.includes('/generated/')))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('keeps adapters away from the edges', () => {
    const offenders = files(path.join(SRC, 'adapters'))
      .filter((f) => imports(f).some((s) => /^(commands|console|slack|http|jobs)\//.test(resolveLayer(f, s))))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('reads process.env only in config.ts', () => {
    const offenders = files(SRC)
      .filter((f) => !['config.ts'].includes(path.relative(SRC, f)))
      .filter((f) => !path.relative(SRC, f).startsWith(`adapters${path.sep}db${path.sep}author-migration`))
      .filter((f) => /process\.env/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles, SRC } from '../support/source-files.js';

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
    for (const file of sourceFiles(path.join(SRC, 'domain'))) {
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

  it('keeps the command layer on the domain: no adapters, SDKs or edges; they reach it through ports from wiring.ts', () => {
    const sdk = /^(@prisma|@slack|nodemailer|twilio|node-cron|quickchart-js|pg$|csv-parse|csv-stringify|liquidjs)/;
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(SRC, 'commands'))) {
      for (const spec of imports(file)) {
        const target = resolveLayer(file, spec);
        if (sdk.test(spec) || /^(adapters|console|slack|http|jobs)\//.test(target) || /^(config|wiring|main)(\.js)?$/.test(target)) {
          offenders.push(`${path.relative(SRC, file)} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
    // Not vacuous: the scan reads the command layer's imports.
    expect(sourceFiles(path.join(SRC, 'commands')).some((f) => imports(f).some((s) => resolveLayer(f, s).startsWith('domain')))).toBe(true);
  });

  it('lets only adapters/db import the Prisma client', () => {
    const offenders = sourceFiles(SRC)
      .filter((f) => !path.relative(SRC, f).startsWith(`adapters${path.sep}db`))
      .filter((f) => imports(f).some((s) => s.startsWith('@prisma') || s.includes('/generated/')))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('keeps adapters away from the edges', () => {
    const offenders = sourceFiles(path.join(SRC, 'adapters'))
      .filter((f) => imports(f).some((s) => /^(commands|console|slack|http|jobs)\//.test(resolveLayer(f, s))))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('reads process.env only in config.ts', () => {
    const offenders = sourceFiles(SRC)
      .filter((f) => !['config.ts'].includes(path.relative(SRC, f)))
      .filter((f) => !path.relative(SRC, f).startsWith(`adapters${path.sep}db${path.sep}author-migration`))
      .filter((f) => /process\.env/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});

/** The one file that writes the campaign table; in it, only these functions set `status`. */
const CAMPAIGN_WRITES = path.join('adapters', 'db', 'campaign-writes.ts');
const STATUS_WRITERS = ['applyTransition', 'insertCampaign'];

interface CampaignWrite {
  index: number;
  statement: string;
  /** Whether the statement may set `status` (or hides what it sets behind a spread). */
  setsStatus: boolean;
}

/** The text from an opening bracket at `start` to its matching close (strings and templates are not special-cased: good enough for this code). */
function balanced(text: string, start: number): string {
  const open = text[start]!;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

/** The argument with its `where: {…}` conditions removed: what is left is what the call writes. */
function withoutConditions(argument: string): string {
  let out = argument;
  for (let m = /\bwhere\s*:\s*\{/.exec(out); m; m = /\bwhere\s*:\s*\{/.exec(out)) {
    const block = balanced(out, m.index + m[0].length - 1);
    out = out.slice(0, m.index) + out.slice(m.index + m[0].length - 1 + block.length);
  }
  return out;
}

/** Every Prisma or SQL write of the `campaign` table in a source text. */
function campaignWrites(text: string): CampaignWrite[] {
  const found: CampaignWrite[] = [];
  const prismaWrite = (written: string) => /\bstatus\b/.test(written) || /\.\.\.(?!columns\()/.test(written);
  // The campaign model's write methods, on a client or a transaction.
  for (const m of text.matchAll(/\.campaign\s*\.\s*(?:create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany)\s*\(/g)) {
    const statement = balanced(text, m.index + m[0].length - 1);
    found.push({ index: m.index, statement: m[0] + statement.slice(1), setsStatus: prismaWrite(withoutConditions(statement)) });
  }
  // Nested writes through a relation from another model: `campaign: { update: … }`.
  for (const m of text.matchAll(/\bcampaign\s*:\s*\{\s*(?:create|update|upsert|connectOrCreate|updateMany)\b/g)) {
    const statement = balanced(text, text.indexOf('{', m.index));
    found.push({ index: m.index, statement, setsStatus: prismaWrite(withoutConditions(statement)) });
  }
  // SQL, quoted or not, schema-qualified or not; up to the end of the template literal or string.
  for (const m of text.matchAll(/\b(update(?:\s+only)?|insert\s+into|merge\s+into|copy|delete\s+from)\s+(?:"?public"?\s*\.\s*)?"?campaign"?(?![\w$"])/gi)) {
    const rest = text.slice(m.index);
    const end = rest.indexOf(stringOpener(text, m.index), m[0].length);
    const statement = end > 0 ? rest.slice(0, end) : rest;
    const verb = m[1]!.toLowerCase();
    const written = verb.startsWith('update')
      ? (/\bset\b([\s\S]*?)(?:\bwhere\b|\bfrom\b|\breturning\b|$)/i.exec(statement)?.[1] ?? statement)
      : verb.startsWith('delete')
        ? ''
        : statement;
    found.push({ index: m.index, statement, setsStatus: /\bstatus\b/i.test(written) });
  }
  return found;
}

/** The quote that opened the string or template literal holding `index`. */
function stringOpener(text: string, index: number): string {
  const before = text.slice(0, index);
  if ((before.match(/`/g)?.length ?? 0) % 2 === 1) return '`';
  return before.lastIndexOf('"') > before.lastIndexOf("'") ? '"' : "'";
}

function enclosingFunction(text: string, index: number): string | null {
  const names = [...text.slice(0, index).matchAll(/\bfunction\s+(\w+)/g)];
  return names.at(-1)?.[1] ?? null;
}

describe('the transition table decides every status write', () => {
  it('finds campaign writes and what they set (the scanner itself)', () => {
    const sets = (code: string) => campaignWrites(code).map((w) => w.setsStatus);
    expect(sets("tx.campaign.updateMany({ where: { id, status: { in: from } }, data: { status: 'sending' } })")).toEqual([true]);
    expect(sets('tx.campaign.updateMany({ where: { id, status: { in: from } }, data: { name, version: { increment: 1 } } })')).toEqual([false]);
    expect(sets('this.prisma.campaign.update({ where: { id }, data: { ...fields } })')).toEqual([true]);
    expect(sets('tx.campaign.create({ data: { name, channel } })')).toEqual([false]);
    expect(sets("tx.run.update({ where: { id }, data: { campaign: { update: { status: 'queued' } } } })")).toEqual([true]);
    expect(sets("prisma.$executeRaw`UPDATE campaign SET status = 'sending' WHERE id = ${id}`")).toEqual([true]);
    expect(sets("prisma.$executeRawUnsafe('update \"campaign\" AS c set status = $1 where c.id = $2')")).toEqual([true]);
    expect(sets("prisma.$executeRaw`UPDATE campaign SET name = 'x' WHERE status = 'ready'`")).toEqual([false]);
    expect(sets("prisma.$executeRaw`INSERT INTO public.campaign (name, channel, status) VALUES ('a', 'email', 'sending')`")).toEqual([true]);
    expect(campaignWrites("prisma.$executeRaw`UPDATE run SET status = c.status FROM campaign c WHERE run.campaign_id = c.id`")).toEqual([]);
    expect(campaignWrites("prisma.$executeRaw`UPDATE campaign_segment SET mode = 'include'`")).toEqual([]);
    expect(campaignWrites("tx.campaign.findMany({ where: { status: 'sending' } })")).toEqual([]);
  });

  it(`lets only ${CAMPAIGN_WRITES} write the campaign table, and only ${STATUS_WRITERS.join(' and ')} set its status`, () => {
    const offenders: string[] = [];
    let statusWrites = 0;
    for (const file of sourceFiles(SRC)) {
      const rel = path.relative(SRC, file);
      const text = fs.readFileSync(file, 'utf8');
      for (const w of campaignWrites(text)) {
        const line = text.slice(0, w.index).split('\n').length;
        const where = `${rel}:${line} ${w.statement.replace(/\s+/g, ' ').slice(0, 80)}`;
        if (rel !== CAMPAIGN_WRITES) offenders.push(`${where} (writes the campaign table outside ${CAMPAIGN_WRITES})`);
        else if (w.setsStatus && !STATUS_WRITERS.includes(enclosingFunction(text, w.index) ?? '')) offenders.push(`${where} (sets status outside ${STATUS_WRITERS.join('/')})`);
        else if (w.setsStatus) statusWrites++;
      }
    }
    expect(offenders).toEqual([]);
    // Not vacuous: the scan does see the two writes that are allowed.
    expect(statusWrites).toBe(STATUS_WRITERS.length);
    // The columns written beside the status never include it.
    const writes = fs.readFileSync(path.join(SRC, CAMPAIGN_WRITES), 'utf8');
    const columnsBody = balanced(writes, writes.indexOf('{', writes.indexOf('function columns(')));
    expect(columnsBody).not.toMatch(/\bstatus\b/);
  });
});

/** The packages a resting Herald does not use: each is loaded by `import()` where it is first needed (README, Benchmarks). */
const LOADED_AT_FIRST_USE = ['@napi-rs/canvas', 'chart.js', 'quickchart-js', 'html-to-text', 'twilio', '@slack/bolt'];

/** The value imports of a file that load at once (`import type` and `import()` do not). */
function staticImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('start-up memory', () => {
  it(`loads ${LOADED_AT_FIRST_USE.join(', ')} at first use only: none is imported statically from main.ts`, () => {
    const reached = new Map<string, string>();
    const seen = new Set<string>();
    const visit = (file: string, via: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file)) {
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
          if (fs.existsSync(target)) visit(target, `${via} -> ${path.relative(SRC, target)}`);
        } else {
          const pkg = LOADED_AT_FIRST_USE.find((p) => spec === p || spec.startsWith(`${p}/`));
          if (pkg && !reached.has(pkg)) reached.set(pkg, `${via} -> ${spec}`);
        }
      }
    };
    visit(path.join(SRC, 'main.ts'), 'main.ts');
    expect(seen.size).toBeGreaterThan(50);
    expect([...reached.values()]).toEqual([]);
  });
});

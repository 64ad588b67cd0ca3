import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeToUtf8 } from '../../src/adapters/csv/decode-to-utf8.js';
import { readTextFile } from '../../src/adapters/files/read-text-file.js';
import { appErrorReply, MAX_ERROR_MESSAGE } from '../../src/commands/error-replies.js';
import { CommandSyntaxError, parseCommand } from '../../src/commands/grammar/parse-command.js';
import { AppError } from '../../src/domain/errors.js';
import { excerpt } from '../../src/domain/text/excerpt.js';
import { FILE_LIMITS, invalidCharacter, TEXT_LIMITS } from '../../src/domain/text/limits.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-limits-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: string | Buffer) => {
  const at = path.join(dir, name);
  fs.writeFileSync(at, bytes);
  return at;
};

function syntaxMessage(line: string): string {
  try {
    parseCommand(line);
  } catch (error) {
    if (error instanceof CommandSyntaxError) return error.message;
    throw error;
  }
  throw new Error(`parsed: ${line}`);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('excerpt', () => {
  it('quotes short values whole and cuts long ones, saying how long they were', () => {
    expect(excerpt('Newsletter')).toBe('"Newsletter"');
    expect(excerpt('a\u0000b')).toBe('"a\\u0000b"');
    expect(excerpt('x'.repeat(100_000))).toBe(`"${'x'.repeat(40)}"… (100000 characters)`);
    // Cut on characters, not UTF-16 units: no half emoji.
    expect(excerpt('😀'.repeat(50), 3)).toBe('"😀😀😀"… (50 characters)');
  });
});

describe('invalidCharacter', () => {
  it('names NUL, other control characters and unpaired surrogates; tabs, line breaks and emoji are text', () => {
    expect(invalidCharacter('ab\u0000')).toBe('contains a NUL character (U+0000) at character 3');
    expect(invalidCharacter('\u001b[31m')).toBe('contains a control character (U+001B) at character 1');
    expect(invalidCharacter('a\ud800b')).toMatch(/lone surrogate/);
    expect(invalidCharacter('tab\there\r\nnew line 😀 Zoë')).toBeNull();
  });
});

describe('one set of limits in the grammar', () => {
  const long = 'n'.repeat(TEXT_LIMITS.name + 1);
  it('refuses a name over the limit with its flag or argument, for campaigns, templates, lists and segments alike', () => {
    for (const line of [
      `new --name ${long} --channel email`,
      `templates create ${long} --channel email --text hi`,
      `lists create ${long}`,
      `segments create ${long} --where plan=pro`,
      `contacts import a.csv --list ${long}`,
    ]) {
      expect(syntaxMessage(line), line).toContain(`is ${TEXT_LIMITS.name + 1} characters; at most ${TEXT_LIMITS.name}`);
    }
    expect(() => parseCommand(`templates create ${'n'.repeat(TEXT_LIMITS.name)} --channel email --text hi`)).not.toThrow();
  });

  it('bounds tags, descriptions and their count', () => {
    expect(syntaxMessage(`new --name A --channel email --tags ${'t'.repeat(TEXT_LIMITS.tag + 1)}`)).toContain(`has a tag that is ${TEXT_LIMITS.tag + 1} characters; at most ${TEXT_LIMITS.tag}`);
    const many = Array.from({ length: TEXT_LIMITS.tagsPerCampaign + 1 }, (_, i) => `t${i}`).join(',');
    expect(syntaxMessage(`new --name A --channel email --tags ${many}`)).toContain(`at most ${TEXT_LIMITS.tagsPerCampaign}`);
    expect(syntaxMessage(`lists create A --description ${'d'.repeat(TEXT_LIMITS.description + 1)}`)).toContain(`at most ${TEXT_LIMITS.description}`);
  });

  it('never echoes a 100 kB value whole', () => {
    const huge = 'z'.repeat(100_000);
    for (const line of [`list --status ${huge}`, `${huge}`, `calendar --${huge}`, `new --name A --channel email --launch ${huge}`]) {
      expect(syntaxMessage(line).length, line.slice(0, 30)).toBeLessThan(600);
    }
  });

  it('offers the encodings contacts import reads', () => {
    expect(parseCommand('contacts import a.csv --list L --encoding latin1')).toMatchObject({ encoding: 'windows-1252' });
    expect(parseCommand('contacts import a.csv --list L --encoding UTF-8')).toMatchObject({ encoding: 'utf-8' });
    expect(syntaxMessage('contacts import a.csv --list L --encoding ebcdic')).toContain('--encoding must be one of utf-8');
  });
});

describe('error replies', () => {
  it('cut a message that quotes a value whole', () => {
    const reply = appErrorReply(new AppError('NOT_FOUND', `No segment named "${'s'.repeat(50_000)}".`));
    expect(reply.text.length).toBeLessThan(MAX_ERROR_MESSAGE + 100);
  });
});

describe('readTextFile', () => {
  const options = { field: '--text-file', maxBytes: FILE_LIMITS.text, what: 'a text body' };

  it('stops reading /dev/zero at the cap, quickly, and states the cap', async () => {
    const started = process.hrtime.bigint();
    const error = await refusal(readTextFile('/dev/zero', options));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(error.message).toBe('--text-file "/dev/zero" is larger than 200 KB, the limit for a text body.');
    expect(ms).toBeLessThan(2_000);
  });

  it('reads a file of exactly the cap, refuses one byte more', async () => {
    expect((await readTextFile(file('exact.txt', 'a'.repeat(FILE_LIMITS.text)), options)).length).toBe(FILE_LIMITS.text);
    expect((await refusal(readTextFile(file('over.txt', 'a'.repeat(FILE_LIMITS.text + 1)), options))).message).toMatch(/is larger than 200 KB/);
  });

  it('refuses NUL bytes and bytes that are not UTF-8 with the flag and the line, and drops a BOM', async () => {
    expect((await refusal(readTextFile(file('nul.html', 'line one\nhello\u0000world'), { ...options, field: '--html-file', what: 'an HTML body' }))).message).toMatch(
      /^--html-file ".*nul\.html" holds a NUL byte on line 2 \(byte 14\): an HTML body must be plain text/,
    );
    expect((await refusal(readTextFile(file('latin1.txt', Buffer.from('Gr\xfc\xdfe\n', 'latin1')), options))).message).toMatch(/is not UTF-8: line 1 has a byte \(0xFC at byte 2\)/);
    expect(await readTextFile(file('bom.txt', '\uFEFFHallo Zoë'), options)).toBe('Hallo Zoë');
  });

  it('names a missing file and a folder without a stack', async () => {
    expect((await refusal(readTextFile(path.join(dir, 'nope.txt'), options))).code).toBe('NOT_FOUND');
    expect((await refusal(readTextFile(dir, options))).message).toMatch(/is a folder, not a file/);
  });
});

describe('decodeToUtf8', () => {
  async function decode(chunks: Buffer[], encoding?: string): Promise<string> {
    async function* source() {
      yield* chunks;
    }
    let out = '';
    for await (const bytes of decodeToUtf8(source(), encoding)) out += bytes.toString('utf8');
    return out;
  }
  const split = (bytes: Buffer, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, i * size + size));

  it('passes UTF-8 through however the chunks cut its characters, without the BOM', async () => {
    const text = 'email,city\nzoë@example.com,日本 😀\n';
    for (const size of [1, 2, 3, 5]) expect(await decode(split(Buffer.from(`\uFEFF${text}`), size))).toBe(text);
  });

  it('names the line of the first byte that is not UTF-8, whatever the chunk size, and says UTF-16 for its BOM', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\nc,d\ne,'), Buffer.from([0xe9]), Buffer.from('\n')]);
    for (const size of [1, 4, 64]) await expect(decode(split(bytes, size))).rejects.toThrow(/line 3 has the byte 0xE9 \(byte 10 of the file\)/);
    await expect(decode([Buffer.from('\uFEFFemail', 'utf16le')])).rejects.toThrow(/UTF-16.*--encoding utf-16le/);
    await expect(decode([Buffer.from([0x61, 0xe2, 0x82])])).rejects.toThrow(/not UTF-8/);
  });

  it('decodes as declared: Windows-1252 and UTF-16', async () => {
    expect(await decode(split(Buffer.from('M\xfcnchen \x80', 'latin1'), 1), 'windows-1252')).toBe('München €');
    expect(await decode(split(Buffer.from('\uFEFFZoë', 'utf16le'), 1), 'utf-16le')).toBe('Zoë');
  });
});

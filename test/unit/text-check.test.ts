import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { TextCheck, type TextProblem } from '../../src/slack/files/text-check.js';

function check(bytes: Uint8Array, cuts: number[] = []): TextProblem | null {
  const c = new TextCheck();
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const problem = c.push(bytes.subarray(at, cut));
    if (problem) return problem;
    at = cut;
  }
  return c.end();
}

describe('TextCheck', () => {
  it('accepts UTF-8 text with a BOM, CRLF and characters of every length, however the chunks cut it', () => {
    const bytes = Buffer.from('\uFEFFemail,name\r\nzoë@example.com,Zoë 日本 😀\r\n', 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) expect(check(bytes, [cut])).toBeNull();
  });

  it('names the line and byte of a NUL, of a Latin-1 byte, and says UTF-16 for its byte-order mark', () => {
    expect(check(Buffer.from('a,b\nc\u0000d\n'))).toEqual({ kind: 'nul', line: 2, offset: 5 });
    expect(check(Buffer.concat([Buffer.from('email,name\nann@x.org,Ann\nzoe@x.org,Zo'), Buffer.from([0xeb]), Buffer.from('\n')]))).toEqual({ kind: 'invalid_utf8', line: 3, offset: 38 });
    expect(check(Buffer.from('\uFEFFemail', 'utf16le'))).toEqual({ kind: 'utf16', line: 1, offset: 0 });
    expect(check(Buffer.from('e\u0000m\u0000'))).toMatchObject({ kind: 'nul', line: 1 });
  });

  it('refuses overlong forms, surrogates, code points past U+10FFFF and a character cut off at the end', () => {
    for (const bad of [[0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xff]]) {
      expect(check(Uint8Array.from(bad)), bad.join(' ')).toMatchObject({ kind: 'invalid_utf8' });
    }
    expect(check(Uint8Array.from([0x61, 0xe2, 0x82]))).toMatchObject({ kind: 'truncated_utf8' });
  });

  it('agrees with Node on 20,000 random byte strings cut at random places', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Bytes drawn mostly from the lead and continuation ranges, so most strings are interesting.
    const alphabet = [0x41, 0x0a, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xc0, 0xff];
    let valid = 0;
    for (let n = 0; n < 20_000; n++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]!);
      const cuts = [Math.floor(random() * (bytes.length + 1))];
      const expected = isUtf8(bytes);
      if (expected) valid++;
      expect(check(bytes, cuts) === null, Buffer.from(bytes).toString('hex')).toBe(expected);
    }
    expect(valid).toBeGreaterThan(300);
  });
});

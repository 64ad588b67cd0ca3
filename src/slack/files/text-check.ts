/** Why some bytes are not a text file, and where (1-based line, 0-based byte offset). */
export interface TextProblem {
  kind: 'nul' | 'invalid_utf8' | 'utf16' | 'truncated_utf8';
  line: number;
  offset: number;
}

/**
 * Checks that a file is UTF-8 text, a chunk at a time (a character may straddle two chunks): every
 * byte sequence well-formed per Unicode's table 3-7 (no overlongs, no surrogates, nothing past
 * U+10FFFF), and no NUL byte, which no text file holds and every binary or UTF-16 file does.
 * Stops at the first problem and says where it is.
 */
export class TextCheck {
  private offset = 0;
  private line = 1;
  /** Continuation bytes still expected, and the range the next one must be in. */
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;
  private problem: TextProblem | null = null;

  push(chunk: Uint8Array): TextProblem | null {
    if (this.problem) return this.problem;
    if (this.offset === 0 && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      return this.fail('utf16', 0);
    }
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.need > 0) {
        if (b < this.lo || b > this.hi) return this.fail('invalid_utf8', i);
        this.need--;
        this.lo = 0x80;
        this.hi = 0xbf;
        continue;
      }
      if (b < 0x80) {
        if (b === 0x00) return this.fail('nul', i);
        if (b === 0x0a) this.line++;
        continue;
      }
      if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b === 0xe0) [this.need, this.lo] = [2, 0xa0];
      else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) this.need = 2;
      else if (b === 0xed) [this.need, this.hi] = [2, 0x9f];
      else if (b === 0xf0) [this.need, this.lo] = [3, 0x90];
      else if (b >= 0xf1 && b <= 0xf3) this.need = 3;
      else if (b === 0xf4) [this.need, this.hi] = [3, 0x8f];
      else return this.fail('invalid_utf8', i);
    }
    this.offset += chunk.length;
    return null;
  }

  /** The end of the file: a character cut off at the end is a problem too. */
  end(): TextProblem | null {
    if (this.problem) return this.problem;
    if (this.need > 0) return this.fail('truncated_utf8', 0);
    return null;
  }

  private fail(kind: TextProblem['kind'], index: number): TextProblem {
    this.problem = { kind, line: this.line, offset: this.offset + index };
    return this.problem;
  }
}

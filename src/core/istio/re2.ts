/**
 * Syntax check of RE2 regular expressions as Go's `regexp.Compile` (what Istio's webhook runs) and
 * Envoy's RE2 see them. JavaScript's RegExp is no judge here: it accepts lookarounds and
 * backreferences that RE2 refuses, and refuses `(?i)`, `(?P<name>...)`, `\pL` and `[[:alpha:]]`,
 * which RE2 accepts. The checker follows the structure of Go's `regexp/syntax` parser (Perl flags)
 * closely enough to report the same errors, in Go's wording; it does not build a program.
 */
export interface Re2Error {
  /** Go's error text, e.g. `missing closing )`. */
  code: string;
  /** The part of the expression the error is about, as Go quotes it. */
  near: string;
  offset: number;
}

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const REPEAT_LIMIT = 1000;

type Entry = 'operand' | 'paren' | 'bar';

export function checkRe2(re: string): Re2Error | null {
  try {
    new Re2Checker(re).run();
    return null;
  } catch (e) {
    if (e instanceof Re2Failure) return e.error;
    throw e;
  }
}

class Re2Failure extends Error {
  constructor(readonly error: Re2Error) {
    super(error.code);
  }
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);

class Re2Checker {
  private i = 0;
  /** A stack in the spirit of Go's parser: operands, open parens and alternation bars. */
  private stack: Entry[] = [];
  private names = new Set<string>();

  constructor(private readonly re: string) {}

  private fail(code: string, start: number, end: number): never {
    throw new Re2Failure({ code, near: this.re.slice(start, end), offset: start });
  }

  run(): void {
    const re = this.re;
    let lastRepeat = -1; // start offset of the previous repetition operator, -1 when the last item was not one
    while (this.i < re.length) {
      const start = this.i;
      const c = re[this.i];
      let repeatStart = -1;
      switch (c) {
        case '(':
          this.group();
          break;
        case '|':
          this.i++;
          this.stack.push('bar');
          break;
        case ')':
          this.closeParen(start);
          break;
        case '^':
        case '$':
        case '.':
          this.i++;
          this.stack.push('operand');
          break;
        case '[':
          this.charClass();
          this.stack.push('operand');
          break;
        case '*':
        case '+':
        case '?':
          this.i++;
          repeatStart = start;
          this.repeat(start, lastRepeat);
          break;
        case '{': {
          const end = this.braceRepeat();
          if (end < 0) {
            // Not a valid repetition: `{` is a literal.
            this.i++;
            this.stack.push('operand');
          } else {
            repeatStart = start;
            this.i = end;
            this.repeat(start, lastRepeat);
          }
          break;
        }
        case '\\':
          this.escapeAtom();
          break;
        default:
          this.i += re.codePointAt(this.i)! > 0xffff ? 2 : 1;
          this.stack.push('operand');
      }
      lastRepeat = repeatStart;
    }
    if (this.stack.includes('paren')) this.fail('missing closing )', 0, re.length);
  }

  /** Perl forbids stacking repetitions (`a**`, `a+*`); a trailing `?` makes one non-greedy. */
  private repeat(start: number, lastRepeat: number): void {
    if (this.re[this.i] === '?') this.i++;
    if (lastRepeat >= 0) this.fail('invalid nested repetition operator', lastRepeat, this.i);
    const top = this.stack[this.stack.length - 1];
    if (top !== 'operand') this.fail('missing argument to repetition operator', start, this.i);
  }

  /** End offset of `{n}`, `{n,}` or `{n,m}` at the cursor, or -1 when it is not one. */
  private braceRepeat(): number {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.re.slice(this.i));
    if (!m) return -1;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    if (min > REPEAT_LIMIT || max > REPEAT_LIMIT || (max >= 0 && min > max)) this.fail('invalid repeat count', this.i, this.i + m[0].length);
    return this.i + m[0].length;
  }

  private closeParen(start: number): void {
    this.i++;
    const open = this.stack.lastIndexOf('paren');
    if (open < 0) this.fail('unexpected )', start, start + 1);
    this.stack.length = open;
    this.stack.push('operand');
  }

  private group(): void {
    const re = this.re;
    const start = this.i;
    const rest = re.slice(this.i);
    if (rest[1] !== '?') {
      this.i++;
      this.stack.push('paren');
      return;
    }
    // Lookarounds: the most common reason a regex written for JavaScript or PCRE fails in RE2.
    const look = /^\(\?(=|!|<=|<!)/.exec(rest);
    if (look) this.fail('invalid or unsupported Perl syntax', start, start + look[0].length);
    // Named captures: (?P<name>re) and (?<name>re).
    if ((rest.length > 4 && rest[2] === 'P') || (rest.length > 5 && rest[2] === '<')) {
      const begin = rest[2] === 'P' ? 4 : 3;
      const end = rest.indexOf('>');
      if (end < 0) this.fail('invalid named capture', start, re.length);
      const name = rest.slice(begin, end);
      if (!/^\w+$/.test(name)) this.fail('invalid named capture', start, start + end + 1);
      if (this.names.has(name)) this.fail('duplicate capture group name', start, start + end + 1);
      this.names.add(name);
      this.i += end + 1;
      this.stack.push('paren');
      return;
    }
    // Flags: (?flags) or (?flags:re), flags from imsU, with at most one `-` that must be followed by one.
    let sawFlag = false;
    let sawMinus = false;
    let j = 2;
    for (; j < rest.length; j++) {
      const f = rest[j];
      if (f === 'i' || f === 'm' || f === 's' || f === 'U') {
        sawFlag = true;
        continue;
      }
      if (f === '-') {
        if (sawMinus) break;
        sawMinus = true;
        sawFlag = false;
        continue;
      }
      if (f === ':' || f === ')') {
        if (sawMinus && !sawFlag) break;
        this.i += j + 1;
        if (f === ':') this.stack.push('paren');
        return;
      }
      break;
    }
    // Atomic groups, comments, conditionals, unknown flags: RE2 has none of them.
    this.fail('invalid or unsupported Perl syntax', start, start + Math.min(j + 1, rest.length));
  }

  /** An escape outside a class: anchors, Perl classes, \Q...\E, or a single character. */
  private escapeAtom(): void {
    const re = this.re;
    const start = this.i;
    const c = re[this.i + 1];
    if (c === undefined) this.fail('trailing backslash at end of expression', start, start + 1);
    if (c === 'A' || c === 'z' || c === 'b' || c === 'B') {
      this.i += 2;
      this.stack.push('operand');
      return;
    }
    if (c === 'Q') {
      const end = re.indexOf('\\E', this.i + 2);
      this.i = end < 0 ? re.length : end + 2;
      this.stack.push('operand');
      return;
    }
    this.classEscape();
    this.stack.push('operand');
  }

  /**
   * Escapes valid both inside and outside classes: \d \s \w (and negations), \pX / \p{Name},
   * octal, \x hex, the C escapes \a \f \n \r \t \v, and any escaped punctuation.
   */
  private classEscape(): void {
    const re = this.re;
    const start = this.i;
    const c = re[this.i + 1];
    if (c === undefined) this.fail('trailing backslash at end of expression', start, start + 1);
    this.i += 2;
    if ('dDsSwW'.includes(c)) return;
    if (c === 'p' || c === 'P') {
      if (re[this.i] === '{') {
        const end = re.indexOf('}', this.i);
        if (end < 0) this.fail('invalid character class range', start, re.length);
        const name = re.slice(this.i + 1, end).replace(/^\^/, '');
        if (!/^[A-Za-z_]+$/.test(name)) this.fail('invalid character class range', start, end + 1);
        this.i = end + 1;
      } else {
        if (this.i >= re.length) this.fail('invalid character class range', start, this.i);
        this.i++;
      }
      return;
    }
    if (c >= '1' && c <= '7') {
      // A lone digit is a backreference, which RE2 does not support; two or more make an octal escape.
      if (!(re[this.i] >= '0' && re[this.i] <= '7')) this.fail('invalid escape sequence', start, this.i);
    }
    if (c >= '0' && c <= '7') {
      for (let k = 0; k < 2 && re[this.i] >= '0' && re[this.i] <= '7'; k++) this.i++;
      return;
    }
    if (c === 'x') {
      if (re[this.i] === '{') {
        const end = re.indexOf('}', this.i);
        const hex = end < 0 ? '' : re.slice(this.i + 1, end);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) this.fail('invalid escape sequence', start, end < 0 ? re.length : end + 1);
        this.i = end + 1;
      } else {
        if (!/^[0-9A-Fa-f]{2}$/.test(re.slice(this.i, this.i + 2))) this.fail('invalid escape sequence', start, Math.min(this.i + 2, re.length));
        this.i += 2;
      }
      return;
    }
    if ('afnrtv'.includes(c)) return;
    if (c.charCodeAt(0) < 0x80 && !isAlnum(c)) return;
    this.fail('invalid escape sequence', start, this.i);
  }

  private charClass(): void {
    const re = this.re;
    const start = this.i;
    this.i++;
    if (re[this.i] === '^') this.i++;
    let first = true;
    while (this.i < re.length && (re[this.i] !== ']' || first)) {
      first = false;
      // POSIX classes such as [:alpha:] (only inside a class).
      if (re.startsWith('[:', this.i)) {
        const end = re.indexOf(':]', this.i + 2);
        if (end >= 0) {
          const name = re.slice(this.i + 2, end).replace(/^\^/, '');
          if (!POSIX_CLASSES.has(name)) this.fail('invalid character class range', this.i, end + 2);
          this.i = end + 2;
          continue;
        }
      }
      const loStart = this.i;
      const lo = this.classChar();
      if (lo === null) continue; // a class escape such as \d cannot start a range
      if (re[this.i] === '-' && re[this.i + 1] !== undefined && re[this.i + 1] !== ']') {
        this.i++;
        const hi = this.classChar();
        if (hi === null || hi < lo) this.fail('invalid character class range', loStart, this.i);
      }
    }
    if (this.i >= re.length) this.fail('missing closing ]', start, re.length);
    this.i++; // the closing ]
  }

  /** One class member: its code point, or null for a multi-character class escape (\d, \pL). */
  private classChar(): number | null {
    const re = this.re;
    if (re[this.i] === '\\') {
      const start = this.i;
      const c = re[this.i + 1];
      this.classEscape();
      if (c !== undefined && 'dDsSwWpP'.includes(c)) return null;
      return escapedCodePoint(re.slice(start, this.i));
    }
    const cp = re.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

const C_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };

function escapedCodePoint(esc: string): number {
  const body = esc.slice(1);
  if (isDigit(body[0])) return parseInt(body, 8);
  if (body[0] === 'x') return parseInt(body.replace(/^x\{?|\}$/g, ''), 16);
  if (body in C_ESCAPES) return C_ESCAPES[body];
  return body.codePointAt(0)!;
}

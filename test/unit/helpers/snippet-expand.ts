/**
 * Expands a VS Code snippet body the way the editor does when the user accepts every default:
 * the grammar of https://code.visualstudio.com/docs/editing/userdefinedsnippets#_grammar, with
 * the parser's rules for escapes, nested placeholders, choices, variables and transforms
 * (vs/editor/contrib/snippet/browser/snippetParser.ts). Kept in the tests: the extension only
 * contributes the JSON files, VS Code itself expands them.
 */

type Marker = Text | Placeholder | Variable;

interface Text {
  type: 'text';
  value: string;
}

interface Transform {
  regex: RegExp;
  format: FormatPart[];
}

type FormatPart =
  | { type: 'text'; value: string }
  | { type: 'group'; index: number; shorthand?: string; ifValue?: string; elseValue?: string };

interface Placeholder {
  type: 'placeholder';
  index: number;
  children: Marker[];
  choices?: string[];
  transform?: Transform;
}

interface Variable {
  type: 'variable';
  name: string;
  children: Marker[];
  hasDefault: boolean;
  transform?: Transform;
}

/** What the user would see with a file named my-app.yaml open in a workspace named my-workspace. */
export const SNIPPET_VARIABLES: Readonly<Record<string, string>> = {
  TM_SELECTED_TEXT: '',
  TM_CURRENT_LINE: '',
  TM_CURRENT_WORD: '',
  TM_LINE_INDEX: '0',
  TM_LINE_NUMBER: '1',
  TM_FILENAME: 'my-app.yaml',
  TM_FILENAME_BASE: 'my-app',
  TM_DIRECTORY: '/workspace/deploy',
  TM_FILEPATH: '/workspace/deploy/my-app.yaml',
  RELATIVE_FILEPATH: 'deploy/my-app.yaml',
  CLIPBOARD: '',
  WORKSPACE_NAME: 'my-workspace',
  WORKSPACE_FOLDER: '/workspace',
  CURSOR_INDEX: '0',
  CURSOR_NUMBER: '1',
  CURRENT_YEAR: '2025',
  CURRENT_YEAR_SHORT: '25',
  CURRENT_MONTH: '01',
  CURRENT_MONTH_NAME: 'January',
  CURRENT_MONTH_NAME_SHORT: 'Jan',
  CURRENT_DATE: '15',
  CURRENT_DAY_NAME: 'Wednesday',
  CURRENT_DAY_NAME_SHORT: 'Wed',
  CURRENT_HOUR: '12',
  CURRENT_MINUTE: '00',
  CURRENT_SECOND: '00',
  CURRENT_SECONDS_UNIX: '1736942400',
  CURRENT_TIMEZONE_OFFSET: '+00:00',
  RANDOM: '123456',
  RANDOM_HEX: 'a1b2c3',
  UUID: '00000000-0000-4000-8000-000000000000',
  BLOCK_COMMENT_START: '',
  BLOCK_COMMENT_END: '',
  LINE_COMMENT: '#',
};

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Marker[] {
    const out: Marker[] = [];
    while (this.pos < this.src.length) this.parseOne(out, false);
    return mergeText(out);
  }

  /** One element; inside a placeholder an unescaped `}` is left for the caller to close it. */
  private parseOne(out: Marker[], nested: boolean): void {
    const c = this.src[this.pos];
    if (c === '\\') {
      const next = this.src[this.pos + 1];
      if (next === '$' || next === '}' || next === '\\') {
        out.push({ type: 'text', value: next });
        this.pos += 2;
        return;
      }
    }
    if (c === '$') {
      const start = this.pos;
      const m = this.tryDollar();
      if (m) {
        out.push(m);
        return;
      }
      // Not a well-formed tab stop or variable: VS Code backtracks and keeps the `$` as text.
      this.pos = start + 1;
      out.push({ type: 'text', value: '$' });
      return;
    }
    if (nested && c === '}') throw new Error('parseOne called on a closing brace');
    out.push({ type: 'text', value: c });
    this.pos++;
  }

  private tryDollar(): Marker | undefined {
    const rest = this.src.slice(this.pos);
    let m = /^\$(\d+)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return { type: 'placeholder', index: Number(m[1]), children: [] };
    }
    m = /^\$([_a-zA-Z][_a-zA-Z0-9]*)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return { type: 'variable', name: m[1], children: [], hasDefault: false };
    }
    m = /^\$\{(\d+)/.exec(rest);
    if (m) {
      const save = this.pos;
      this.pos += m[0].length;
      const p: Placeholder = { type: 'placeholder', index: Number(m[1]), children: [] };
      if (this.finishComplex(p)) return p;
      this.pos = save;
      return undefined;
    }
    m = /^\$\{([_a-zA-Z][_a-zA-Z0-9]*)/.exec(rest);
    if (m) {
      const save = this.pos;
      this.pos += m[0].length;
      const v: Variable = { type: 'variable', name: m[1], children: [], hasDefault: false };
      if (this.finishComplex(v)) return v;
      this.pos = save;
      return undefined;
    }
    return undefined;
  }

  /** After `${n` or `${NAME`: `}`, `:default}`, `|a,b|}` (tab stops only) or `/regex/format/options}`. */
  private finishComplex(m: Placeholder | Variable): boolean {
    const c = this.src[this.pos];
    if (c === '}') {
      this.pos++;
      return true;
    }
    if (c === ':') {
      this.pos++;
      const children: Marker[] = [];
      while (this.pos < this.src.length && this.src[this.pos] !== '}') this.parseOne(children, true);
      if (this.pos >= this.src.length) return false;
      this.pos++;
      m.children = mergeText(children);
      if (m.type === 'variable') m.hasDefault = true;
      return true;
    }
    if (c === '|' && m.type === 'placeholder') {
      this.pos++;
      const choices: string[] = [];
      let cur = '';
      while (this.pos < this.src.length) {
        const ch = this.src[this.pos];
        if (ch === '\\' && [',', '|', '\\'].includes(this.src[this.pos + 1])) {
          cur += this.src[this.pos + 1];
          this.pos += 2;
          continue;
        }
        if (ch === ',') {
          choices.push(cur);
          cur = '';
          this.pos++;
          continue;
        }
        if (ch === '|') {
          choices.push(cur);
          if (this.src[this.pos + 1] !== '}') return false;
          this.pos += 2;
          m.choices = choices;
          m.children = [{ type: 'text', value: choices[0] }];
          return true;
        }
        cur += ch;
        this.pos++;
      }
      return false;
    }
    if (c === '/') {
      this.pos++;
      const regex = this.readUntilSlash(true);
      if (regex === undefined) return false;
      const format = this.readUntilSlash(false);
      if (format === undefined) return false;
      const close = this.src.indexOf('}', this.pos);
      if (close < 0) return false;
      const options = this.src.slice(this.pos, close);
      this.pos = close + 1;
      m.transform = { regex: new RegExp(regex, options), format: parseFormat(format) };
      return true;
    }
    return false;
  }

  /** Text up to an unescaped `/`; `\/` is a slash, other escapes stay for RegExp (or the format parser). */
  private readUntilSlash(isRegex: boolean): string | undefined {
    let out = '';
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\' && this.src[this.pos + 1] === '/') {
        out += '/';
        this.pos += 2;
        continue;
      }
      // A format group such as `${1:/downcase}` may hold a slash of its own.
      if (!isRegex && ch === '$' && this.src[this.pos + 1] === '{') {
        const close = this.src.indexOf('}', this.pos);
        if (close < 0) return undefined;
        out += this.src.slice(this.pos, close + 1);
        this.pos = close + 1;
        continue;
      }
      if (ch === '\\' && !isRegex && this.pos + 1 < this.src.length) {
        out += ch + this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (ch === '/') {
        this.pos++;
        return out;
      }
      out += ch;
      this.pos++;
    }
    return undefined;
  }
}

function parseFormat(src: string): FormatPart[] {
  const parts: FormatPart[] = [];
  let i = 0;
  let text = '';
  const flush = () => {
    if (text) parts.push({ type: 'text', value: text });
    text = '';
  };
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\\' && i + 1 < src.length) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    let m = /^\$(\d+)/.exec(src.slice(i));
    if (m) {
      flush();
      parts.push({ type: 'group', index: Number(m[1]) });
      i += m[0].length;
      continue;
    }
    m = /^\$\{(\d+)(?::(\/(?:upcase|downcase|capitalize|camelcase|pascalcase))|:\+([^}]*)|:\?([^:}]*):([^}]*)|:-?([^}]*))?\}/.exec(src.slice(i));
    if (m) {
      flush();
      parts.push({
        type: 'group',
        index: Number(m[1]),
        shorthand: m[2]?.slice(1),
        ifValue: m[3] ?? m[4],
        elseValue: m[5] ?? m[6],
      });
      i += m[0].length;
      continue;
    }
    text += ch;
    i++;
  }
  flush();
  return parts;
}

function applyTransform(value: string, t: Transform): string {
  const resolve = (groups: (string | undefined)[]): string =>
    t.format
      .map((p) => {
        if (p.type === 'text') return p.value;
        const g = groups[p.index] ?? '';
        if (p.shorthand) return shorthand(g, p.shorthand);
        if (p.ifValue !== undefined && g) return p.ifValue;
        if (!g && p.elseValue !== undefined) return p.elseValue;
        return g;
      })
      .join('');
  let matched = false;
  const out = value.replace(t.regex, (...args: unknown[]) => {
    matched = true;
    // As VS Code does: the match and its groups, without offset and input.
    return resolve(args.slice(0, -2) as (string | undefined)[]);
  });
  if (!matched && t.format.some((p) => p.type === 'group' && p.elseValue)) return resolve([]);
  return out;
}

function shorthand(value: string, op: string): string {
  switch (op) {
    case 'upcase':
      return value.toUpperCase();
    case 'downcase':
      return value.toLowerCase();
    case 'capitalize':
      return value ? value[0].toUpperCase() + value.slice(1) : '';
    case 'pascalcase':
    case 'camelcase': {
      const words = value.match(/[a-z0-9]+/gi) ?? [];
      const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');
      return op === 'pascalcase' || !pascal ? pascal : pascal[0].toLowerCase() + pascal.slice(1);
    }
    default:
      throw new Error(`unknown format shorthand /${op}`);
  }
}

function mergeText(markers: Marker[]): Marker[] {
  const out: Marker[] = [];
  for (const m of markers) {
    const last = out[out.length - 1];
    if (m.type === 'text' && last?.type === 'text') last.value += m.value;
    else out.push(m);
  }
  return out;
}

export function parseSnippet(body: string): Marker[] {
  return new Parser(body).parse();
}

function walk(markers: Marker[], visit: (m: Marker) => void): void {
  for (const m of markers) {
    visit(m);
    if (m.type !== 'text') walk(m.children, visit);
  }
}

export interface TabStop {
  index: number;
  /** The default written at this occurrence (before mirrors are filled in), or undefined for a bare `$n`. */
  written?: string;
  choices?: string[];
  transformed: boolean;
}

/** Every tab stop occurrence in document order (nested ones after their parent), for hygiene checks. */
export function tabStops(body: string): TabStop[] {
  const out: TabStop[] = [];
  walk(parseSnippet(body), (m) => {
    if (m.type !== 'placeholder') return;
    out.push({
      index: m.index,
      written: m.children.length ? render(m.children, new Map(), () => '') : undefined,
      choices: m.choices,
      transformed: !!m.transform,
    });
  });
  return out;
}

export function variablesOf(body: string): string[] {
  const out: string[] = [];
  walk(parseSnippet(body), (m) => {
    if (m.type === 'variable') out.push(m.name);
  });
  return out;
}

/**
 * The text VS Code inserts when every placeholder keeps its default. As in VS Code, the first
 * placeholder of an index that has a default gives its value to every occurrence of that index.
 */
export function expandSnippet(
  body: string | readonly string[],
  variables: Readonly<Record<string, string>> = SNIPPET_VARIABLES,
  /** What the user picks or types at some tab stops instead of the default. */
  typed: ReadonlyMap<number, string> = new Map(),
): string {
  const text = typeof body === 'string' ? body : body.join('\n');
  const markers = parseSnippet(text);
  const defaults = new Map<number, Marker[]>();
  for (const [index, value] of typed) defaults.set(index, [{ type: 'text', value }]);
  walk(markers, (m) => {
    if (m.type === 'placeholder' && m.index !== 0 && m.children.length > 0 && !defaults.has(m.index)) defaults.set(m.index, m.children);
  });
  return render(markers, defaults, (name) => {
    if (!(name in variables)) throw new Error(`unknown snippet variable $${name}: VS Code would insert its name`);
    return variables[name];
  });
}

function render(markers: Marker[], defaults: Map<number, Marker[]>, variable: (name: string) => string, depth = 0): string {
  if (depth > 50) throw new Error('snippet placeholders nest too deeply (a placeholder inside itself?)');
  let out = '';
  for (const m of markers) {
    if (m.type === 'text') {
      out += m.value;
    } else if (m.type === 'placeholder') {
      const children = m.index === 0 ? m.children : (defaults.get(m.index) ?? m.children);
      const value = render(children, defaults, variable, depth + 1);
      out += m.transform ? applyTransform(value, m.transform) : value;
    } else {
      let value = variable(m.name);
      if (!value && m.hasDefault) value = render(m.children, defaults, variable, depth + 1);
      out += m.transform ? applyTransform(value, m.transform) : value;
    }
  }
  return out;
}

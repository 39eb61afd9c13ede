// The list's filter fields as the host's query wants them (src/receiver/viewer-bridge.ts parseQuery is
// strict: a malformed filter is an error there, so it is caught here and said next to the field).

export interface AttributeFilter {
  readonly key: string;
  readonly value: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The host's limits (viewer-bridge.ts): at most 64 filters, strings of at most 4096 characters. */
export const MAX_ATTRIBUTE_FILTERS = 64;
export const MAX_FILTER_STRING = 4096;

/**
 * `key=value` pairs separated by spaces: `http.route=/cart db.system=postgresql`. A value with spaces
 * (or an empty one) is written in double quotes, `user.name="Ada Lovelace"`, `tag=""`, with `\"` and
 * `\\` inside. The value is everything after the first `=`, so `q=a=b` is key `q`, value `a=b`. Every
 * pair must match (on one span or its resource, like the host's filter).
 */
export function parseAttributeFilters(input: string): Parsed<AttributeFilter[]> {
  const out: AttributeFilter[] = [];
  const s = input;
  let i = 0;
  const space = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  for (;;) {
    while (i < s.length && space(s[i])) i++;
    if (i >= s.length) break;
    const start = i;
    while (i < s.length && !space(s[i]) && s[i] !== '=' && s[i] !== '"') i++;
    const key = s.slice(start, i);
    if (s[i] !== '=') {
      let end = i;
      while (end < s.length && !space(s[end])) end++;
      const word = s.slice(start, end);
      return { ok: false, error: s[i] === '"' ? `"${word}": a key has no quotes; write key="value"` : `"${word}" is not key=value` };
    }
    if (key === '') return { ok: false, error: 'a key is missing before "="' };
    i++;
    let value = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i];
        if (c === '\\' && i + 1 < s.length) {
          value += s[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) return { ok: false, error: `the quoted value of "${key}" has no closing quote` };
      if (i < s.length && !space(s[i])) return { ok: false, error: `a space must follow the closing quote of "${key}"` };
    } else {
      const vs = i;
      while (i < s.length && !space(s[i])) i++;
      value = s.slice(vs, i);
      if (value === '') return { ok: false, error: `"${key}=" has no value; write ${key}="" for an empty one` };
    }
    if (key.length > MAX_FILTER_STRING || value.length > MAX_FILTER_STRING) return { ok: false, error: `keys and values are at most ${MAX_FILTER_STRING} characters` };
    out.push({ key, value });
    if (out.length > MAX_ATTRIBUTE_FILTERS) return { ok: false, error: `at most ${MAX_ATTRIBUTE_FILTERS} key=value pairs` };
  }
  return { ok: true, value: out };
}

const UNIT_MS: Record<string, number> = { '': 1, ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, min: 60_000 };

/**
 * A duration field: a number of milliseconds, or a number with a unit (`500us`, `250ms`, `1.5s`,
 * `2m`). Empty is no limit (undefined).
 */
export function parseDurationMs(input: string): Parsed<number | undefined> {
  const t = input.trim();
  if (t === '') return { ok: true, value: undefined };
  const m = /^(\d+(?:\.\d*)?|\.\d+)\s*([a-zµ]*)$/i.exec(t);
  const factor = m ? UNIT_MS[m[2].toLowerCase()] : undefined;
  if (!m || factor === undefined) return { ok: false, error: `"${t}" is not a duration; write ms, or a number with ns, us, ms, s or m` };
  const ms = Number(m[1]) * factor;
  if (!Number.isFinite(ms)) return { ok: false, error: `"${t}" is too large` };
  return { ok: true, value: ms };
}

/** The text parseAttributeFilters reads back as the same filters (a saved query shown again). */
export function formatAttributeFilters(filters: readonly AttributeFilter[]): string {
  const plain = /^[^\s"]+$/;
  return filters.map(({ key, value }) => `${key}=${plain.test(value) && !value.startsWith('"') ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`}`).join(' ');
}

/**
 * Durations as Istio reads them: Go's `time.ParseDuration` syntax (the CRD's CEL `duration()` and
 * Istio's JSON decoding both use it), e.g. `500ms`, `1.5s`, `1h30m`, `-2m`, or a bare `0`.
 * Units: ns, us (also µs, μs), ms, s, m, h. No days, no spaces, no upper case.
 */
export type ParsedDuration = { ok: true; nanos: bigint } | { ok: false; reason: 'empty' | 'syntax' | 'missingUnit' | 'unknownUnit' | 'overflow'; unit?: string };

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5 micro sign
  'μs': 1000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_NANOS = (1n << 63n) - 1n;

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

export function parseGoDuration(text: string): ParsedDuration {
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, nanos: 0n };
  if (s === '') return { ok: false, reason: text === '' ? 'empty' : 'syntax' };
  let total = 0n;
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === '.' || isDigit(s[i]))) return { ok: false, reason: 'syntax' };
    const intStart = i;
    while (isDigit(s[i])) i++;
    const intDigits = s.slice(intStart, i);
    let fracDigits = '';
    if (s[i] === '.') {
      i++;
      const fracStart = i;
      while (isDigit(s[i])) i++;
      fracDigits = s.slice(fracStart, i);
    }
    if (intDigits === '' && fracDigits === '') return { ok: false, reason: 'syntax' };
    const unitStart = i;
    while (i < s.length && s[i] !== '.' && !isDigit(s[i])) i++;
    const unit = s.slice(unitStart, i);
    if (unit === '') return { ok: false, reason: 'missingUnit' };
    const scale = UNIT_NANOS[unit];
    if (scale === undefined) return { ok: false, reason: 'unknownUnit', unit };
    const whole = intDigits ? BigInt(intDigits) : 0n;
    // Go drops fraction digits beyond what it can hold; nanoseconds are the finest unit, so 19 digits are plenty.
    const frac = fracDigits.slice(0, 19);
    const fracNanos = frac ? (BigInt(frac) * scale) / 10n ** BigInt(frac.length) : 0n;
    total += whole * scale + fracNanos;
    if (total > MAX_NANOS) return { ok: false, reason: 'overflow' };
  }
  return { ok: true, nanos: negative ? -total : total };
}

export const NANOS_PER_MS = 1_000_000n;
export const NANOS_PER_SECOND = 1_000_000_000n;

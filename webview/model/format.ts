// Display text for durations, timestamps and attribute values. Everything returns a plain string:
// the views put it into the page with textContent only (DESIGN.md house rule 11), so nothing here
// escapes HTML, and nothing here may return markup.
import type { AttrValueDto, AttributeDto } from '../../src/shared/protocol';

/** Three significant digits at most, without trailing zeros: 1.5, 12.3, 123. */
function sig3(x: number): string {
  const abs = Math.abs(x);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  // toFixed then Number drops the trailing zeros ("1.50" -> 1.5) and normalises "-0".
  return String(Number(x.toFixed(decimals)) || 0);
}

/**
 * A duration in ms as people read it: `0µs`, `850µs`, `1.23ms`, `123ms`, `1.5s`, `2m 3.4s`, `1h 2m`.
 * Negative durations (a clock-skewed offset) keep their sign instead of being hidden.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0µs';
  // Below a microsecond the ns digits matter (local spans are often a few hundred ns).
  if (Math.round(ms * 1e6) < 1000) return `${Math.round(ms * 1e6)}ns`;
  if (ms < 1 && Number(sig3(ms * 1000)) < 1000) return `${sig3(ms * 1000)}µs`;
  // Rounding can carry to the next unit (999.6ms -> "1000ms"); moving up a unit avoids that.
  if (ms < 1000 && Number(sig3(ms)) < 1000) return `${sig3(ms)}ms`;
  const s = ms / 1000;
  if (s < 60 && Number(sig3(s)) < 60) return `${sig3(s)}s`;
  const totalS = Math.round(s * 10) / 10;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS - h * 3600) / 60);
  if (h > 0) return `${h}h ${m}m`;
  const rest = totalS - m * 60;
  return `${m}m ${String(Number(rest.toFixed(1)))}s`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Local wall-clock time with milliseconds, `14:03:07.123`; with `withDate`, `2026-11-29 14:03:07.123`.
 * Local time because the user correlates it with their own logs and terminal.
 */
export function formatTimestamp(unixMs: number, withDate = false): string {
  if (!Number.isFinite(unixMs)) return String(unixMs);
  const d = new Date(Math.floor(unixMs));
  const time = `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`;
  if (!withDate) return time;
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)} ${time}`;
}

// A kvlist or array can nest deeper than anyone reads; past this depth we stop rather than risk the
// stack on a hostile payload (values come from the network).
const MAX_VALUE_DEPTH = 32;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (what the protocol sends) to lowercase hex; undefined if malformed. */
export function base64ToHex(b64: string): string | undefined {
  const clean = b64.replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  let hex = '';
  for (let i = 0; i < clean.length; i++) {
    const v = BASE64.indexOf(clean[i]);
    if (v < 0) return undefined;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += ((value >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return hex;
}

function isTagged<K extends string>(v: object, key: K): v is Record<K, unknown> {
  return Object.prototype.hasOwnProperty.call(v, key);
}

function valueText(v: AttrValueDto, depth: number, nested: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return nested ? JSON.stringify(v) : v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (depth >= MAX_VALUE_DEPTH) return '…';
  if (Array.isArray(v)) return `[${(v as readonly AttrValueDto[]).map((x) => valueText(x, depth + 1, true)).join(', ')}]`;
  const o = v as object;
  if (isTagged(o, 'int')) return String(o.int);
  if (isTagged(o, 'double')) return String(o.double);
  if (isTagged(o, 'bytes')) {
    // Hex, because ids and hashes in bytes attributes are read as hex everywhere else in the viewer.
    const hex = base64ToHex(String(o.bytes));
    return hex === undefined ? `base64:${String(o.bytes)}` : `0x${hex}`;
  }
  if (isTagged(o, 'kvlist')) {
    const list = o.kvlist as readonly AttributeDto[];
    return `{${list.map((kv) => `${kv.key}: ${valueText(kv.value, depth + 1, true)}`).join(', ')}}`;
  }
  return '';
}

/**
 * An attribute value (the protocol's tagged encoding) as display text. A top-level string is shown
 * as is; inside arrays and kvlists strings are quoted, so `["a, b"]` and `["a", "b"]` differ.
 */
export function formatAttrValue(v: AttrValueDto): string {
  return valueText(v, 0, false);
}

import { OtlpDecodeError } from './errors';

export const TRACE_ID_HEX = 32;
export const SPAN_ID_HEX = 16;

const HEX = /^[0-9a-fA-F]*$/;
const HEX_CODE = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const SCRATCH: Record<number, number[]> = { 8: new Array<number>(16), 16: new Array<number>(32) };

/**
 * `bytes[start, start + length)` as lowercase hex, with `length` 8 or 16 (the id sizes). One
 * String.fromCharCode call makes a flat string; appending two-digit pieces made a chain of 16
 * cons strings per id, six times slower to build and hash, and kept in memory with every span.
 */
export function hexOf(bytes: Uint8Array, start: number, length: 8 | 16): string {
  const codes = SCRATCH[length];
  for (let i = 0; i < length; i++) {
    const b = bytes[start + i];
    codes[2 * i] = HEX_CODE[b >>> 4];
    codes[2 * i + 1] = HEX_CODE[b & 15];
  }
  return String.fromCharCode.apply(null, codes);
}

function allZero(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return false;
  return true;
}

/**
 * A hex id from OTLP/JSON, lowercased. `optional` ids (parent, log ids) may be empty and then give
 * undefined; all zeros is the spec's "invalid id" and is treated as absent when optional, an
 * error otherwise.
 */
export function hexId(raw: unknown, hexLength: number, path: string, optional: boolean): string | undefined {
  if (raw === undefined || raw === null || raw === '') {
    if (optional) return undefined;
    throw new OtlpDecodeError(path, 'is required', true);
  }
  if (typeof raw !== 'string') throw new OtlpDecodeError(path, `must be a hex string, got ${typeName(raw)}`);
  if (raw.length !== hexLength || !HEX.test(raw)) {
    throw new OtlpDecodeError(path, `must be ${hexLength} hex digits (${hexLength / 2} bytes), got "${clip(raw)}" (${raw.length} chars)`);
  }
  if (allZero(raw)) {
    if (optional) return undefined;
    throw new OtlpDecodeError(path, 'is all zeros (an invalid id)', true);
  }
  return raw.toLowerCase();
}

/**
 * A hex id from Zipkin or Jaeger JSON, which may drop leading zeros or send a 64-bit trace id
 * (zipkin-go's TraceIDFromHex and Jaeger's TraceID.String() both do): 1..hexLength digits, padded
 * on the left to the OTLP width, then checked like an OTLP id.
 */
export function paddedHexId(raw: unknown, hexLength: number, path: string, optional: boolean): string | undefined {
  if (typeof raw === 'string' && raw.length > 0 && raw.length < hexLength && HEX.test(raw)) raw = raw.padStart(hexLength, '0');
  return hexId(raw, hexLength, path, optional);
}

/** The same for protobuf's raw bytes. */
export function bytesId(raw: Uint8Array | undefined | null, byteLength: number, path: string, optional: boolean): string | undefined {
  if (raw == null || raw.length === 0) {
    if (optional) return undefined;
    throw new OtlpDecodeError(path, 'is required', true);
  }
  if (raw.length !== byteLength) throw new OtlpDecodeError(path, `must be ${byteLength} bytes, got ${raw.length}`);
  let any = 0;
  for (let i = 0; i < raw.length; i++) any |= raw[i];
  if (any === 0) {
    if (optional) return undefined;
    throw new OtlpDecodeError(path, 'is all zeros (an invalid id)', true);
  }
  return hexOf(raw, 0, byteLength as 8 | 16);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${clip(String(v))}`;
}

export function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

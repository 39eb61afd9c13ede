// Reading a trace file someone saved: the format is recognised from the content (the file name
// only breaks a tie), decoded once into the normalised model, and refused with a message that
// says what was expected when it is none of the formats we read.
import type { LogRecord, Span } from './model';
import { OtlpDecodeError } from './errors';
import { decodeLogsJson, decodeTracesJson, type DecodedLogs, type DecodedTraces, type Obj } from './json';
import { decodeJaegerJson } from './jaeger';
import { decodeZipkinJson } from './zipkin';

export type TraceFileFormat = 'otlp-json' | 'otlp-jsonl' | 'jaeger' | 'zipkin';

export interface ImportedTraces {
  readonly spans: Span[];
  readonly logs: LogRecord[];
  readonly format: TraceFileFormat;
  /** Spans and log records left out for a missing or all-zero id. */
  readonly rejected: number;
  readonly rejectMessage: string;
}

export interface ImportOptions {
  /** Larger files are refused before parsing (JSON.parse needs several times the text in memory). */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export const ACCEPTED_FORMATS =
  'OTLP/JSON ({"resourceSpans": [...]} or {"resourceLogs": [...]}), OTLP JSON Lines (one such request per line, ' +
  'as the collector\'s file exporter writes), Jaeger JSON ({"data": [{"traceID", "spans", "processes"}]}) or Zipkin v2 JSON (an array of spans)';

export function importTraceFile(text: string, fileName?: string, options: ImportOptions = {}): ImportedTraces {
  const max = options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  // A UTF-8 byte is at most one UTF-16 unit, so the length is a lower bound of the size; encode
  // only when it might be over.
  const size = text.length > max || text.length * 3 <= max ? text.length : new TextEncoder().encode(text).length;
  if (size > max) throw new OtlpDecodeError('', `the file is ${size} bytes, over the import limit of ${max} bytes`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new OtlpDecodeError('', `the file is empty; expected ${ACCEPTED_FORMATS}`);

  const jsonl = /\.(jsonl|ndjson)$/i.test(fileName ?? '');
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    // Several JSON objects, one a line: JSON Lines. Anything else is just not JSON.
    if (/^\s*\{/.test(text) && /\}\s*\r?\n\s*\{/.test(text)) return decodeJsonLines(text);
    throw new OtlpDecodeError('', `invalid JSON (${(e as Error).message}); expected ${ACCEPTED_FORMATS}`);
  }
  if (Array.isArray(root)) return { ...traces(decodeZipkinJson(root)), format: 'zipkin' };
  if (root !== null && typeof root === 'object') {
    const o = root as Obj;
    if (isOtlp(o)) return jsonl ? decodeJsonLines(text) : { ...otlp(o), format: 'otlp-json' };
    if (Array.isArray(o.data) || ('traceID' in o && 'spans' in o)) return { ...traces(decodeJaegerJson(o)), format: 'jaeger' };
  }
  throw new OtlpDecodeError('', `not a trace file MeshLens reads; expected ${ACCEPTED_FORMATS}`);
}

function isOtlp(o: Obj): boolean {
  return 'resourceSpans' in o || 'resourceLogs' in o || 'resourceMetrics' in o;
}

function otlp(o: Obj): Omit<ImportedTraces, 'format'> {
  const t: DecodedTraces = 'resourceSpans' in o ? decodeTracesJson(o) : { spans: [], rejected: 0, rejectMessage: '' };
  const l: DecodedLogs = 'resourceLogs' in o ? decodeLogsJson(o) : { logs: [], rejected: 0, rejectMessage: '' };
  return { spans: t.spans, logs: l.logs, rejected: t.rejected + l.rejected, rejectMessage: t.rejectMessage || l.rejectMessage };
}

function traces(t: DecodedTraces): Omit<ImportedTraces, 'format'> {
  return { spans: t.spans, logs: [], rejected: t.rejected, rejectMessage: t.rejectMessage };
}

/** One OTLP request per line; metrics lines (the file exporter mixes signals) are skipped. */
function decodeJsonLines(text: string): ImportedTraces {
  const spans: Span[] = [];
  const logs: LogRecord[] = [];
  let rejected = 0;
  let rejectMessage = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const at = `line ${i + 1}`;
    try {
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch (e) {
        throw new OtlpDecodeError('', `invalid JSON: ${(e as Error).message}`);
      }
      if (o === null || typeof o !== 'object' || Array.isArray(o) || !isOtlp(o as Obj)) {
        throw new OtlpDecodeError('', 'expected an OTLP/JSON request ({"resourceSpans": [...]} or {"resourceLogs": [...]})');
      }
      const r = otlp(o as Obj);
      for (const s of r.spans) spans.push(s);
      for (const l of r.logs) logs.push(l);
      if (r.rejected > 0 && rejected === 0) rejectMessage = `${at}: ${r.rejectMessage}`;
      rejected += r.rejected;
    } catch (e) {
      if (!(e instanceof OtlpDecodeError)) throw e;
      throw new OtlpDecodeError(e.path ? `${at}: ${e.path}` : at, e.problem);
    }
  }
  return { spans, logs, format: 'otlp-jsonl', rejected, rejectMessage };
}

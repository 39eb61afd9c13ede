// What the fuzzer feeds and how it judges an outcome. Each target goes in through the entry point a
// user's input reaches: an Ingest with the service graph hooked on as the trace worker has it (what
// the OTLP/HTTP and gRPC receivers call), the JSON and Zipkin decoders the HTTP handler calls, the
// trace file import, the manifest engine as `meshlens lint` runs it, and the viewer bridge's RPC.
//
// An input passes when the entry point returns, or refuses it with the error the caller turns into
// a clear answer (OtlpDecodeError -> 400); anything else thrown is a crash, as the HTTP handler
// would answer it with a 500. After each input the stores' bounds are checked, and what the viewer
// would then ask for (the trace, its layout, a search, the export) must work on what was stored.
import { GRAPH_ATTRIBUTE_KEYS, ServiceGraph, answerFromGraph, isGraphMethod } from '../../../src/core/graph';
import {
  OtlpDecodeError,
  TraceStore,
  answerFromStore,
  isStoreMethod,
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeTraceHeadsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  decodeZipkinJson,
  encodeTracesJson,
  importTraceFile,
  toStatsDto,
  type Span,
} from '../../../src/core/trace';
import { ManifestEngine, RULES } from '../../../src/core';
import { Ingest } from '../../../src/receiver/ingest';
import { createViewerRpc, toViewerState, type ViewerSource } from '../../../src/receiver/viewer-bridge';
import { int, mutateJsonBytes, mutateJsonText, mutateProtobuf, mutateYaml, pick, type Rand } from './mutate';
import type { Seeds } from './seeds';

/** An input as it is kept on disk: the bytes, and the file extension that says how to read them. */
export interface FuzzInput {
  readonly bytes: Uint8Array;
  readonly ext: string;
}

/** What the entry point did with an input that passed. */
export type Outcome = 'accepted' | 'refused';

/** A property that does not hold: thrown by a target's own checks (not a crash of the code). */
export class Violation extends Error {}

export interface Target {
  readonly name: string;
  make(r: Rand): FuzzInput;
  run(input: FuzzInput): Promise<Outcome>;
  /** Memory the target holds on purpose (its stores), to tell a leak from a full store. */
  describe(): string;
}

// Small (the setting's minimum), so that a run fills the store and evicts.
const MAX_SPANS = 1000;
const MAX_LOGS = 1000;
/** Traces of one input read back as the viewer would; more is repetition. */
const READ_BACK = 8;
const dec = new TextDecoder();
const enc = new TextEncoder();

function isRefusal(e: unknown): boolean {
  return e instanceof OtlpDecodeError;
}

/** The trace worker's arrangement: a bounded store, an Ingest, the service graph on span heads. */
class Pipeline {
  readonly store = new TraceStore({ maxSpans: MAX_SPANS, maxLogs: MAX_LOGS, slabBytes: 64 * 1024 });
  readonly ingest = new Ingest(this.store);
  readonly graph = new ServiceGraph({ maxPending: 2000, maxEdges: 500 });
  private touched = new Set<string>();

  constructor() {
    this.ingest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (spans) => this.graph.add(spans));
    this.store.subscribe((c) => {
      for (const id of c.added) this.touched.add(id);
      for (const id of c.updated) this.touched.add(id);
    });
  }

  /** The bounds and the counters that say nothing was thrown and hidden. */
  check(): void {
    const s = this.store.stats();
    if (s.spans > MAX_SPANS || s.logs > MAX_LOGS) throw new Violation(`store over its bounds: ${s.spans} spans, ${s.logs} logs`);
    if (s.listenerErrors) throw new Violation(`${s.listenerErrors} store listener errors`);
    if (this.ingest.counters.hookErrors) throw new Violation(`${this.ingest.counters.hookErrors} ingest hook errors (a hook threw)`);
    const g = this.graph.stats();
    if (g.pendingEdges > 2000 || g.edgeSeries > 500) throw new Violation(`graph over its bounds: ${g.pendingEdges} pending, ${g.edgeSeries} edge series`);
  }

  /** What the viewer asks for after a change: the list, each changed trace, its layout, a search, the export. */
  readBack(): void {
    const ids = [...this.touched].slice(0, READ_BACK);
    this.touched.clear();
    const stats = () => toStatsDto(this.store.stats(), this.ingest.counters);
    json(answerFromStore(this.store, 'query', {}, stats));
    json(answerFromStore(this.store, 'services', {}, stats));
    json(answerFromGraph(this.graph, 'graph', { window: 'all' }));
    const spans: Span[] = [];
    for (const traceId of ids) {
      const trace = answerFromStore(this.store, 'trace', { traceId }, stats);
      json(answerFromStore(this.store, 'layout', { traceId }, stats));
      json(answerFromStore(this.store, 'search', { traceId, text: 'e' }, stats));
      if (!trace) continue;
      json(trace);
      const first = trace.spans[0];
      if (first) json(answerFromStore(this.store, 'span', { traceId, spanId: first.spanId }, stats));
      for (const n of this.store.getTrace(traceId)?.spans ?? []) spans.push(n.span);
    }
    // An exported trace must read back: a file MeshLens writes that it cannot open is lost data.
    if (spans.length) {
      const exported = encodeTracesJson(spans);
      let back;
      try {
        back = decodeTracesJson(exported);
      } catch (e) {
        throw new Violation(`the export of stored spans does not import: ${(e as Error).message}`);
      }
      if (back.spans.length !== spans.length) throw new Violation(`the export of ${spans.length} stored spans imports as ${back.spans.length}`);
    }
  }
}

/** Through JSON, as postMessage and HTTP carry every answer (a BigInt left in would throw here). */
function json(v: unknown): void {
  JSON.stringify(v);
}

function bytesOf(s: string): Uint8Array {
  return enc.encode(s);
}

export function makeTargets(seeds: Seeds): Target[] {
  const pipelines = new Map<string, Pipeline>();
  const pipeline = (name: string): Pipeline => {
    let p = pipelines.get(name);
    if (!p) pipelines.set(name, (p = new Pipeline()));
    return p;
  };
  const describe = (name: string) => () => {
    const p = pipeline(name);
    const s = p.store.stats();
    return `store ${s.spans} spans, ${s.logs} logs, ${s.traces} traces; evicted ${s.evictedSpans} spans`;
  };
  const guarded = async (p: Pipeline, body: () => void): Promise<Outcome> => {
    try {
      body();
    } catch (e) {
      if (!isRefusal(e)) throw e;
      p.check();
      return 'refused';
    }
    p.check();
    p.readBack();
    return 'accepted';
  };

  const protobufTraces: Target = {
    name: 'otlp-protobuf-traces',
    make: (r) => ({ bytes: mutateProtobuf(r, pick(r, seeds.protobufTraces), 'traces', pick(r, seeds.protobufTraces)), ext: 'bin' }),
    run: (input) => {
      const p = pipeline('otlp-protobuf-traces');
      // The two decoders (heads for the receivers, whole spans for onSpans hooks) must agree on
      // what a request holds; the receiver's path is the Ingest's.
      let full: { spans: number; rejected: number } | 'refused';
      try {
        const d = decodeTracesProtobuf(input.bytes);
        full = { spans: d.spans.length, rejected: d.rejected };
      } catch (e) {
        if (!isRefusal(e)) throw e;
        full = 'refused';
      }
      let heads: { spans: number; rejected: number } | 'refused' = 'refused';
      const outcome = guarded(p, () => {
        const got = p.ingest.protobufTraces(input.bytes, { signal: 'traces', encoding: 'protobuf', bytes: input.bytes });
        heads = { spans: got.spans, rejected: got.accepted.rejected };
      });
      return outcome.then((o) => {
        if (JSON.stringify(full) !== JSON.stringify(heads)) throw new Violation(`the decoders disagree: whole spans ${JSON.stringify(full)}, heads ${JSON.stringify(heads)}`);
        // The heads decode without attribute keys is the other receiver path (no graph hook).
        try {
          decodeTraceHeadsProtobuf(input.bytes);
        } catch (e) {
          if (!isRefusal(e)) throw e;
        }
        return o;
      });
    },
    describe: describe('otlp-protobuf-traces'),
  };

  const protobufLogs: Target = {
    name: 'otlp-protobuf-logs',
    make: (r) => ({ bytes: mutateProtobuf(r, pick(r, seeds.protobufLogs), 'logs', pick(r, seeds.protobufTraces)), ext: 'bin' }),
    run: (input) => {
      const p = pipeline('otlp-protobuf-logs');
      return guarded(p, () => void p.ingest.logs(decodeLogsProtobuf(input.bytes), { signal: 'logs', encoding: 'protobuf', bytes: input.bytes }));
    },
    describe: describe('otlp-protobuf-logs'),
  };

  const jsonTraces: Target = {
    name: 'otlp-json-traces',
    make: (r) => ({ bytes: mutateJsonBytes(r, pick(r, seeds.jsonTraces)), ext: 'json' }),
    run: (input) => {
      const p = pipeline('otlp-json-traces');
      return guarded(p, () => void p.ingest.traces(decodeTracesJson(input.bytes), { signal: 'traces', encoding: 'json', bytes: input.bytes }));
    },
    describe: describe('otlp-json-traces'),
  };

  const jsonLogs: Target = {
    name: 'otlp-json-logs',
    make: (r) => ({ bytes: mutateJsonBytes(r, pick(r, seeds.jsonLogs)), ext: 'json' }),
    run: (input) => {
      const p = pipeline('otlp-json-logs');
      return guarded(p, () => void p.ingest.logs(decodeLogsJson(input.bytes), { signal: 'logs', encoding: 'json', bytes: input.bytes }));
    },
    describe: describe('otlp-json-logs'),
  };

  const zipkin: Target = {
    name: 'zipkin-json',
    make: (r) => ({ bytes: mutateJsonBytes(r, pick(r, seeds.zipkin)), ext: 'json' }),
    run: (input) => {
      const p = pipeline('zipkin-json');
      return guarded(p, () => void p.ingest.traces(decodeZipkinJson(input.bytes)));
    },
    describe: describe('zipkin-json'),
  };

  const traceImport: Target = {
    name: 'trace-import',
    make: (r) => {
      if (r() < 0.2) {
        // JSON Lines: one line of the file mutated (or the whole file cut).
        const lines = pick(r, seeds.importJsonl).split('\n');
        const at = int(r, lines.length);
        if (lines[at]) lines[at] = mutateJsonText(r, JSON.parse(lines[at]));
        return { bytes: bytesOf(lines.join('\n')), ext: 'jsonl' };
      }
      return { bytes: mutateJsonBytes(r, pick(r, seeds.importJson)), ext: 'json' };
    },
    run: (input) => {
      // As the trace worker imports a file: decoded, then added to the store, then read back.
      const p = pipeline('trace-import');
      return guarded(p, () => {
        const got = importTraceFile(dec.decode(input.bytes), `trace.${input.ext}`);
        if (got.spans.length) p.store.addSpans(got.spans);
        if (got.logs.length) p.store.addLogs(got.logs);
      });
    },
    describe: describe('trace-import'),
  };

  const yaml: Target = {
    name: 'yaml-manifests',
    make: (r) => {
      const seed = pick(r, seeds.yaml);
      const out = mutateYaml(r, seed.text, pick(r, seeds.yaml).text);
      return { bytes: typeof out === 'string' ? bytesOf(out) : out, ext: 'yaml' };
    },
    run: async (input) => {
      // As `meshlens lint` and the extension host: bytes in, every rule, findings out. The engine
      // reports bad YAML as findings (ML0001, ML0006, ML0007): nothing is ever refused by a throw.
      const engine = new ManifestEngine(RULES);
      const uri = 'file:///fuzz/manifests/input.yaml';
      engine.setFile(uri, { bytes: input.bytes });
      engine.analyze();
      const findings = engine.findings(uri);
      for (const f of findings) {
        if (!f.range || !(f.range.start.line >= 0)) throw new Violation(`finding ${f.code} without a usable range: ${JSON.stringify(f.range)}`);
      }
      json(findings);
      return 'accepted';
    },
    describe: () => 'a fresh engine per input',
  };

  // The viewer bridge answers from a store and a graph that hold the seed traces, so that ids in
  // mutated messages can hit real traces; host-only methods (open code, export) get null, as the
  // bridge's validation is the part under test there.
  const viewerPipeline = pipeline('viewer');
  for (const s of seeds.protobufTraces) viewerPipeline.ingest.protobufTraces(s, { signal: 'traces', encoding: 'protobuf', bytes: s });
  for (const s of seeds.protobufLogs) viewerPipeline.ingest.logs(decodeLogsProtobuf(s));
  const source: ViewerSource = {
    async request(method, params) {
      const stats = () => toStatsDto(viewerPipeline.store.stats(), viewerPipeline.ingest.counters);
      if (isGraphMethod(method)) return answerFromGraph(viewerPipeline.graph, method, params as never) as never;
      if (isStoreMethod(method)) return answerFromStore(viewerPipeline.store, method, params as never, stats) as never;
      // The editor's own methods get null here, as if the panel had nothing to show.
      return null as never;
    },
  };
  const rpc = createViewerRpc(source);
  const viewer: Target = {
    name: 'viewer-messages',
    // One mutation at a time: the bridge refuses a message at its first fault, so more would
    // rarely get past the first check.
    make: (r) => ({ bytes: bytesOf(mutateJsonText(r, pick(r, seeds.viewer), 1)), ext: 'json' }),
    run: async (input) => {
      let msg: unknown;
      try {
        msg = JSON.parse(dec.decode(input.bytes));
      } catch {
        // `meshlens serve` answers a body that is not JSON with a 400 before the bridge sees it.
        return 'refused';
      }
      toViewerState(msg);
      const answer = rpc.answer(msg);
      if (answer === undefined) return 'refused';
      const response = await answer;
      const id = (msg as { id?: unknown }).id;
      if (response.type !== 'response' || response.id !== id) throw new Violation(`answered ${JSON.stringify(response).slice(0, 200)} to a message with id ${JSON.stringify(id)}`);
      json(response);
      if (rpc.inFlight !== 0) throw new Violation(`${rpc.inFlight} requests still counted in flight after their answers`);
      return 'error' in response ? 'refused' : 'accepted';
    },
    describe: () => 'a store and a graph with the seed traces',
  };

  return [protobufTraces, protobufLogs, jsonTraces, jsonLogs, zipkin, traceImport, yaml, viewer];
}

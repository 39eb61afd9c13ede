// The trace list's debug-session groups and toggle (webview/model/debug-sessions.ts), on summaries
// the real store made from spans with and without the session attribute.
import { strict as assert } from 'node:assert';
import { answerFromStore, decodeTracesJson, TraceStore } from '../../../src/core/trace';
import { DEBUG_SESSION_ATTRIBUTE, type DebugSessionDto, type DebugSessionsMessage, type StatsDto, type TraceSummaryDto } from '../../../src/shared/protocol';
import { followedSession, followsSession, groupRows, headerDetails, OTHER_TRACES_TITLE, sessionIdsOf, sessionState, type ListRow } from '../../../webview/model/debug-sessions';
import { formatTimestamp } from '../../../webview/model/format';
import { sortSummaries } from '../../../webview/model/list';

const T0 = 1_700_000_000_000;
const tid = (n: number) => n.toString(16).padStart(32, '0');

/** Traces 1..n, trace i starting at T0 + i s with `spans[i-1]` spans, in the sessions given (undefined: none). */
function summaries(sessions: readonly (string | undefined)[], spans: readonly number[] = sessions.map(() => 1)): TraceSummaryDto[] {
  const store = new TraceStore();
  sessions.forEach((session, i) => {
    const attributes = [{ key: 'service.name', value: { stringValue: 'orders' } }];
    if (session) attributes.push({ key: DEBUG_SESSION_ATTRIBUTE, value: { stringValue: session } });
    const list = Array.from({ length: spans[i] }, (_, k) => ({
      traceId: tid(i + 1),
      spanId: (k + 1).toString(16).padStart(16, '0'),
      parentSpanId: k ? '1'.padStart(16, '0') : '',
      name: `GET /${i + 1}`,
      startTimeUnixNano: String(BigInt(T0 + (i + 1) * 1000) * 1_000_000n),
      endTimeUnixNano: String(BigInt(T0 + (i + 1) * 1000 + 10 * (i + 1)) * 1_000_000n),
    }));
    store.addSpans(decodeTracesJson({ resourceSpans: [{ resource: { attributes }, scopeSpans: [{ spans: list }] }] }).spans);
  });
  return answerFromStore(store, 'query', { limit: 10_000 }, () => ({}) as StatsDto).traces as TraceSummaryDto[];
}

const shape = (rows: ListRow[]) => rows.map((r) => (r.kind === 'header' ? `[${r.header.title}]` : parseInt(r.trace.traceId, 16)));

const A: DebugSessionDto = { id: 'A', name: 'Launch orders', running: false, startedUnixMs: T0, endedUnixMs: T0 + 90_000 };
const B: DebugSessionDto = { id: 'B', name: 'Launch billing', running: true, startedUnixMs: T0 + 100_000 };

describe('trace list debug sessions (webview/model/debug-sessions.ts)', () => {
  it('shows no headers when no trace is from a debug session', () => {
    const list = summaries([undefined, undefined]);
    assert.deepEqual(shape(groupRows(list, [A, B], new Map())), [2, 1]);
  });

  it('groups each session under a header, in the order of its first trace in the sorted list; other traces in their own group', () => {
    // Traces 1..5: A, none, B, A, none. Newest first: 5 4 3 2 1.
    const list = summaries(['A', undefined, 'B', 'A', undefined]);
    assert.deepEqual(shape(groupRows(list, [A, B], new Map())), [`[${OTHER_TRACES_TITLE}]`, 5, 2, '[Launch orders]', 4, 1, '[Launch billing]', 3]);
    // Sorted by duration, longest first (trace i lasts 10*i ms): the sort decides the group order.
    const byDuration = sortSummaries(list, 'duration', 'asc');
    assert.deepEqual(shape(groupRows(byDuration, [A, B], new Map())), ['[Launch orders]', 1, 4, `[${OTHER_TRACES_TITLE}]`, 2, 5, '[Launch billing]', 3]);
  });

  it('labels a session running or ended, with its counts from the store, and one the host does not know by its id', () => {
    const list = summaries(['A', 'B', 'C'], [3, 2, 4]);
    const rows = groupRows(list, [A, B], new Map([['A', { spans: 30, traces: 7 }]]));
    const headers = rows.flatMap((r) => (r.kind === 'header' ? [r.header] : []));
    assert.deepEqual(
      headers.map((h) => [h.title, headerDetails(h), h.running]),
      [
        ['Debug session C', '4 spans in 1 trace', false],
        ['Launch billing', 'running · 2 spans in 1 trace', true],
        // The store holds more of A than the list shows (filters, the list's limit).
        ['Launch orders', `ended ${formatTimestamp(A.endedUnixMs!)} · 30 spans in 7 traces · 1 listed`, false],
      ],
    );
    assert.equal(sessionState({ ...A, endedUnixMs: undefined }), 'ended');
  });

  it('keeps a header for the followed session while none of its traces has arrived', () => {
    const list = summaries([undefined]);
    assert.deepEqual(shape(groupRows(list, [B], new Map(), 'B')), ['[Launch billing]', `[${OTHER_TRACES_TITLE}]`, 1]);
    assert.deepEqual(shape(groupRows([], [B], new Map(), 'B')), ['[Launch billing]']);
    const h = groupRows([], [B], new Map(), 'B')[0];
    assert.equal(h.kind === 'header' && headerDetails(h.header), 'running · 0 spans in 0 traces');
  });

  it('follows the current session, keeps following it after it ends, and moves to the next one', () => {
    const msg = (current: string | undefined, ...sessions: DebugSessionDto[]): DebugSessionsMessage => ({ type: 'debugSessions', sessions, current });
    assert.equal(followedSession(undefined, undefined), undefined);
    let f = followedSession(msg('B', A, B), undefined);
    assert.equal(f, 'B');
    // B ended: no current, but its traces stay in view.
    f = followedSession(msg(undefined, A, { ...B, running: false, endedUnixMs: T0 + 200_000 }), f);
    assert.equal(f, 'B');
    const C: DebugSessionDto = { id: 'C', name: 'again', running: true, startedUnixMs: T0 + 300_000 };
    assert.equal(followedSession(msg('C', A, B, C), f), 'C');
    // The host forgot B: nothing to follow.
    assert.equal(followedSession(msg(undefined, A), 'B'), undefined);
    // A current id the host does not list is not followed.
    assert.equal(followedSession(msg('Z', A), undefined), undefined);
  });

  it('is on by default when there is a session to follow, and as the person set it otherwise', () => {
    assert.equal(followsSession(undefined, 'B'), true);
    assert.equal(followsSession(false, 'B'), false);
    assert.equal(followsSession(true, 'B'), true);
    assert.equal(followsSession(true, undefined), false);
    assert.equal(followsSession(undefined, undefined), false);
  });

  it('asks counts for the sessions listed and the followed one, once each', () => {
    const list = summaries(['A', undefined, 'A', 'B']);
    assert.deepEqual(sessionIdsOf(list, 'C').sort(), ['A', 'B', 'C']);
    assert.deepEqual(sessionIdsOf(summaries([undefined]), undefined), []);
  });

  it('groups a full list (500 rows, 17 sessions and other traces) into contiguous groups, one header each', () => {
    const sessions = Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? undefined : `S${i % 17}`));
    const list = summaries(sessions);
    const rows = groupRows(list, [], new Map());
    assert.equal(rows.filter((r) => r.kind === 'trace').length, 500);
    assert.equal(rows.filter((r) => r.kind === 'header').length, 18);
    // Contiguous groups: a session's traces all follow its header.
    const seen = new Set<string>();
    let current: string | undefined;
    for (const r of rows) {
      if (r.kind === 'header') {
        current = r.header.sessionId ?? '';
        assert.ok(!seen.has(current), `one header for ${current}`);
        seen.add(current);
      } else assert.equal(r.trace.debugSession ?? '', current);
    }
  });
});

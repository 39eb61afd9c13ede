// The trace list's debug-session groups and its "This debug session" toggle, as pure data: which
// session the toggle follows, and the rows (a header per group, then its traces) the table shows.
//
// Grouping: each debug session's traces together under a header (its name, running or ended, its
// span count), the groups in the order their first trace has in the sorted list -- so the sort
// the person chose still decides what comes first -- and traces not from any debug session in a
// group of their own ("Other traces"), not loose after the last header, where they would read as
// part of that session. A list with no session at all has no headers: nothing changes for people
// who never debug with MeshLens.
import type { DebugSessionDto, DebugSessionsMessage, TraceSummaryDto } from '../../src/shared/protocol';
import { formatTimestamp } from './format';

export interface SessionCounts {
  readonly spans: number;
  readonly traces: number;
}

export interface GroupHeader {
  /** The session id; undefined for the traces of no session. */
  readonly sessionId: string | undefined;
  readonly title: string;
  /** "running", "ended 10:42:07.120", or "" when the host does not know the session (a browser). */
  readonly state: string;
  readonly running: boolean;
  /** The session's spans and traces in the store (all of them, not only those listed). */
  readonly spans: number;
  readonly traces: number;
  /** Traces of the group in the list (filters and the list's limit apply). */
  readonly listed: number;
}

export type ListRow = { readonly kind: 'header'; readonly header: GroupHeader } | { readonly kind: 'trace'; readonly trace: TraceSummaryDto };

export const OTHER_TRACES_TITLE = 'Other traces';

/**
 * The session the toggle follows: the host's current one; once that ends (`current` gone), still
 * the last one followed while the host lists it, so its traces stay in view, labelled ended,
 * until another session starts. Undefined when there is none to follow.
 */
export function followedSession(msg: DebugSessionsMessage | undefined, previous: string | undefined): string | undefined {
  if (!msg) return previous;
  if (msg.current !== undefined && msg.sessions.some((s) => s.id === msg.current)) return msg.current;
  return previous !== undefined && msg.sessions.some((s) => s.id === previous) ? previous : undefined;
}

/** Whether the toggle filters: the person's choice, else on (its default while there is a session to follow). */
export function followsSession(preference: boolean | undefined, followed: string | undefined): boolean {
  return followed !== undefined && (preference ?? true);
}

/** "ended 10:42:07.120" style state of a known session. */
export function sessionState(s: DebugSessionDto): string {
  if (s.running) return 'running';
  return s.endedUnixMs === undefined ? 'ended' : `ended ${formatTimestamp(s.endedUnixMs)}`;
}

/**
 * The table's rows for `sorted` (already in display order). `always`: a session whose header is
 * shown even with no trace listed (the followed one, so the person sees it is waiting for spans).
 */
export function groupRows(
  sorted: readonly TraceSummaryDto[],
  sessions: readonly DebugSessionDto[],
  counts: ReadonlyMap<string, SessionCounts>,
  always?: string,
): ListRow[] {
  const anySession = always !== undefined || sorted.some((t) => t.debugSession !== undefined);
  if (!anySession) return sorted.map((trace) => ({ kind: 'trace', trace }));
  const groups = new Map<string, TraceSummaryDto[]>();
  if (always !== undefined && !sorted.some((t) => t.debugSession === always)) groups.set(always, []);
  for (const t of sorted) {
    const key = t.debugSession ?? '';
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  const known = new Map(sessions.map((s) => [s.id, s]));
  const rows: ListRow[] = [];
  for (const [key, traces] of groups) {
    rows.push({ kind: 'header', header: header(key === '' ? undefined : key, traces, known, counts) });
    for (const trace of traces) rows.push({ kind: 'trace', trace });
  }
  return rows;
}

function header(id: string | undefined, traces: readonly TraceSummaryDto[], known: ReadonlyMap<string, DebugSessionDto>, counts: ReadonlyMap<string, SessionCounts>): GroupHeader {
  const listedSpans = traces.reduce((n, t) => n + t.spanCount, 0);
  if (id === undefined) return { sessionId: undefined, title: OTHER_TRACES_TITLE, state: '', running: false, spans: listedSpans, traces: traces.length, listed: traces.length };
  const s = known.get(id);
  const c = counts.get(id);
  return {
    sessionId: id,
    title: s?.name || `Debug session ${id}`,
    state: s ? sessionState(s) : '',
    running: s?.running ?? false,
    spans: c?.spans ?? listedSpans,
    traces: c?.traces ?? traces.length,
    listed: traces.length,
  };
}

/** The header's text after the title: "running · 12 spans in 3 traces" (and "· 2 listed" when filters hide some). */
export function headerDetails(h: GroupHeader): string {
  const parts: string[] = [];
  if (h.state) parts.push(h.state);
  parts.push(`${h.spans} ${h.spans === 1 ? 'span' : 'spans'} in ${h.traces} ${h.traces === 1 ? 'trace' : 'traces'}`);
  if (h.listed !== h.traces) parts.push(`${h.listed} listed`);
  return parts.join(' · ');
}

/** The session ids the list shows (to ask the host for their counts), the followed one included. */
export function sessionIdsOf(traces: readonly TraceSummaryDto[], followed: string | undefined): string[] {
  const ids = new Set<string>();
  if (followed !== undefined) ids.add(followed);
  for (const t of traces) if (t.debugSession !== undefined) ids.add(t.debugSession);
  return [...ids];
}

// Debugging with traces: every launch configuration (any debug type) gets the exporter variables
// that send the debuggee's spans to the local receiver, tagged with a MeshLens debug-session id
// (debug-env.ts decides what, this file applies it and says so in the output channel); the
// sessions are tracked and pushed to the viewer, whose "this debug session" filter follows the
// running one; a status bar item counts the session's spans; the first span opens the viewer (or
// makes the item stand out); and "Show Trace of Current Request" opens the trace of the code where
// the debugger is paused.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { DebugSessionDto, DebugSessionsMessage, LiveMessage } from '../shared/protocol';
import { computeDebugEnv, endpointUrl, INJECT_MODES, SESSION_CONFIG_KEY, type FileProbe, type InjectMode, type ReceiverEndpoints } from './debug-env';
import { readReceiverSettings, type TraceReceiver } from './traces';
import { trustAwareReader } from './trust';

export const SHOW_TRACE_OF_CURRENT_REQUEST_COMMAND = 'meshlens.showTraceOfCurrentRequest';

/** What the debug side needs of the viewer panel (TraceViewer). */
export interface DebugViewer {
  readonly isOpen: boolean;
  open(): Promise<void>;
  setDebugSessions(message: DebugSessionsMessage): void;
  showTrace(traceId: string): Promise<void> | void;
}

export type OnFirstSpan = 'openViewer' | 'highlightStatusBar' | 'nothing';
const ON_FIRST_SPAN: readonly OnFirstSpan[] = ['openViewer', 'highlightStatusBar', 'nothing'];

/** Ended sessions kept for the viewer's groups and labels; the oldest are forgotten beyond it. */
const MAX_ENDED_SESSIONS = 20;
/** Ids handed out by resolve whose session never started (a failed launch): forgotten beyond it. */
const MAX_PENDING = 20;
/** How long "Show Trace of Current Request" waits for the trace to arrive. */
const TRACE_WAIT_MS = 120_000;

interface Session {
  readonly id: string;
  readonly name: string;
  readonly startedUnixMs: number;
  endedUnixMs?: number;
  /** VS Code's session that carried our configuration (the root); its end ends ours. */
  rootVscodeId?: string;
  spans: number;
  traces: number;
  firstSpanSeen: boolean;
}

function readMode(): InjectMode {
  const trusted = vscode.workspace.isTrusted;
  // A cloned repository's settings must not choose this while untrusted (a restricted configuration).
  const v = trustAwareReader(vscode.workspace.getConfiguration('meshlens.debug'), trusted, ['injectEnvironment'], []).get<string>('injectEnvironment', 'exporter');
  const mode = (INJECT_MODES as readonly string[]).includes(v) ? (v as InjectMode) : 'exporter';
  // An agent found in an untrusted workspace is that workspace's code: never loaded into a program.
  return !trusted && mode === 'exporterAndAutoInstrumentation' ? 'exporter' : mode;
}

function readOnFirstSpan(): OnFirstSpan {
  const v = vscode.workspace.getConfiguration('meshlens.debug').get<string>('onFirstSpan', 'openViewer');
  return (ON_FIRST_SPAN as readonly string[]).includes(v) ? (v as OnFirstSpan) : 'openViewer';
}

const nodeFiles: FileProbe = {
  exists: (f) => fsp.stat(f).then(() => true, () => false),
  readText: (f) => fsp.readFile(f, 'utf8').then((t) => t, () => undefined),
  list: (d) => fsp.readdir(d).then((n) => n, () => []),
};

export class DebugTraces implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly status: vscode.StatusBarItem;
  /** Our sessions by our id, oldest first. */
  private readonly sessions = new Map<string, Session>();
  /** Ids resolve handed out, not yet seen starting: id -> configuration name. */
  private readonly pending = new Map<string, string>();
  /** VS Code session id -> our id (children of a session map to their root's). */
  private readonly byVscodeId = new Map<string, string>();
  /** The last `stopped` event per VS Code session: when, and which thread. */
  private readonly stops = new Map<string, { session: vscode.DebugSession; atUnixMs: number; threadId?: number }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the sessions or their counts change (for the end-to-end tests). */
  readonly onDidChange = this.changed.event;
  private counting: Promise<void> | undefined;
  private countAgain = false;
  private highlighted = false;
  private readonly offLive: () => void;
  private readonly liveWaiters = new Set<(m: LiveMessage) => void>();
  /** The environment each of our sessions was given (for the end-to-end tests and the log). */
  readonly injected = new Map<string, Readonly<Record<string, string>>>();

  constructor(
    private readonly receiver: TraceReceiver,
    private readonly viewer: DebugViewer,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.status = vscode.window.createStatusBarItem('meshlens.debugSession', vscode.StatusBarAlignment.Right, 99);
    this.status.name = 'MeshLens Debug Session Spans';
    this.status.command = 'meshlens.openTraceViewer';
    this.offLive = receiver.onLive((m) => this.onLive(m));
    this.disposables.push(
      this.status,
      this.changed,
      vscode.debug.registerDebugConfigurationProvider('*', {
        resolveDebugConfigurationWithSubstitutedVariables: (folder, config) => this.resolve(folder, config),
      }),
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: { type?: string; event?: string; body?: { threadId?: number } }) => {
            if (m?.type !== 'event') return;
            if (m.event === 'stopped') {
              this.stops.delete(session.id);
              this.stops.set(session.id, { session, atUnixMs: Date.now(), threadId: m.body?.threadId });
            } else if (m.event === 'continued') this.stops.delete(session.id);
          },
        }),
      }),
      vscode.debug.onDidStartDebugSession((s) => this.started(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.terminated(s)),
      vscode.debug.onDidChangeActiveDebugSession(() => this.push()),
      vscode.commands.registerCommand(SHOW_TRACE_OF_CURRENT_REQUEST_COMMAND, () => this.showTraceOfCurrentRequest()),
    );
  }

  /** The sessions as the viewer gets them, oldest first. */
  get sessionList(): DebugSessionDto[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id,
      name: s.name,
      running: s.endedUnixMs === undefined,
      startedUnixMs: s.startedUnixMs,
      ...(s.endedUnixMs !== undefined && { endedUnixMs: s.endedUnixMs }),
    }));
  }

  /** Spans and traces received so far per session (as last counted). */
  counts(id: string): { spans: number; traces: number } | undefined {
    const s = this.sessions.get(id);
    return s && { spans: s.spans, traces: s.traces };
  }

  /** Our id of a VS Code debug session (or of its parents'). */
  sessionIdOf(session: vscode.DebugSession | undefined): string | undefined {
    for (let s = session; s; s = s.parentSession) {
      const id = this.byVscodeId.get(s.id) ?? (typeof s.configuration[SESSION_CONFIG_KEY] === 'string' ? (s.configuration[SESSION_CONFIG_KEY] as string) : undefined);
      if (id) return id;
    }
    return undefined;
  }

  /** The session the "this debug session" filter follows: the active one's, else the newest running. */
  get current(): string | undefined {
    const active = this.sessionIdOf(vscode.debug.activeDebugSession);
    if (active && this.sessions.get(active)?.endedUnixMs === undefined) return active;
    return [...this.sessions.values()].reverse().find((s) => s.endedUnixMs === undefined)?.id;
  }

  get statusText(): string {
    return this.status.text;
  }

  private async resolve(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration> {
    // A configuration another provider already tagged (a restart) keeps its id.
    if (typeof config[SESSION_CONFIG_KEY] === 'string') return config;
    // The sessions a debugger starts by itself for a process it already launched (js-debug's child
    // targets, debugpy's subprocesses) belong to their parent, which got the environment.
    if (config.__pendingTargetId !== undefined || config.subProcessId !== undefined) return config;
    try {
      const svc = await this.receiver.whenStarted();
      let receiver: ReceiverEndpoints | undefined;
      if (svc) {
        const host = readReceiverSettings().options.host ?? '127.0.0.1';
        const port = (name: string) => svc.listeners.find((l) => l.name === name)?.port;
        const http = port('otlpHttp');
        const grpc = port('otlpGrpc');
        receiver = { ...(http !== undefined && { http: endpointUrl(host, http) }), ...(grpc !== undefined && { grpc: endpointUrl(host, grpc) }) };
      }
      const sessionId = `dbg-${randomBytes(6).toString('hex')}`;
      const r = await computeDebugEnv({
        config,
        mode: readMode(),
        receiver,
        sessionId,
        folder: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
        processEnv: process.env,
        homeDir: os.homedir(),
        platform: process.platform,
        files: nodeFiles,
      });
      for (const line of r.lines) this.log.info(line);
      for (const a of r.advice) void vscode.window.showWarningMessage(`MeshLens: ${a}`);
      if (Object.keys(r.env).length === 0 && !r.sessionId) return config;
      const env = config.env && typeof config.env === 'object' ? (config.env as Record<string, unknown>) : {};
      const out: vscode.DebugConfiguration = { ...config, env: { ...env, ...r.env } };
      if (r.sessionId) {
        out[SESSION_CONFIG_KEY] = r.sessionId;
        this.pending.set(r.sessionId, typeof config.name === 'string' ? config.name : String(config.type));
        while (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
        this.injected.set(r.sessionId, r.env);
        while (this.injected.size > MAX_PENDING + MAX_ENDED_SESSIONS) this.injected.delete(this.injected.keys().next().value!);
      }
      return out;
    } catch (e) {
      // The launch goes on as configured: tracing must never be what stops a debug session.
      this.log.error(`Debug "${String(config.name)}": nothing injected: ${(e as Error).message}`);
      return config;
    }
  }

  private started(s: vscode.DebugSession): void {
    const own = typeof s.configuration[SESSION_CONFIG_KEY] === 'string' ? (s.configuration[SESSION_CONFIG_KEY] as string) : undefined;
    const id = own ?? this.sessionIdOf(s.parentSession);
    if (!id) return;
    this.byVscodeId.set(s.id, id);
    if (this.sessions.has(id)) return;
    const name = this.pending.get(id) ?? s.name;
    this.pending.delete(id);
    this.sessions.set(id, { id, name, startedUnixMs: Date.now(), rootVscodeId: s.id, spans: 0, traces: 0, firstSpanSeen: false });
    this.log.info(`Debug session "${name}" started; its spans carry meshlens.debug.session=${id}.`);
    this.highlighted = false;
    this.push();
    void this.recount();
  }

  private terminated(s: vscode.DebugSession): void {
    this.stops.delete(s.id);
    const id = this.byVscodeId.get(s.id);
    this.byVscodeId.delete(s.id);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session || session.rootVscodeId !== s.id || session.endedUnixMs !== undefined) return;
    session.endedUnixMs = Date.now();
    this.log.info(`Debug session "${session.name}" ended: ${session.spans.toLocaleString('en-US')} spans in ${session.traces.toLocaleString('en-US')} traces received from it.`);
    const ended = [...this.sessions.values()].filter((x) => x.endedUnixMs !== undefined);
    for (const old of ended.slice(0, Math.max(0, ended.length - MAX_ENDED_SESSIONS))) this.sessions.delete(old.id);
    // A last count: spans flushed at exit arrive just before the session ends.
    void this.recount();
    this.push();
  }

  /** Sends the sessions to the viewer and redraws the status bar item. */
  private push(): void {
    const current = this.current;
    this.viewer.setDebugSessions({ type: 'debugSessions', sessions: this.sessionList, ...(current && { current }) });
    this.render();
    this.changed.fire();
  }

  private render(): void {
    const current = this.current;
    const s = current ? this.sessions.get(current) : undefined;
    if (!s) {
      this.status.hide();
      return;
    }
    if (this.highlighted && this.viewer.isOpen) this.highlighted = false;
    this.status.text = `$(debug-alt) ${s.spans.toLocaleString('en-US')} ${s.spans === 1 ? 'span' : 'spans'}`;
    this.status.tooltip = `MeshLens: ${s.spans.toLocaleString('en-US')} spans in ${s.traces.toLocaleString('en-US')} traces from the debug session "${s.name}" (meshlens.debug.session=${s.id}). Click to open the trace viewer.`;
    this.status.backgroundColor = this.highlighted ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.status.show();
  }

  private onLive(m: LiveMessage): void {
    for (const w of [...this.liveWaiters]) w(m);
    if (this.sessions.size === 0) return;
    // Ended sessions' counts change only when their traces are evicted.
    const running = [...this.sessions.values()].some((s) => s.endedUnixMs === undefined);
    if (m.type === 'resync' || (running && m.added.length + m.updated.length > 0) || m.evicted.length > 0) void this.recount();
  }

  /** One count at a time; changes meanwhile ask for one more after it (the receiver already throttles them). */
  private recount(): Promise<void> {
    if (this.counting) {
      this.countAgain = true;
      return this.counting;
    }
    this.counting = (async () => {
      do {
        this.countAgain = false;
        await this.countOnce().catch((e: Error) => this.log.warn(`Debug sessions: cannot count their spans: ${e.message}`));
      } while (this.countAgain);
    })().finally(() => {
      this.counting = undefined;
    });
    return this.counting;
  }

  private async countOnce(): Promise<void> {
    const svc = this.receiver.running;
    if (!svc || this.sessions.size === 0) return;
    const ids = [...this.sessions.keys()];
    const { counts } = await svc.request('debugSessionCounts', { ids });
    const byId = new Map(counts.map((c) => [c.id, c]));
    let firstSpan: Session | undefined;
    for (const s of this.sessions.values()) {
      const c = byId.get(s.id);
      s.spans = c?.spans ?? 0;
      s.traces = c?.traces ?? 0;
      if (s.spans > 0 && !s.firstSpanSeen) {
        s.firstSpanSeen = true;
        if (s.endedUnixMs === undefined) firstSpan = s;
      }
    }
    if (firstSpan) this.onFirstSpan(firstSpan);
    this.render();
    this.changed.fire();
  }

  private onFirstSpan(s: Session): void {
    const what = readOnFirstSpan();
    this.log.info(`Debug session "${s.name}": its first spans arrived (meshlens.debug.onFirstSpan: ${what}).`);
    if (what === 'openViewer') {
      if (!this.viewer.isOpen) void this.viewer.open();
    } else if (what === 'highlightStatusBar') {
      this.highlighted = true;
    }
  }

  /**
   * MeshLens: Show Trace of Current Request. Reads where the debugger is paused (the focused frame,
   * else the stopped thread's top frame) and when it stopped, and asks the store for the trace
   * covering it. A paused program exports nothing until it goes on, so when the trace is not there
   * yet, it waits (cancellable, bounded) and opens it when it arrives.
   */
  async showTraceOfCurrentRequest(): Promise<string | undefined> {
    const where = await this.pausedLocation();
    if (typeof where === 'string') {
      void vscode.window.showInformationMessage(`MeshLens: ${where}`);
      return undefined;
    }
    const svc = await this.receiver.whenStarted();
    if (!svc) {
      void vscode.window.showInformationMessage('MeshLens: the trace receiver is not running, so no trace can be shown (MeshLens: Start Trace Receiver).');
      return undefined;
    }
    const params = { ...(where.sessionId && { debugSession: where.sessionId }), file: where.file, line: where.line, atUnixMs: where.atUnixMs };
    const first = await this.traceAt(params);
    this.log.info(`Show trace of current request at ${where.file}:${where.line}: ${first.traceId ? `trace ${first.traceId}` : 'none yet'} (${first.reason})`);
    if (first.traceId) {
      await this.viewer.showTrace(first.traceId);
      return first.traceId;
    }
    const traceId = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MeshLens: waiting for the trace of ${vscode.workspace.asRelativePath(where.file)}:${where.line}`, cancellable: true },
      (progress, token) => {
        progress.report({ message: `${first.reason} A paused program sends its spans once it continues; the trace opens when it arrives.` });
        return this.waitForTrace(params, token);
      },
    );
    if (traceId) await this.viewer.showTrace(traceId);
    else this.log.info(`Show trace of current request at ${where.file}:${where.line}: no trace arrived (cancelled, or ${TRACE_WAIT_MS / 1000} s passed).`);
    return traceId;
  }

  /**
   * The store's traceAt, but only a span still running when the program stopped counts. The store
   * also takes a span that ended within a small tolerance before (clocks drift) when none was
   * running: while the paused request's own spans have not arrived, that is the request before it.
   */
  private async traceAt(params: { debugSession?: string; file: string; line: number; atUnixMs: number }): Promise<{ traceId?: string; reason: string }> {
    const svc = this.receiver.running;
    if (!svc) return { reason: 'The trace receiver is not running.' };
    const r = await svc.request('traceAt', params);
    if (!r.traceId || !r.spanId) return r;
    const span = (await svc.request('span', { traceId: r.traceId, spanId: r.spanId }))?.spans[0];
    if (span && BigInt(span.endUnixNano) < BigInt(Math.floor(params.atUnixMs)) * 1_000_000n) {
      return { reason: `"${span.name}" ended before the program stopped, so it belongs to an earlier request.` };
    }
    return r;
  }

  private waitForTrace(params: { debugSession?: string; file: string; line: number; atUnixMs: number }, token: vscode.CancellationToken): Promise<string | undefined> {
    return new Promise((resolve) => {
      let asking = false;
      let again = false;
      const finish = (v: string | undefined) => {
        clearTimeout(timer);
        sub.dispose();
        this.liveWaiters.delete(onLive);
        resolve(v);
      };
      const ask = async (): Promise<void> => {
        if (asking) {
          again = true;
          return;
        }
        asking = true;
        try {
          do {
            again = false;
            const r = this.receiver.running ? await this.traceAt(params) : undefined;
            if (r?.traceId) return finish(r.traceId);
          } while (again);
        } catch (e) {
          this.log.warn(`Show trace of current request: ${(e as Error).message}`);
        } finally {
          asking = false;
        }
      };
      const onLive = (m: LiveMessage) => {
        if (m.type === 'changed' && m.added.length + m.updated.length > 0) void ask();
      };
      this.liveWaiters.add(onLive);
      const timer = setTimeout(() => finish(undefined), TRACE_WAIT_MS);
      const sub = token.onCancellationRequested(() => finish(undefined));
    });
  }

  /** Where and when the debugger is paused, or why that is not known (a sentence for people). */
  private async pausedLocation(): Promise<{ sessionId?: string; file: string; line: number; atUnixMs: number } | string> {
    // The frame in focus; right after a stop the workbench may not have focused it yet, so the
    // newest stop the adapters reported stands in (js-debug stops in a child session, not the
    // one the toolbar shows).
    const item = vscode.debug.activeStackItem;
    const latest = [...this.stops.values()].pop();
    const session = item?.session ?? latest?.session;
    if (!session) return vscode.debug.activeDebugSession ? 'the debugger is not paused (set a breakpoint, and run this command when it stops there).' : 'no debug session is running.';
    const stop = this.stops.get(session.id);
    const threadId = item?.threadId ?? stop?.threadId;
    if (threadId === undefined) return 'the debugger is not paused (set a breakpoint, and run this command when it stops there).';
    type Frame = { id: number; line: number; source?: { path?: string } };
    let frames: Frame[];
    try {
      const r = (await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 20 })) as { stackFrames?: Frame[] };
      frames = r.stackFrames ?? [];
    } catch (e) {
      return `the debugger did not give the paused thread's stack: ${(e as Error).message}.`;
    }
    const focused = item instanceof vscode.DebugStackFrame ? frames.find((f) => f.id === item.frameId) : undefined;
    const frame = focused ?? frames.find((f) => f.source?.path);
    if (!frame?.source?.path) return 'the paused thread has no frame with a source file.';
    return { sessionId: this.sessionIdOf(session), file: frame.source.path, line: frame.line, atUnixMs: stop?.atUnixMs ?? Date.now() };
  }

  dispose(): void {
    this.offLive();
    this.liveWaiters.clear();
    for (const d of this.disposables) d.dispose();
  }
}

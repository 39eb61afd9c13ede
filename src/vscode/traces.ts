// The trace receiver in the editor: starts the worker-thread trace service (setting
// `meshlens.receiver.autoStart`, commands Start/Stop), shows it in the status bar, logs its life
// and counters to the output channel, explains a taken port with a way out, and imports and
// exports trace files.
import * as path from 'node:path';
import * as net from 'node:net';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { DEFAULT_MAX_IMPORT_BYTES } from '../core/trace/import';
import { parseCorsOrigin } from '../receiver/cors';
import { exposureWarning } from '../receiver/exposure';
import { startTraceService, TraceServiceError, type TraceService, type TraceServiceOptions } from '../receiver/trace-service';
import type { ChangedMessage, LiveMessage, StatsDto } from '../shared/protocol';
import { RESTRICTED_RECEIVER_KEYS, trustAwareReader, untrustedSettingsMessage, type SettingReader } from './trust';

export interface ReceiverSettings {
  readonly autoStart: boolean;
  readonly options: TraceServiceOptions;
  /** Restricted settings whose workspace values were left out: the workspace is not trusted. */
  readonly ignoredUntrusted: readonly string[];
  /** Values left out because they cannot work, each with its setting and reason. */
  readonly problems: readonly string[];
}

type Reader = Pick<SettingReader, 'get'>;

/** `null` turns a protocol off; 0 asks for any free port. */
function port(c: Reader, key: string, fallback: number): number | undefined {
  const v = c.get<number | null>(key, fallback);
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? v : undefined;
}

/** `meshlens.receiver.forward` (empty: off) with `forwardHeaders` (entries that are not strings are left out). */
function forward(c: Reader): TraceServiceOptions['forward'] {
  const endpoint = c.get<string>('forward', '');
  if (typeof endpoint !== 'string' || endpoint.trim() === '') return undefined;
  const raw = c.get<Record<string, unknown>>('forwardHeaders', {});
  const headers = Object.fromEntries(Object.entries(raw && typeof raw === 'object' ? raw : {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { endpoint: endpoint.trim(), headers };
}

/**
 * The receiver's settings. In an untrusted workspace the restricted ones (where it listens, where
 * it forwards and with which headers, how many spans it keeps) come from the user's settings only.
 */
export function readReceiverSettings(): ReceiverSettings {
  const ignoredUntrusted: string[] = [];
  const c = trustAwareReader(vscode.workspace.getConfiguration('meshlens.receiver'), vscode.workspace.isTrusted, RESTRICTED_RECEIVER_KEYS, ignoredUntrusted);
  const maxSpans = c.get<number>('maxSpans', 200_000);
  const fwd = forward(c);
  const cors = corsOrigins(c);
  return {
    autoStart: c.get<boolean>('autoStart', true),
    options: {
      host: c.get<string>('host', '127.0.0.1') || '127.0.0.1',
      httpPort: port(c, 'httpPort', 4318) ?? 4318,
      grpcPort: port(c, 'grpcPort', 4317),
      zipkinPort: port(c, 'zipkinPort', 9411),
      maxSpans: Number.isInteger(maxSpans) && maxSpans > 0 ? maxSpans : 200_000,
      ...(fwd && { forward: fwd }),
      ...(cors.origins.length > 0 && { corsOrigins: cors.origins }),
    },
    ignoredUntrusted,
    problems: cors.problems,
  };
}

/** `meshlens.receiver.corsOrigins`: each a `scheme://host[:port]`; `*` and the like are left out with a reason. */
function corsOrigins(c: Reader): { origins: string[]; problems: string[] } {
  const raw = c.get<unknown>('corsOrigins', []);
  const origins: string[] = [];
  const problems: string[] = [];
  for (const v of Array.isArray(raw) ? raw : []) {
    try {
      origins.push(parseCorsOrigin(String(v)));
    } catch (e) {
      problems.push(`meshlens.receiver.corsOrigins: ${(e as Error).message}; left out`);
    }
  }
  return { origins, problems };
}

/**
 * A trace file's bytes, refused before it is read when it is over the import limit: the limit in
 * the trace worker would come only after the whole file sat in the extension host's memory (twice,
 * as bytes and as text).
 */
export async function readTraceFileBytes(uri: vscode.Uri, maxBytes = DEFAULT_MAX_IMPORT_BYTES): Promise<Uint8Array> {
  const { size } = await vscode.workspace.fs.stat(uri);
  if (size > maxBytes) throw new Error(`${path.basename(uri.path)} is ${size.toLocaleString('en-US')} bytes, over the import limit of ${(maxBytes / 1024 / 1024).toLocaleString('en-US')} MiB`);
  return vscode.workspace.fs.readFile(uri);
}

/** The first of the next few ports that nobody listens on, to offer instead of a taken one. */
function freePortAfter(host: string, taken: number): Promise<number | undefined> {
  const tryPort = (p: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(p, host, () => s.close(() => resolve(true)));
    });
  return (async () => {
    for (let p = taken + 10_000; p < taken + 10_010 && p <= 65535; p++) if (await tryPort(p)) return p;
    return undefined;
  })();
}

export class TraceReceiver implements vscode.Disposable {
  private service: TraceService | undefined;
  private starting: Promise<void> | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly trustGranted: vscode.Disposable;
  private spans = 0;
  private lastEvicted = 0;
  private disposed = false;
  private contextRunning: boolean | undefined;
  /** The viewers' live feed: it outlives any one service (restarts), so viewers subscribe here. */
  private readonly live = new Set<(m: LiveMessage) => void>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.status = vscode.window.createStatusBarItem('meshlens.receiver', vscode.StatusBarAlignment.Right, 100);
    this.status.name = 'MeshLens Trace Receiver';
    // The viewer shows the traces and the counters; the counters alone stay in the command palette.
    this.status.command = 'meshlens.openTraceViewer';
    this.render();
    this.status.show();
    // Trust granted: the workspace's own receiver settings apply now.
    this.trustGranted = vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (this.service && this.ignoredUntrusted) void this.restart();
    });
  }

  get running(): TraceService | undefined {
    return this.service;
  }

  /** Status-bar text, for people and for the end-to-end tests. */
  get statusText(): string {
    return this.status.text;
  }

  /** The running service once a start in progress has settled; undefined when not running. */
  async whenStarted(): Promise<TraceService | undefined> {
    await this.starting;
    return this.service;
  }

  /** Changes of the stored traces, and `resync` when the store itself is replaced (start, stop). */
  onLive(listener: (m: LiveMessage) => void): () => void {
    this.live.add(listener);
    return () => {
      this.live.delete(listener);
    };
  }

  private emit(m: LiveMessage): void {
    for (const l of [...this.live]) l(m);
  }

  /**
   * The start that `meshlens.receiver.autoStart` asks for, on a later turn of the event loop:
   * activation returns before the worker thread is spawned. start() and whenStarted() join it.
   */
  startSoon(): void {
    if (this.service || this.starting) return;
    this.starting = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => (this.disposed ? undefined : this.doStart()))
      .finally(() => {
        this.starting = undefined;
      });
  }

  start(): Promise<void> {
    if (this.service) return Promise.resolve();
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** The running receiver left out workspace values of restricted settings: granting trust restarts it. */
  private ignoredUntrusted = false;

  /** The last start failed (a taken port, a bad setting): a settings change should try again. */
  startFailed = false;

  private async doStart(): Promise<void> {
    const { options, ignoredUntrusted, problems } = readReceiverSettings();
    for (const p of problems) this.log.warn(`Trace receiver: ${p}`);
    this.ignoredUntrusted = ignoredUntrusted.length > 0;
    const untrusted = untrustedSettingsMessage('meshlens.receiver', ignoredUntrusted);
    if (untrusted) {
      this.log.warn(`Trace receiver: ${untrusted}`);
      void vscode.window.showInformationMessage(`MeshLens: ${untrusted}`);
    }
    const file = path.join(this.extensionPath, 'dist', 'trace-worker.js');
    try {
      const svc = await startTraceService(() => new Worker(file), options);
      this.service = svc;
      this.startFailed = false;
      this.spans = 0;
      this.lastEvicted = 0;
      svc.onChanged((m) => this.onChanged(m));
      svc.onLog((level, message) => (level === 'warn' ? this.log.warn(`Trace receiver: ${message}`) : this.log.info(`Trace receiver: ${message}`)));
      svc.onExit((e) => {
        this.log.error(`Trace receiver stopped unexpectedly: ${e.message}`);
        this.service = undefined;
        this.render();
        this.emit({ type: 'resync' });
      });
      for (const l of svc.listeners) this.log.info(`Trace receiver: ${l.label} listening on ${l.url}`);
      if (svc.forwardTo) this.log.info(`Trace receiver: forwarding everything received to ${svc.forwardTo} (meshlens.receiver.forward)`);
      // A taken port costs that protocol only; its way out is the same as for a start that failed.
      for (const f of svc.failed) this.log.error(`Trace receiver: ${f.message}; the other receivers are running`);
      const taken = svc.failed.find((f) => f.code === 'EADDRINUSE' && f.port !== undefined);
      if (taken) void this.offerAnotherPort(taken, options.host ?? '127.0.0.1');
      const exposed = exposureWarning(options.host ?? '127.0.0.1', svc.listeners, 'meshlens.receiver.host');
      if (exposed) {
        this.log.warn(`Trace receiver: ${exposed}`);
        void vscode.window.showWarningMessage(`MeshLens trace receiver: ${exposed}`, 'Open Settings').then((pick) => {
          if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'meshlens.receiver.host');
        });
      }
      this.render();
      // A new, empty store: what an open viewer shows is gone.
      this.emit({ type: 'resync' });
    } catch (e) {
      this.startFailed = true;
      this.render();
      if (e instanceof TraceServiceError && e.code === 'EADDRINUSE' && e.port !== undefined) {
        this.log.error(`Trace receiver not started: ${e.message}`);
        await this.offerAnotherPort(e, options.host ?? '127.0.0.1');
      } else if (e instanceof TraceServiceError && e.name === 'ForwardConfigError') {
        // The message quotes the value; the setting's name says where to change it.
        const msg = `${e.message} (${e.message.startsWith('forward header') ? 'meshlens.receiver.forwardHeaders' : 'meshlens.receiver.forward'})`;
        this.log.error(`Trace receiver not started: ${msg}`);
        const pick = await vscode.window.showErrorMessage(`MeshLens trace receiver: ${msg}`, 'Open Settings');
        if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'meshlens.receiver.forward');
      } else {
        const msg = (e as Error).message;
        this.log.error(`Trace receiver not started: ${msg}`);
        void vscode.window.showErrorMessage(`MeshLens trace receiver: ${msg}`);
      }
    }
  }

  private async offerAnotherPort(e: TraceServiceError, host: string): Promise<void> {
    const taken = e.port!;
    const setting = Object.entries(readReceiverSettings().options).find(([k, v]) => k.endsWith('Port') && v === taken)?.[0];
    const free = await freePortAfter(host, taken);
    const use = free !== undefined ? `Use Port ${free}` : undefined;
    const off = "Don't Start Automatically";
    const pick = await vscode.window.showWarningMessage(`MeshLens: ${e.message}.`, ...[use, off, 'Open Settings'].filter((x): x is string => !!x));
    if (pick === use && setting) {
      await vscode.workspace.getConfiguration('meshlens.receiver').update(setting, free, vscode.ConfigurationTarget.Workspace);
      await this.start();
    } else if (pick === off) {
      await vscode.workspace.getConfiguration('meshlens.receiver').update('autoStart', false, vscode.ConfigurationTarget.Global);
    } else if (pick === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'meshlens.receiver');
    }
  }

  async stop(): Promise<void> {
    await this.starting;
    const svc = this.service;
    if (!svc) return;
    const stats = await svc.request('stats', {}).catch(() => undefined);
    this.service = undefined;
    await svc.close();
    if (stats) this.log.info(`Trace receiver stopped. ${await describeStats(stats)}`);
    else this.log.info('Trace receiver stopped.');
    this.render();
    this.emit({ type: 'resync' });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async showStats(): Promise<void> {
    if (!this.service) {
      this.log.info('Trace receiver: not running (MeshLens: Start Trace Receiver).');
    } else {
      const stats = await this.service.request('stats', {});
      this.log.info(`Trace receiver: ${this.service.listeners.map((l) => l.url).join(', ')}. ${await describeStats(stats)}`);
    }
    this.log.show(true);
  }

  async importFile(): Promise<void> {
    if (!this.service) await this.start();
    const svc = this.service;
    if (!svc) return;
    const picked = await vscode.window.showOpenDialog({ canSelectMany: true, filters: { 'Trace files': ['json', 'jsonl', 'ndjson'], 'All files': ['*'] }, title: 'Import traces (OTLP/JSON, JSON Lines, Jaeger or Zipkin JSON)' });
    for (const uri of picked ?? []) {
      try {
        const text = new TextDecoder().decode(await readTraceFileBytes(uri));
        const r = await svc.request('import', { text, fileName: path.basename(uri.path) });
        const left = r.rejected ? `; ${r.rejected} left out (${r.rejectMessage})` : '';
        this.log.info(`Imported ${uri.fsPath} (${r.format}): ${r.spans} spans, ${r.logs} logs${left}`);
        void vscode.window.showInformationMessage(`MeshLens: imported ${r.spans} spans and ${r.logs} logs from ${path.basename(uri.path)}${left}.`);
      } catch (e) {
        this.log.error(`Import of ${uri.fsPath} failed: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`MeshLens: cannot import ${path.basename(uri.path)}: ${(e as Error).message}`);
      }
    }
  }

  async exportFile(): Promise<void> {
    const svc = this.service;
    if (!svc) {
      void vscode.window.showInformationMessage('MeshLens: the trace receiver is not running; there is nothing to export.');
      return;
    }
    const target = await vscode.window.showSaveDialog({ filters: { 'OTLP/JSON': ['json'] }, title: 'Export all stored traces as OTLP/JSON' });
    if (!target) return;
    const { json, spans } = await svc.request('export', {});
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(json));
    this.log.info(`Exported ${spans} spans to ${target.fsPath}`);
  }

  private onChanged(m: ChangedMessage): void {
    this.spans = m.stats.spans;
    if (m.stats.evictedSpans > 0 && this.lastEvicted === 0) {
      this.log.info(`Trace store full (${m.stats.spans.toLocaleString('en-US')} spans): the oldest traces are now evicted as new ones arrive (meshlens.receiver.maxSpans).`);
    }
    this.lastEvicted = m.stats.evictedSpans;
    this.render();
    this.emit(m);
  }

  private render(): void {
    const svc = this.service;
    // The command palette offers Start or Stop (and Export) by it.
    if (this.contextRunning !== !!svc) {
      this.contextRunning = !!svc;
      void vscode.commands.executeCommand('setContext', 'meshlens.receiverRunning', this.contextRunning);
    }
    if (!svc) {
      this.status.text = '$(circle-slash) MeshLens traces off';
      this.status.tooltip = 'The MeshLens trace receiver is not running. Click to open the trace viewer (which starts it).';
      return;
    }
    const http = svc.listeners.find((l) => l.name === 'otlpHttp') ?? svc.listeners[0];
    this.status.text = `$(pulse) ${http?.port ?? ''} · ${this.spans.toLocaleString('en-US')} ${this.spans === 1 ? 'span' : 'spans'}`;
    this.status.tooltip = new vscode.MarkdownString(
      [
        'MeshLens trace receiver',
        ...svc.listeners.map((l) => `- ${l.label}: \`${l.url}\``),
        ...(svc.forwardTo ? ['', `Forwards everything it receives to \`${svc.forwardTo}\` (OTLP/HTTP).`] : []),
        '',
        'Click to open the trace viewer; "MeshLens: Show Trace Receiver Counters" for the counters.',
      ].join('\n'),
    );
  }

  /** Settings that need a restart of a running receiver. */
  affects(e: vscode.ConfigurationChangeEvent): boolean {
    return ['host', 'httpPort', 'grpcPort', 'zipkinPort', 'maxSpans', 'forward', 'forwardHeaders', 'corsOrigins'].some((k) => e.affectsConfiguration(`meshlens.receiver.${k}`));
  }

  dispose(): void {
    this.disposed = true;
    this.live.clear();
    this.status.dispose();
    this.trustGranted.dispose();
    void this.service?.close();
    this.service = undefined;
  }
}

/**
 * The counters line, with the forwarder's part when it forwards. The forwarder's module reaches
 * the protobuf codecs, which the host needs only now, so it is imported here rather than at load.
 */
async function describeStats(s: StatsDto): Promise<string> {
  const forwarding = s.forward ? (await import('../receiver/forward')).describeForwarding(s.forward) : undefined;
  return counters(s, forwarding);
}

/** The counters line of the output channel; `forwarding` describes the upstream, when there is one. */
export function counters(s: StatsDto, forwarding?: string): string {
  const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US');
  const rx = s.receivers ?? {};
  const requests = Object.entries(rx)
    .map(([name, st]) => `${name} ${n(st.requests as number)} requests`)
    .join(', ');
  return (
    `Received ${n(s.ingest?.spans)} spans and ${n(s.ingest?.logs)} logs (${requests}); ` +
    `rejected ${n(s.ingest?.rejectedSpans)} spans and ${n(s.ingest?.rejectedLogs)} logs; ` +
    (s.ingest?.throttledRequests ? `${n(s.ingest.throttledRequests)} requests refused while the ingest queue was full (clients were told to retry); ` : '') +
    `stored ${n(s.store.spans)} spans in ${n(s.store.traces)} traces; evicted ${n(s.store.evictedSpans)} spans; ` +
    `${n(s.store.logsWithoutTrace)} logs without a trace not kept.` +
    (forwarding ? ` Upstream: ${forwarding}.` : '')
  );
}

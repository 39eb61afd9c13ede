// The trace viewer's webview panel: one panel (the command reveals it when open), restored after a
// reload by a panel serializer, loading the same page `meshlens serve` serves (dist/webview) with a
// strict CSP (viewer-html.ts), and talking to the trace worker only through the viewer protocol:
// the panel's messages go into a viewer bridge (src/receiver/viewer-bridge.ts), whose answers and
// live messages go back with postMessage.
//
// A few methods are the panel's own, not the trace worker's (HOST_VIEWER_METHODS): opening code at a
// line, which frame files exist, the open/save dialogs for trace files, and "show this trace" for the
// Explorer's Open Trace File. The bridge validates them like any other; they are answered here.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withJsonLocation } from '../core/trace/json-location';
import type { LiveViewerSource } from '../receiver/viewer-bridge';
import { HOST_VIEWER_METHODS, type DebugSessionsMessage, type HostViewerMethod, type ServiceManifestsDto, type TraceFileImportDto, type ViewerMethods, type ViewerResponse, type ViewerState } from '../shared/protocol';
import { CodeLinks } from './code-links';
import { readTraceFileBytes, type TraceReceiver } from './traces';
import { newNonce, viewerHtml } from './viewer-html';

export const VIEWER_VIEW_TYPE = 'meshlens.traceViewer';
export const OPEN_VIEWER_COMMAND = 'meshlens.openTraceViewer';
export const OPEN_TRACE_FILE_COMMAND = 'meshlens.openTraceFile';
const TITLE = 'MeshLens Traces';
const TRACE_FILE_FILTERS = { 'Trace files': ['json', 'jsonl', 'ndjson'], 'All files': ['*'] };
const HOST_METHODS: ReadonlySet<string> = new Set(HOST_VIEWER_METHODS);

export class TraceViewer implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private restored: ViewerState | undefined;
  private readonly root: vscode.Uri;
  private readonly registrations: vscode.Disposable[];
  /** Jump to code; `confirmOutside` is replaceable for the end-to-end tests. */
  readonly codeLinks: CodeLinks;
  /** The file dialogs of Open trace file and Export trace; replaceable so the end-to-end tests can answer them. */
  pickTraceFile = async (): Promise<vscode.Uri | undefined> =>
    (await vscode.window.showOpenDialog({ canSelectMany: false, filters: TRACE_FILE_FILTERS, title: 'Open a trace file (OTLP/JSON, JSON Lines, Jaeger or Zipkin JSON)' }))?.[0];
  pickExportTarget = async (traceId: string, suggested: vscode.Uri | undefined): Promise<vscode.Uri | undefined> =>
    vscode.window.showSaveDialog({ filters: { 'OTLP/JSON': ['json'] }, title: `Export trace ${traceId} as OTLP/JSON`, defaultUri: suggested });
  /** A trace the viewer should show once it asks (nextTraceToOpen), and the request waiting for one. */
  private traceToOpen: string | undefined;
  private waiting: ((v: { traceId: string } | null) => void) | undefined;
  /** The map's manifest badges: the traffic bridge answers (extension.ts sets it). */
  serviceManifests: () => ServiceManifestsDto = () => ({ services: {} });
  /** A service the map should show once it asks (nextMapReveal), and the request waiting for one. */
  private serviceToReveal: string | undefined;
  private waitingReveal: ((v: { service: string } | null) => void) | undefined;
  /** The latest debug sessions (src/vscode/debug.ts sets them), posted again to every page that says ready. */
  private debugSessions: DebugSessionsMessage | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly receiver: TraceReceiver,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.codeLinks = new CodeLinks(log);
    this.registrations = [
      vscode.commands.registerCommand(OPEN_VIEWER_COMMAND, () => this.open()),
      // From the Explorer's context menu with the file's uri; from the palette with none (a picker).
      vscode.commands.registerCommand(OPEN_TRACE_FILE_COMMAND, (uri?: unknown) => this.openTraceFile(uri instanceof vscode.Uri ? uri : undefined)),
      vscode.window.registerWebviewPanelSerializer(VIEWER_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          // Written by a viewer, maybe an older one: only its well-formed parts are kept. The page
          // gets the same state back from the webview API's getState(); the host keeps a copy for
          // the end-to-end tests.
          this.restored = (await viewerBridge()).toViewerState(state);
          if (this.panel) {
            // A second restored panel (should not happen: there is only ever one) would have no owner.
            panel.dispose();
            return;
          }
          await this.attach(panel);
        },
      }),
    ];
  }

  /** Whether the panel is open, and the state it was restored with (for the end-to-end tests). */
  get isOpen(): boolean {
    return this.panel !== undefined;
  }
  get restoredState(): ViewerState | undefined {
    return this.restored;
  }

  async open(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEWER_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, this.options());
    await this.attach(panel);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    // Only the viewer's own folder is readable by the page; no command URIs, no forms (it has
    // none). Not retained when hidden: the page reloads, says `ready` again and asks for its
    // snapshot (cheaper than keeping a large trace's DOM alive in the background).
    return { enableScripts: true, enableCommandUris: false, enableForms: false, localResourceRoots: [this.root], retainContextWhenHidden: false };
  }

  private async attach(panel: vscode.WebviewPanel): Promise<void> {
    this.panel = panel;
    panel.title = TITLE;
    panel.webview.options = this.options();
    // The viewer shows the receiver's traces: it must be running (a no-op when it is).
    void this.receiver.start();

    const webview = panel.webview;
    const { createViewerBridge } = await viewerBridge();
    const bridge = createViewerBridge(this.source(), (msg) => {
      // A hidden or closing page drops messages; the bridge must not see that as a failure.
      webview.postMessage(msg).then(undefined, () => undefined);
    });
    const subscriptions: vscode.Disposable[] = [
      webview.onDidReceiveMessage((m: unknown) => {
        bridge.receive(m);
        // A page (new, or reloaded after being hidden) knows nothing yet: tell it the sessions.
        if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ready') this.postDebugSessions();
      }),
    ];
    panel.onDidDispose(() => {
      this.waiting?.(null);
      this.waiting = undefined;
      bridge.dispose();
      for (const s of subscriptions) s.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
    webview.html = await this.html(webview);
  }

  private async html(webview: vscode.Webview): Promise<string> {
    let template: string;
    try {
      template = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.root, 'index.html')));
    } catch (e) {
      // A broken install (dist/webview missing): say so in the panel and the log, as text.
      this.log.error(`Trace viewer: cannot read ${vscode.Uri.joinPath(this.root, 'index.html').fsPath}: ${(e as Error).message}`);
      template = '<!doctype html><html><head></head><body><p>The MeshLens trace viewer is missing from this installation (dist/webview). Reinstall the extension.</p></body></html>';
    }
    return viewerHtml(template, {
      nonce: newNonce(),
      cspSource: webview.cspSource,
      assetUri: (p) => webview.asWebviewUri(vscode.Uri.joinPath(this.root, ...p.split('/'))).toString(),
    });
  }

  /**
   * One viewer request (a ViewerRequest as the page sends it) answered as the panel answers it:
   * the same validation, the host's own methods here, the rest by the trace worker. For the
   * end-to-end tests, which cannot reach into the webview.
   */
  async answer(msg: unknown): Promise<ViewerResponse | undefined> {
    return (await viewerBridge()).createViewerRpc(this.source()).answer(msg);
  }

  /** The trace worker's answers, with the panel's own methods answered here. */
  private source(): LiveViewerSource {
    const worker = receiverSource(this.receiver);
    return {
      request: (method, params) => (HOST_METHODS.has(method) ? this.answerHost(method as HostViewerMethod, params as never) : worker.request(method, params)) as never,
      onChanged: worker.onChanged,
    };
  }

  private async answerHost<M extends HostViewerMethod>(method: M, params: ViewerMethods[M]['params']): Promise<ViewerMethods[M]['result']> {
    type R = ViewerMethods[M]['result'];
    switch (method) {
      case 'openCode': {
        const { file, line } = params as ViewerMethods['openCode']['params'];
        return (await this.codeLinks.open(file, line)) as R;
      }
      case 'resolveCode':
        return { resolved: await this.codeLinks.resolveMany((params as ViewerMethods['resolveCode']['params']).files) } as R;
      case 'openTraceFile': {
        const picked = await this.pickTraceFile();
        return (picked ? await this.importFile(picked) : null) as R;
      }
      case 'exportTrace':
        return (await this.exportTrace((params as ViewerMethods['exportTrace']['params']).traceId)) as R;
      case 'nextTraceToOpen':
        return (await this.nextTraceToOpen()) as R;
      case 'serviceManifests':
        return this.serviceManifests() as R;
      case 'nextMapReveal':
        return (await this.nextMapReveal()) as R;
    }
    throw new Error(`unknown method ${String(method)}`);
  }

  private nextTraceToOpen(): Promise<{ traceId: string } | null> {
    // A reloaded page asks again; the old page's request must not hold an in-flight slot forever.
    this.waiting?.(null);
    this.waiting = undefined;
    if (this.traceToOpen) {
      const traceId = this.traceToOpen;
      this.traceToOpen = undefined;
      return Promise.resolve({ traceId });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  // The same long poll as nextTraceToOpen, for Reveal on Service Map.
  private nextMapReveal(): Promise<{ service: string } | null> {
    this.waitingReveal?.(null);
    this.waitingReveal = undefined;
    if (this.serviceToReveal) {
      const service = this.serviceToReveal;
      this.serviceToReveal = undefined;
      return Promise.resolve({ service });
    }
    return new Promise((resolve) => {
      this.waitingReveal = resolve;
    });
  }

  /** Opens the viewer with its map on `service` (a hidden panel's page reloads on reveal: as showTrace). */
  async revealOnMap(service: string): Promise<void> {
    if (this.waitingReveal && this.panel?.visible) {
      this.waitingReveal({ service });
      this.waitingReveal = undefined;
    } else {
      this.waitingReveal?.(null);
      this.waitingReveal = undefined;
      this.serviceToReveal = service;
    }
    await this.open();
  }

  /**
   * The debug sessions the list groups by, and the one its "This debug session" toggle follows.
   * Kept: a page that loads later (or reloads when shown again) gets the latest on its `ready`.
   */
  setDebugSessions(msg: DebugSessionsMessage): void {
    this.debugSessions = msg;
    this.postDebugSessions();
  }

  /** The latest debug sessions message (for the end-to-end tests). */
  get debugSessionsMessage(): DebugSessionsMessage | undefined {
    return this.debugSessions;
  }

  private postDebugSessions(): void {
    if (!this.panel || !this.debugSessions) return;
    // A page still loading or hidden drops it; its `ready` brings it again.
    this.panel.webview.postMessage(this.debugSessions).then(undefined, () => undefined);
  }

  /** Opens (or reveals) the viewer on `traceId` (as Open Trace File does). */
  async showTrace(traceId: string): Promise<void> {
    this.queueTrace(traceId);
    await this.open();
  }

  /** Has the viewer show `traceId`: now if its page is up and waits for one, else when it next asks. */
  private queueTrace(traceId: string): void {
    if (this.waiting && this.panel?.visible) {
      this.waiting({ traceId });
      this.waiting = undefined;
      return;
    }
    // A hidden panel's page is gone (not retained when hidden) and reloads when revealed: its
    // request would take the trace with it, so it is let go and the reloaded page gets the trace.
    this.waiting?.(null);
    this.waiting = undefined;
    this.traceToOpen = traceId;
  }

  /** Imports a trace file through the trace worker (started if needed). Throws with a message for people. */
  private async importFile(uri: vscode.Uri): Promise<TraceFileImportDto> {
    await this.receiver.start();
    const svc = await this.receiver.whenStarted();
    if (!svc) throw new Error('the trace receiver is not running; start it with "MeshLens: Start Trace Receiver"');
    const fileName = path.basename(uri.path);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readTraceFileBytes(uri));
    } catch (e) {
      throw new Error(`cannot read ${uri.fsPath}: ${(e as Error).message}`, { cause: e });
    }
    let r;
    try {
      r = await svc.request('import', { text, fileName });
    } catch (e) {
      throw new Error(`${fileName}: ${withJsonLocation((e as Error).message, text)}`, { cause: e });
    }
    const left = r.rejected ? `; ${r.rejected} left out (${r.rejectMessage})` : '';
    this.log.info(`Imported ${uri.fsPath} (${r.format}): ${r.spans} spans in ${r.traceIds.length} traces, ${r.logs} logs${left}`);
    return { fileName, format: r.format, spans: r.spans, logs: r.logs, rejected: r.rejected, rejectMessage: r.rejectMessage, traceIds: r.traceIds };
  }

  private async exportTrace(traceId: string): Promise<{ file: string; spans: number } | null> {
    const svc = await this.receiver.whenStarted();
    if (!svc) throw new Error('the trace receiver is not running; there is nothing to export');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `trace-${traceId}.json`;
    const target = await this.pickExportTarget(traceId, folder ? vscode.Uri.joinPath(folder, name) : undefined);
    if (!target) return null;
    const { json, spans } = await svc.request('export', { traceIds: [traceId] });
    if (spans === 0) throw new Error(`trace ${traceId} is no longer in the store (evicted, or the receiver restarted)`);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(json));
    this.log.info(`Exported trace ${traceId} (${spans} spans) to ${target.fsPath}`);
    return { file: target.fsPath, spans };
  }

  /**
   * MeshLens: Open Trace File: imports the file (asking for one without `uri`) and opens the viewer
   * on its first trace. Resolves with what was imported (undefined when cancelled or failed; the
   * person was told why).
   */
  async openTraceFile(uri?: vscode.Uri): Promise<TraceFileImportDto | undefined> {
    const target = uri ?? (await this.pickTraceFile());
    if (!target) return undefined;
    let r: TraceFileImportDto;
    try {
      r = await this.importFile(target);
    } catch (e) {
      this.log.error(`Open trace file ${target.fsPath}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`MeshLens: cannot open ${path.basename(target.path)} as traces: ${(e as Error).message}`);
      return undefined;
    }
    if (r.traceIds.length === 0) {
      void vscode.window.showInformationMessage(`MeshLens: ${r.fileName} holds no spans (${r.logs} logs imported).`);
      return r;
    }
    await this.showTrace(r.traceIds[0]);
    if (r.traceIds.length > 1 || r.rejected) {
      const left = r.rejected ? `; ${r.rejected} left out (${r.rejectMessage})` : '';
      void vscode.window.showInformationMessage(`MeshLens: imported ${r.traceIds.length} traces from ${r.fileName}; showing the first${left}.`);
    }
    return r;
  }

  dispose(): void {
    this.waiting?.(null);
    this.waiting = undefined;
    this.waitingReveal?.(null);
    this.waitingReveal = undefined;
    this.panel?.dispose();
    this.panel = undefined;
    for (const r of this.registrations) r.dispose();
  }
}

/**
 * The receiver as the bridge's source: whichever trace service is running at the time of each
 * request (the receiver restarts it when settings change), and the receiver's live messages, which
 * outlive any one service.
 */
/**
 * The protocol's host side, imported when a panel or a request first needs it: through the graph
 * queries it reaches the trace codecs (protobufjs), which activation does not need.
 */
function viewerBridge(): Promise<typeof import('../receiver/viewer-bridge')> {
  return import('../receiver/viewer-bridge');
}

function receiverSource(receiver: TraceReceiver): LiveViewerSource {
  return {
    async request(method, params) {
      const svc = await receiver.whenStarted();
      if (!svc) throw new Error('the trace receiver is not running; start it with "MeshLens: Start Trace Receiver"');
      return svc.request(method, params);
    },
    onChanged: (listener) => receiver.onLive(listener),
  };
}

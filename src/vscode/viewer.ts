// The trace viewer's webview panel: one panel (the command reveals it when open), restored after a
// reload by a panel serializer, loading the same page `meshlens serve` serves (dist/webview) with a
// strict CSP (viewer-html.ts), and talking to the trace worker only through the viewer protocol:
// the panel's messages go into a viewer bridge (src/receiver/viewer-bridge.ts), whose answers and
// live messages go back with postMessage.
import * as vscode from 'vscode';
import { createViewerBridge, toViewerState, type LiveViewerSource } from '../receiver/viewer-bridge';
import type { ViewerState } from '../shared/protocol';
import type { TraceReceiver } from './traces';
import { newNonce, viewerHtml } from './viewer-html';

export const VIEWER_VIEW_TYPE = 'meshlens.traceViewer';
export const OPEN_VIEWER_COMMAND = 'meshlens.openTraceViewer';
const TITLE = 'MeshLens Traces';

export class TraceViewer implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private restored: ViewerState | undefined;
  private readonly root: vscode.Uri;
  private readonly registrations: vscode.Disposable[];

  constructor(
    extensionUri: vscode.Uri,
    private readonly receiver: TraceReceiver,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.registrations = [
      vscode.commands.registerCommand(OPEN_VIEWER_COMMAND, () => this.open()),
      vscode.window.registerWebviewPanelSerializer(VIEWER_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          // Written by a viewer, maybe an older one: only its well-formed parts are kept. The page
          // gets the same state back from the webview API's getState(); the host keeps a copy for
          // the end-to-end tests.
          this.restored = toViewerState(state);
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
    // Only the viewer's own folder is readable by the page; no command URIs. Not retained when
    // hidden: the page reloads, says `ready` again and asks for its snapshot (cheaper than keeping
    // a large trace's DOM alive in the background).
    return { enableScripts: true, enableCommandUris: false, localResourceRoots: [this.root], retainContextWhenHidden: false };
  }

  private async attach(panel: vscode.WebviewPanel): Promise<void> {
    this.panel = panel;
    panel.title = TITLE;
    panel.webview.options = this.options();
    // The viewer shows the receiver's traces: it must be running (a no-op when it is).
    void this.receiver.start();

    const webview = panel.webview;
    const bridge = createViewerBridge(receiverSource(this.receiver), (msg) => {
      // A hidden or closing page drops messages; the bridge must not see that as a failure.
      webview.postMessage(msg).then(undefined, () => undefined);
    });
    const subscriptions: vscode.Disposable[] = [webview.onDidReceiveMessage((m: unknown) => bridge.receive(m))];
    panel.onDidDispose(() => {
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

  dispose(): void {
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

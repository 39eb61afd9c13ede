// The bridge in the editor: CodeLenses above weighted routes and Rollout steps, information-level
// diagnostics (ML5xxx, the "MeshLens traffic" collection), both from src/core/correlate reading the
// manifest index against the trace worker's versioned service graph; and "Reveal on Service Map".
import * as vscode from 'vscode';
import { readRuleSettings } from '../core';
import type { Finding } from '../core';
import { correlate, serviceManifests, type BridgeLens, type CorrelationWorkspace } from '../core/correlate';
import type { GraphDto, GraphWindow } from '../shared/graph';
import { GRAPH_WINDOWS } from '../shared/graph';
import type { ServiceManifestsDto } from '../shared/protocol';
import { toDiagnostic, toRange } from './diagnostics';
import type { ManifestService } from './manifests';
import type { TraceReceiver } from './traces';

export const REVEAL_ON_MAP_COMMAND = 'meshlens.revealOnMap';
export const TRAFFIC_DIAGNOSTICS = 'MeshLens traffic';
/** At most one graph request this often, however fast spans arrive. */
export const GRAPH_THROTTLE_MS = 2000;
/** The window slides without new spans: ask again this often while the receiver runs. */
const SLIDE_REFRESH_MS = 30_000;
/** Manifest updates come in bursts (a rescan); correlate once they settle. */
const MANIFEST_DEBOUNCE_MS = 200;

export interface BridgeSettings {
  enabled: boolean;
  window: GraphWindow;
}

export function readBridgeSettings(): BridgeSettings {
  const c = vscode.workspace.getConfiguration('meshlens.bridge');
  const w = c.get<string>('window');
  return { enabled: c.get<boolean>('enabled') !== false, window: GRAPH_WINDOWS.includes(w as GraphWindow) ? (w as GraphWindow) : '5m' };
}

export class TrafficBridge implements vscode.Disposable, vscode.CodeLensProvider {
  private settings = readBridgeSettings();
  private graph: GraphDto | undefined;
  private lenses = new Map<string, BridgeLens[]>();
  private findingsByUri = new Map<string, Finding[]>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly refreshed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private lastRequestMs = Number.NEGATIVE_INFINITY;
  private graphTimer: ReturnType<typeof setTimeout> | undefined;
  private manifestTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly slideTimer: ReturnType<typeof setInterval>;
  private inFlight = false;
  private askAgain = false;
  private disposed = false;

  readonly onDidChangeCodeLenses = this.changed.event;
  /** After every correlation (new graph, manifests or settings): the end-to-end tests wait on it. */
  readonly onDidRefresh = this.refreshed.event;

  constructor(
    private readonly manifests: ManifestService,
    private readonly traces: TraceReceiver,
    private readonly collection: vscode.DiagnosticCollection,
    private readonly docsRoot: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** Opens the viewer's map on a service (the viewer answers its pending nextMapReveal). */
    private readonly reveal: (service: string) => Promise<void>,
  ) {
    const unsubscribe = traces.onLive(() => this.requestGraph());
    this.disposables.push(
      this.changed,
      this.refreshed,
      { dispose: unsubscribe },
      manifests.onDidUpdate(() => this.manifestsChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('meshlens.bridge') || e.affectsConfiguration('meshlens.rules')) this.settingsChanged();
      }),
      vscode.commands.registerCommand(REVEAL_ON_MAP_COMMAND, (arg?: unknown) => this.revealOnMap(arg)),
    );
    this.slideTimer = setInterval(() => {
      if (this.traces.running) this.requestGraph();
    }, SLIDE_REFRESH_MS);
    this.requestGraph();
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.slideTimer);
    if (this.graphTimer) clearTimeout(this.graphTimer);
    if (this.manifestTimer) clearTimeout(this.manifestTimer);
    for (const d of this.disposables) d.dispose();
  }

  /** The lenses of a file as they stand (the end-to-end tests compare them with the provider's). */
  lensesFor(uri: string): readonly BridgeLens[] {
    return this.lenses.get(uri) ?? [];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return (this.lenses.get(document.uri.toString()) ?? []).map(
      (l) => new vscode.CodeLens(toRange(l.range), { title: l.title, tooltip: l.tooltip, command: REVEAL_ON_MAP_COMMAND, arguments: [l.service] }),
    );
  }

  /** For the viewer's serviceManifests: the workspace objects that configure each service. */
  serviceManifests(): ServiceManifestsDto {
    const refs = serviceManifests(this.workspace());
    const services: Record<string, ServiceManifestsDto['services'][string]> = {};
    for (const [name, list] of Object.entries(refs)) services[name] = list.map((r) => ({ kind: r.kind, namespace: r.namespace, name: r.name, file: vscode.Uri.parse(r.uri).fsPath, line: r.line }));
    return { services };
  }

  private workspace(): CorrelationWorkspace {
    const index = this.manifests.current.index;
    return { objectsOfKind: (gk) => index.objectsOfKind(gk), fileOf: (uri) => index.get(uri)?.file };
  }

  private settingsChanged(): void {
    const next = readBridgeSettings();
    const windowChanged = next.window !== this.settings.window;
    this.settings = next;
    if (!next.enabled) {
      this.graph = undefined;
      this.recompute();
    } else if (windowChanged || !this.graph) this.requestGraph(true);
    else this.recompute();
  }

  private manifestsChanged(): void {
    if (this.manifestTimer) return;
    this.manifestTimer = setTimeout(() => {
      this.manifestTimer = undefined;
      this.recompute();
    }, MANIFEST_DEBOUNCE_MS);
  }

  /** Asks the worker for the graph, at most once every GRAPH_THROTTLE_MS (`now`: a changed window, not rate-limited). */
  private requestGraph(now = false): void {
    if (this.disposed || !this.settings.enabled) return;
    if (this.inFlight) {
      this.askAgain = true;
      return;
    }
    if (this.graphTimer) {
      if (!now) return;
      clearTimeout(this.graphTimer);
    }
    const wait = now ? 0 : Math.max(0, this.lastRequestMs + GRAPH_THROTTLE_MS - Date.now());
    this.graphTimer = setTimeout(() => {
      this.graphTimer = undefined;
      void this.fetchGraph();
    }, wait);
  }

  private async fetchGraph(): Promise<void> {
    const svc = this.traces.running;
    this.inFlight = true;
    this.lastRequestMs = Date.now();
    try {
      this.graph = svc ? await svc.request('graph', { window: this.settings.window, versioned: true }) : undefined;
    } catch (e) {
      // A stopped or restarting worker: the next change asks again.
      this.log.warn(`Traffic bridge: could not read the service graph: ${e instanceof Error ? e.message : String(e)}`);
      this.graph = undefined;
    } finally {
      this.inFlight = false;
    }
    if (this.disposed) return;
    this.recompute();
    if (this.askAgain) {
      this.askAgain = false;
      this.requestGraph();
    }
  }

  private recompute(): void {
    if (this.disposed) return;
    const lenses = new Map<string, BridgeLens[]>();
    const findings = new Map<string, Finding[]>();
    // Without any traffic there is nothing to set beside the configuration: no lens saying so on every route.
    if (this.settings.enabled && this.graph && this.graph.nodes.length > 0) {
      try {
        const result = correlate(this.workspace(), this.graph);
        for (const l of result.lenses) push(lenses, l.uri, l);
        const { rules } = readRuleSettings(vscode.workspace.getConfiguration('meshlens').get('rules'));
        for (const f of result.findings) {
          const setting = rules[f.code] ?? rules[f.ruleId];
          if (setting === 'off') continue;
          push(findings, f.uri, setting ? { ...f, severity: setting } : f);
        }
      } catch (e) {
        this.log.error(`Traffic bridge: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
    const stale = [...this.findingsByUri.keys()].filter((u) => !findings.has(u));
    for (const u of stale) this.collection.delete(vscode.Uri.parse(u));
    for (const [u, list] of findings) {
      this.collection.set(
        vscode.Uri.parse(u),
        list.map((f) => toDiagnostic(f, this.docsRoot)),
      );
    }
    this.findingsByUri = findings;
    this.lenses = lenses;
    this.changed.fire();
    this.refreshed.fire();
  }

  /**
   * From a lens: its service. From the editor's context menu or the palette: the service of the
   * object at the cursor (asked when it configures several).
   */
  async revealOnMap(arg?: unknown): Promise<void> {
    const service = typeof arg === 'string' && arg ? arg : await this.serviceAtCursor(arg instanceof vscode.Uri ? arg : undefined);
    if (!service) return;
    await this.reveal(service);
  }

  private async serviceAtCursor(uri: vscode.Uri | undefined): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    const doc = editor && (!uri || editor.document.uri.toString() === uri.toString()) ? editor.document : undefined;
    const key = (uri ?? doc?.uri)?.toString();
    const entry = key ? this.manifests.current.index.get(key) : undefined;
    const offset = doc && editor ? doc.offsetAt(editor.selection.active) : 0;
    const object = entry?.objects.find((o) => o.doc.start <= offset && offset <= o.doc.end) ?? (doc ? undefined : entry?.objects[0]);
    if (!object) {
      void vscode.window.showInformationMessage('MeshLens: put the cursor in a VirtualService, DestinationRule, Service, Deployment or Rollout to reveal its service on the map.');
      return undefined;
    }
    const names = Object.entries(serviceManifests(this.workspace()))
      .filter(([, refs]) => refs.some((r) => r.uri === object.uri && r.kind === object.kind && r.namespace === object.namespace && r.name === object.name))
      .map(([name]) => name);
    if (names.length === 0) {
      void vscode.window.showInformationMessage(`MeshLens: ${object.ref} names no service to show on the map.`);
      return undefined;
    }
    if (names.length === 1) return names[0];
    return vscode.window.showQuickPick(names, { title: `Reveal which service of ${object.ref} on the map?` });
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

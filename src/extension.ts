import * as vscode from 'vscode';
import {
  ASSIST_SELECTOR,
  COMPLETION_TRIGGERS,
  ManifestCompletions,
  ManifestHovers,
  ManifestNavigation,
  ManifestSymbols,
  OPEN_LOCATION_COMMAND,
  openLocation,
  ReferenceLenses,
} from './vscode/assist';
import { TRAFFIC_DIAGNOSTICS, TrafficBridge } from './vscode/bridge';
import { readSettings } from './vscode/config';
import { DebugTraces } from './vscode/debug';
import { DemoTraffic, START_DEMO_COMMAND, STOP_DEMO_COMMAND } from './vscode/demo';
import { FindingCodeActions } from './vscode/codeActions';
import { DIAGNOSTIC_SOURCE } from './vscode/diagnostics';
import { IndexSnapshot, ManifestService } from './vscode/manifests';
import { readReceiverSettings, TraceReceiver } from './vscode/traces';
import { TraceViewer } from './vscode/viewer';

/** What activate() returns: used by the end-to-end tests, and stable enough for other extensions. */
export interface MeshLensApi {
  whenIdle(): Promise<void>;
  indexSnapshot(): IndexSnapshot;
  onDidUpdate: vscode.Event<string[]>;
  /** The trace receiver: running or not, and what the status bar says. */
  traces: TraceReceiver;
  /** The trace viewer panel: open or not, the state it was restored with. */
  viewer: TraceViewer;
  /** Observed traffic next to the manifests: its lenses, and an event after each refresh. */
  bridge: TrafficBridge;
  /** Debug sessions whose programs send their spans here: the sessions, their counts, what was injected. */
  debug: DebugTraces;
}

const YAML_SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }, { pattern: '**/*.{yaml,yml}' }];

export function activate(context: vscode.ExtensionContext): MeshLensApi {
  const activateStart = performance.now();
  const log = vscode.window.createOutputChannel('MeshLens', { log: true });
  const settings = readSettings();
  for (const p of settings.problems) log.warn(`Setting ignored: ${p}`);
  const diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  const manifests = new ManifestService(settings, diagnostics, vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules'), log);

  const navigation = new ManifestNavigation(manifests);
  const symbols = new ManifestSymbols(manifests);
  const lenses = new ReferenceLenses(manifests);
  const traces = new TraceReceiver(context.extensionPath, log);
  const viewer = new TraceViewer(context.extensionUri, traces, log);
  const demo = new DemoTraffic(context.extensionPath, traces, log);
  const trafficDiagnostics = vscode.languages.createDiagnosticCollection(TRAFFIC_DIAGNOSTICS);
  const bridge = new TrafficBridge(manifests, traces, trafficDiagnostics, vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules'), log, (service) => viewer.revealOnMap(service));
  viewer.serviceManifests = () => bridge.serviceManifests();
  // Registers the debug configuration provider (all debug types) and meshlens.showTraceOfCurrentRequest.
  const debug = new DebugTraces(traces, viewer, log);

  context.subscriptions.push(
    log,
    diagnostics,
    manifests,
    vscode.languages.registerCodeActionsProvider(
      YAML_SELECTOR,
      new FindingCodeActions((uri) => manifests.findings(uri)),
      FindingCodeActions.metadata,
    ),
    // Assist for YAML only; it adds reference-aware items to what the Red Hat YAML extension offers.
    vscode.languages.registerCompletionItemProvider(ASSIST_SELECTOR, new ManifestCompletions(manifests), ...COMPLETION_TRIGGERS),
    vscode.languages.registerHoverProvider(ASSIST_SELECTOR, new ManifestHovers(manifests)),
    vscode.languages.registerDefinitionProvider(ASSIST_SELECTOR, navigation),
    vscode.languages.registerReferenceProvider(ASSIST_SELECTOR, navigation),
    vscode.languages.registerDocumentSymbolProvider(ASSIST_SELECTOR, symbols, { label: 'MeshLens' }),
    vscode.languages.registerWorkspaceSymbolProvider(symbols),
    lenses,
    vscode.languages.registerCodeLensProvider(ASSIST_SELECTOR, lenses),
    vscode.commands.registerCommand(OPEN_LOCATION_COMMAND, openLocation),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('meshlens')) {
        const next = readSettings();
        for (const p of next.problems) log.warn(`Setting ignored: ${p}`);
        log.info('Settings changed; re-checking');
        manifests.applySettings(next);
      }
      if (e.affectsConfiguration('files.exclude')) void manifests.rescan('files.exclude changed');
    }),
    vscode.commands.registerCommand('meshlens.recheckWorkspace', () => manifests.rescan('command')),
    vscode.commands.registerCommand('meshlens.showLog', () => log.show()),
    traces,
    // Registers meshlens.openTraceViewer and the panel serializer.
    viewer,
    // Registers meshlens.revealOnMap.
    bridge,
    trafficDiagnostics,
    vscode.languages.registerCodeLensProvider(YAML_SELECTOR, bridge),
    vscode.commands.registerCommand('meshlens.startReceiver', () => traces.start()),
    vscode.commands.registerCommand('meshlens.stopReceiver', () => traces.stop()),
    vscode.commands.registerCommand('meshlens.showReceiverStats', () => traces.showStats()),
    vscode.commands.registerCommand('meshlens.importTraces', () => traces.importFile()),
    vscode.commands.registerCommand('meshlens.exportTraces', () => traces.exportFile()),
    demo,
    vscode.commands.registerCommand(START_DEMO_COMMAND, () => demo.start()),
    vscode.commands.registerCommand(STOP_DEMO_COMMAND, () => demo.stop()),
    debug,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (traces.running && traces.affects(e)) {
        log.info('Trace receiver settings changed; restarting it');
        void traces.restart();
      } else if (traces.startFailed && traces.affects(e)) {
        // The setting that made it fail may be the one just corrected.
        log.info('Trace receiver settings changed; trying to start it again');
        void traces.start();
      }
    }),
  );
  if (readReceiverSettings().autoStart) traces.startSoon();
  manifests.start();
  // The time of activate() itself; loading the bundle before it is not included.
  log.info(`MeshLens ${context.extension.packageJSON.version as string} activated in ${Math.round(performance.now() - activateStart)} ms`);

  return {
    whenIdle: () => manifests.whenIdle(),
    indexSnapshot: () => manifests.snapshot(),
    onDidUpdate: manifests.onDidUpdate,
    traces,
    viewer,
    bridge,
    debug,
  };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}

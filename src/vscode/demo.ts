// "MeshLens: Start Demo Traffic" / "Stop Demo Traffic": the simulated Bookinfo mesh (src/demo)
// sends its traces over OTLP/HTTP to the extension's own trace receiver, so the viewer, the map and
// the traffic lenses have something to show without an app. The simulator and the OpenTelemetry
// SDK are a bundle of their own (dist/demo.js), loaded on the first start: activation does not pay
// for them. While it runs, a status bar item says so and stops it on click.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as Demo from '../demo';
import type { TraceReceiver } from './traces';

export const START_DEMO_COMMAND = 'meshlens.startDemoTraffic';
export const STOP_DEMO_COMMAND = 'meshlens.stopDemoTraffic';

export class DemoTraffic implements vscode.Disposable {
  private run: Demo.DemoRun | undefined;
  private starting = false;
  private readonly status: vscode.StatusBarItem;

  constructor(
    private readonly extensionPath: string,
    private readonly traces: TraceReceiver,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.status = vscode.window.createStatusBarItem('meshlens.demo', vscode.StatusBarAlignment.Right, 99);
    this.status.name = 'MeshLens Demo Traffic';
    this.status.command = STOP_DEMO_COMMAND;
  }

  /** Whether demo traffic is being sent (for the end-to-end tests, too). */
  get running(): boolean {
    return this.run !== undefined;
  }

  async start(): Promise<void> {
    if (this.run || this.starting) {
      void vscode.window.showInformationMessage('MeshLens: demo traffic is already running (MeshLens: Stop Demo Traffic stops it).');
      return;
    }
    this.starting = true;
    try {
      await this.traces.start();
      const svc = this.traces.running;
      const http = svc?.listeners.find((l) => l.name === 'otlpHttp');
      if (!http) {
        void vscode.window.showErrorMessage('MeshLens: demo traffic needs the trace receiver, which is not running (MeshLens: Start Trace Receiver; the MeshLens log says why).');
        return;
      }
      // A receiver on all addresses is reached on the loopback one.
      const url = new URL(http.url);
      if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
      if (url.hostname === '[::]') url.hostname = '[::1]';
      let run: Demo.DemoRun;
      try {
        // The span's code.file.path stays relative (examples/bookinfo/app/...): the viewer's jump to
        // code finds it in the workspace whether it is this repository or its examples folder.
        run = await this.load().startDemo({ endpoint: url.href, protocol: 'http/protobuf' });
      } catch (e) {
        this.log.error(`Demo traffic not started: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`MeshLens: demo traffic not started: ${(e as Error).message}`);
        return;
      }
      this.run = run;
      this.log.info(`Demo traffic: sending the simulated Bookinfo mesh (namespace bookinfo) to ${run.url} at ${run.rate} requests/s`);
      this.render();
      run.done.then(
        (counts) => this.ended(run, `Demo traffic stopped after ${counts.requests} requests (${counts.exportedSpans} spans).`),
        (e: unknown) => {
          this.ended(run, `Demo traffic stopped: ${(e as Error).message}`);
          void vscode.window.showWarningMessage(`MeshLens: demo traffic stopped: ${(e as Error).message}`);
        },
      );
      void vscode.window.showInformationMessage(`MeshLens: demo traffic (the Bookinfo mesh, ${run.rate} requests/s) is being sent to the trace receiver. Stop it with the status bar item or "MeshLens: Stop Demo Traffic".`, 'Open Trace Viewer', 'Stop').then((pick) => {
        if (pick === 'Open Trace Viewer') void vscode.commands.executeCommand('meshlens.openTraceViewer');
        else if (pick === 'Stop') void this.stop();
      });
    } finally {
      this.starting = false;
    }
  }

  async stop(): Promise<void> {
    const run = this.run;
    if (!run) {
      void vscode.window.showInformationMessage('MeshLens: no demo traffic is running.');
      return;
    }
    // What was recorded last is still exported; a failure was reported by `done` already.
    await run.stop().catch(() => undefined);
  }

  private ended(run: Demo.DemoRun, message: string): void {
    if (this.run !== run) return;
    this.run = undefined;
    this.log.info(message);
    this.render();
  }

  private render(): void {
    const run = this.run;
    // The command palette offers Start or Stop by it.
    void vscode.commands.executeCommand('setContext', 'meshlens.demoRunning', run !== undefined);
    if (!run) {
      this.status.hide();
      return;
    }
    this.status.text = `$(broadcast) Demo ${run.rate} req/s`;
    this.status.tooltip = `MeshLens is sending demo traffic (the simulated Bookinfo mesh) to ${run.url}. Click to stop it.`;
    this.status.show();
  }

  /** dist/demo.js, next to dist/extension.js in the package. */
  private load(): typeof Demo {
    return createRequire(__filename)(path.join(this.extensionPath, 'dist', 'demo.js')) as typeof Demo;
  }

  dispose(): void {
    const run = this.run;
    this.run = undefined;
    void run?.stop().catch(() => undefined);
    this.status.dispose();
  }
}

// Debug sessions in the trace list (issue 11), in Chromium against `meshlens serve`: spans recorded
// by the OpenTelemetry JS SDK with and without the `meshlens.debug.session` resource attribute.
//
// 1. The served page (a browser, no debugger): each session's traces grouped under a header with
//    the store's span count, the rest under "Other traces"; no session toggle.
// 2. The same bundle as a VS Code webview (acquireVsCodeApi stubbed before the page's script runs,
//    as in files.test.ts and map.test.ts; test-only, nothing ships): the test plays the panel host
//    and posts DebugSessionsMessage with window.postMessage exactly as the host's webview.postMessage
//    delivers it. The "This debug session" toggle is on while the session runs and lists exactly its
//    traces; they stay, labelled ended, when it ends; turned off it survives a reload.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEBUG_SESSION_ATTRIBUTE, type DebugSessionsMessage } from '../../src/shared/protocol';
import { assertNoPageErrors, screenshot, setToolkitCheckbox, tid, vscodeApiStub, waitForListed, type ViewerPage } from './lib/browser';
import { Sdk, span } from './lib/feed';
import { useViewerSession } from './lib/session';

const SESSION_A = 'dbg-orders-1';
const SESSION_B = 'dbg-billing-2';

/** Records `count` one-or-two-span requests of `service` (tagged with `session` when given); returns their trace ids. */
async function record(otlpHttp: string, service: string, session: string | undefined, count: number, t0: number): Promise<string[]> {
  const sdk = new Sdk(otlpHttp, { 'service.name': service, ...(session && { [DEBUG_SESSION_ATTRIBUTE]: session }) });
  const tracer = sdk.tracer('debug-sessions.test');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const root = span(tracer, `GET /${service}/${i}`, undefined, t0 + i * 1000, { attributes: { 'code.filepath': `/app/src/${service}.js`, 'code.lineno': 10 } });
    const child = span(tracer, 'load', root, t0 + i * 1000 + 2);
    child.end(t0 + i * 1000 + 8);
    root.end(t0 + i * 1000 + 10);
    ids.push(root.spanContext().traceId);
  }
  await sdk.flush();
  await sdk.shutdown();
  return ids;
}

/** The list top to bottom: "[title]" for a group header, the trace id for a trace row. */
async function listShape(page: Page): Promise<string[]> {
  return page.locator(`${tid('trace-list')} tbody tr`).evaluateAll((rows) =>
    rows.map((r) => (r.getAttribute('data-testid') === 'session-row' ? `[${r.querySelector('[data-testid="session-title"]')?.textContent ?? ''}]` : (r.getAttribute('data-trace-id') ?? ''))),
  );
}

async function headerDetails(page: Page, sessionId: string): Promise<string> {
  return (await page.locator(`${tid('session-row')}[data-session-id="${sessionId}"] ${tid('session-details')}`).textContent()) ?? '';
}

describe('debug sessions in the trace list', function () {
  const traces: Record<'a' | 'b' | 'other', string[]> = { a: [], b: [], other: [] };
  const session = useViewerSession({
    beforeOpen: async (serve) => {
      const t0 = Date.now() - 120_000;
      traces.a = await record(serve.otlpHttp, 'orders', SESSION_A, 3, t0);
      traces.other = await record(serve.otlpHttp, 'inventory', undefined, 2, t0 + 500);
      traces.b = await record(serve.otlpHttp, 'billing', SESSION_B, 1, t0 + 10_000);
    },
  });

  it('groups the served list by debug session, other traces in their own group', async () => {
    const { page } = session;
    await waitForListed(page, [...traces.a, ...traces.b, ...traces.other]);
    await page.locator(`${tid('session-row')}[data-session-id="${SESSION_A}"]`).waitFor();
    const shape = await listShape(page);
    // Newest first: B's trace (t0 + 10 s) is the newest, then A's and the others interleaved by start.
    const groups = shape.filter((x) => x.startsWith('['));
    assert.deepEqual(groups, [`[Debug session ${SESSION_B}]`, `[Debug session ${SESSION_A}]`, '[Other traces]'], shape.join('\n'));
    const after = (header: string) => {
      const from = shape.indexOf(header) + 1;
      const end = shape.findIndex((x, i) => i >= from && x.startsWith('['));
      return shape.slice(from, end < 0 ? undefined : end).sort();
    };
    assert.deepEqual(after(`[Debug session ${SESSION_A}]`), [...traces.a].sort());
    assert.deepEqual(after(`[Debug session ${SESSION_B}]`), [...traces.b].sort());
    assert.deepEqual(after('[Other traces]'), [...traces.other].sort());
    // Counts from the store: 2 spans per trace. A browser knows no session's state.
    assert.equal(await headerDetails(page, SESSION_A), '6 spans in 3 traces');
    assert.equal(await headerDetails(page, SESSION_B), '2 spans in 1 trace');
    // No debugger here: no toggle.
    assert.equal(await page.locator(tid('filter-debug-session')).isVisible(), false);
    // Keyboard: arrows move over traces only, never onto a header.
    await page.locator(`${tid('trace-row')}[data-trace-id="${traces.b[0]}"]`).click();
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    assert.equal(focused, 'trace-row');
    const file = await screenshot(page, 'debug-sessions-grouped');
    assert.ok(file.endsWith('.png'));
  });

  describe('as a VS Code webview: the "This debug session" toggle', () => {
    let host: ViewerPage | undefined;
    const started = Date.now() - 60_000;
    const running: DebugSessionsMessage = {
      type: 'debugSessions',
      sessions: [{ id: SESSION_A, name: 'Launch orders', running: true, startedUnixMs: started }],
      current: SESSION_A,
    };

    /** Posts as the panel host does, and remembers it for the next `ready` (the host re-posts then). */
    const postSessions = async (msg: DebugSessionsMessage) => {
      await host!.page.evaluate((m) => {
        sessionStorage.setItem('meshlens.test.sessions', JSON.stringify(m));
        window.postMessage(m, '*');
      }, msg);
    };

    before(async function () {
      const p = await session.browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      p.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      });
      p.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e.message}`));
      p.setDefaultTimeout(15_000);
      await p.exposeFunction('meshlensTestHost', async (msg: { id: number; method: string }) => {
        // The panel's own long polls wait; nothing else of the panel's is asked here.
        if (msg.method === 'nextTraceToOpen' || msg.method === 'nextMapReveal') return new Promise(() => undefined);
        return { type: 'response', id: msg.id, error: `unexpected ${msg.method}` };
      });
      const prelude = `window.meshlensTestOnReady = (post) => { const m = sessionStorage.getItem('meshlens.test.sessions'); if (m) post(JSON.parse(m)); };`;
      await p.addInitScript({ content: vscodeApiStub(prelude, { persistState: true }) });
      await p.goto(session.serve.viewer, { waitUntil: 'load' });
      await p.locator(tid('trace-list')).waitFor();
      host = { page: p, errors, dialogs: [] };
    });
    afterEach(function () {
      assertNoPageErrors(host);
    });
    after(async function () {
      await host?.page.close();
    });

    it('is on while the session runs and lists exactly its traces; a new span of it arrives live', async () => {
      const { page } = host!;
      await waitForListed(page, [...traces.a, ...traces.b, ...traces.other]);
      await postSessions(running);
      await page.locator(`${tid('filter-debug-session')}[aria-checked="true"]`).waitFor();
      assert.deepEqual((await waitForListed(page, traces.a)).sort(), [...traces.a].sort());
      assert.deepEqual(await listShape(page).then((s) => s.filter((x) => x.startsWith('['))), ['[Launch orders]']);
      assert.equal(await headerDetails(page, SESSION_A), 'running · 6 spans in 3 traces');
      // A request of the debugged program while the list shows: it joins (live), the others stay out.
      const [more] = await record(session.serve.otlpHttp, 'orders', SESSION_A, 1, Date.now() - 1000);
      await record(session.serve.otlpHttp, 'inventory', undefined, 1, Date.now() - 900);
      await waitForListed(page, [...traces.a, more]);
      traces.a.push(more);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'running · 8 spans in 4 traces', `${tid('session-row')}[data-session-id="${SESSION_A}"] ${tid('session-details')}`);
      await screenshot(page, 'debug-sessions-this-session');
    });

    it('keeps the ended session\'s traces, labelled ended; off shows every trace, grouped', async () => {
      const { page } = host!;
      const ended: DebugSessionsMessage = { type: 'debugSessions', sessions: [{ ...running.sessions[0], running: false, endedUnixMs: Date.now() }] };
      await postSessions(ended);
      await page.waitForFunction((sel) => /^ended \d\d:\d\d:\d\d\.\d{3} · 8 spans in 4 traces$/.test(document.querySelector(sel)?.textContent ?? ''), `${tid('session-row')}[data-session-id="${SESSION_A}"] ${tid('session-details')}`);
      assert.deepEqual((await waitForListed(page, traces.a)).length, 4);
      await setToolkitCheckbox(page, 'filter-debug-session', false);
      const all = await page.evaluate(() => fetch('api/traces?limit=1000').then((r) => r.json()) as Promise<{ traces: { traceId: string }[] }>);
      await waitForListed(page, all.traces.map((t) => t.traceId));
      const groups = (await listShape(page)).filter((x) => x.startsWith('['));
      assert.deepEqual([...groups].sort(), ['[Debug session dbg-billing-2]', '[Launch orders]', '[Other traces]']);
    });

    it('stays off after a reload (the toggle is saved with the viewer state)', async () => {
      const { page } = host!;
      await page.reload({ waitUntil: 'load' });
      await page.locator(tid('trace-list')).waitFor();
      // A new session starts: the person's "off" still holds.
      await postSessions({ ...running, sessions: [...running.sessions, { id: 'dbg-new', name: 'Launch again', running: true, startedUnixMs: Date.now() }], current: 'dbg-new' });
      await page.locator(`${tid('filter-debug-session')}[aria-checked="false"]`).waitFor({ state: 'attached' });
      await page.locator(`${tid('session-row')}[data-session-id="${SESSION_A}"]`).waitFor();
      assert.equal(await page.locator(tid('filter-debug-session')).isVisible(), true);
      const shown = await page.locator(tid('trace-row')).count();
      assert.ok(shown > traces.a.length, `every trace listed (${shown})`);
      // On again: the new session, with no trace yet, shows its (empty) group alone.
      await setToolkitCheckbox(page, 'filter-debug-session', true);
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, tid('trace-row'));
      assert.deepEqual(await listShape(page), ['[Launch again]']);
    });
  });
});

// The harness's eyes and hands for what the extension host cannot see: webviews. The suite asks
// (suite/driver.js: a "[meshlens-e2e] DRIVE {...}" console line naming an action and where to
// answer) and this side acts in the workbench page and answers with what it saw; the suite holds
// the expectations.
//
// A webview in code-server is two nested iframes: the workbench's `iframe.webview` (its src names
// the extension: `extensionId=meshlens.meshlens`), whose page puts the extension's HTML into an
// inner `#active-frame`. Playwright's frame locators reach into both, across origins, and wait.
import http from 'node:http';
import path from 'node:path';

export const DRIVE_MARKER = '[meshlens-e2e] DRIVE ';
const EXTENSION_ID = 'meshlens.meshlens';

const tid = (id) => `[data-testid="${id}"]`;

/** The MeshLens webview's content frame. */
function meshlensWebview(page) {
  return page.frameLocator(`iframe.webview[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('#active-frame');
}

const actions = {
  /**
   * The trace viewer: waits for the trace's row in the list, opens it, waits for `spanCount` span
   * rows in the waterfall, selects `selectSpanId` and waits for its details; answers with the
   * list row's text, every span row (id, depth, text) and the details' text.
   */
  async traceViewer(page, { traceId, spanCount, selectSpanId, screenshot }, { artifactsDir, log, timeout }) {
    const view = meshlensWebview(page);
    const row = view.locator(`${tid('trace-list')} ${tid('trace-row')}[data-trace-id="${traceId}"]`);
    await row.waitFor({ timeout: timeout() });
    const traceRowText = (await row.textContent()) ?? '';
    await row.click({ timeout: timeout() });
    const spanRows = view.locator(`${tid('waterfall')} ${tid('span-row')}`);
    await spanRows.nth(spanCount - 1).waitFor({ timeout: timeout() });
    const rows = await spanRows.evaluateAll((els) => els.map((e) => ({
      spanId: e.getAttribute('data-span-id'),
      depth: Number(e.getAttribute('data-depth')),
      text: (e.textContent ?? '').trim(),
    })));
    let detailsText = '';
    if (selectSpanId) {
      await view.locator(`${tid('waterfall')} ${tid('span-row')}[data-span-id="${selectSpanId}"]`).click({ timeout: timeout() });
      const details = view.locator(tid('span-details'));
      // The details pane may exist before the selection (empty, or another span): wait for this one's id.
      await details.filter({ hasText: selectSpanId }).waitFor({ timeout: timeout() });
      detailsText = (await details.textContent()) ?? '';
    }
    if (screenshot) {
      const file = path.join(artifactsDir, path.basename(screenshot));
      await page.screenshot({ path: file });
      log(`[e2e] screenshot: ${file}`);
    }
    return { traceRowText, spanRows: rows, detailsText };
  },

  /**
   * The trace list while a debug session runs: waits for a row of each of `traceIds` and for no
   * row beyond their number (the list settles on what its filters let through), then answers with
   * the ids the list shows and the state of its "this debug session" filter.
   */
  async debugSessionList(page, { traceIds, screenshot }, { artifactsDir, log, timeout }) {
    const view = meshlensWebview(page);
    const rows = view.locator(`${tid('trace-list')} ${tid('trace-row')}`);
    const shownIds = () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id'))).catch(() => []);
    for (const id of traceIds) {
      try {
        await view.locator(`${tid('trace-list')} ${tid('trace-row')}[data-trace-id="${id}"]`).waitFor({ timeout: timeout() });
      } catch (e) {
        throw new Error(`no row for trace ${id}; the list shows ${JSON.stringify(await shownIds())}: ${e.message.split('\n')[0]}`);
      }
    }
    await rows.nth(traceIds.length).waitFor({ state: 'detached', timeout: Math.min(15_000, timeout()) }).catch(() => undefined);
    const shown = await shownIds();
    const filter = view.locator(tid('filter-debug-session'));
    let filterOn = false;
    let filterText = '';
    if (await filter.count()) {
      const f = filter.first();
      filterText = ((await f.textContent()) ?? '').trim();
      filterOn = await f.evaluate((el) => {
        // A toolkit checkbox (vscode-checkbox) or an input: its `checked` property.
        if (typeof el.checked === 'boolean') return el.checked;
        const box = el.querySelector('input[type="checkbox"]');
        if (box) return box.checked;
        return el.getAttribute('aria-checked') === 'true' || el.getAttribute('aria-pressed') === 'true' || el.hasAttribute('checked') || el.getAttribute('data-active') === 'true';
      });
    }
    if (screenshot) {
      const file = path.join(artifactsDir, path.basename(screenshot));
      await page.screenshot({ path: file });
      log(`[e2e] screenshot: ${file}`);
    }
    return { traceIds: shown, filterOn, filterText };
  },
};

/** Handles one DRIVE line from the suite; never throws (failures go back to the suite as answers). */
export async function handleDriveRequest(page, line, context) {
  let request;
  try {
    request = JSON.parse(line.slice(DRIVE_MARKER.length));
  } catch (e) {
    context.log(`[e2e] unreadable DRIVE request: ${e.message}`);
    return;
  }
  let answer;
  try {
    const action = actions[request.action];
    if (!action) throw new Error(`unknown action ${JSON.stringify(request.action)}`);
    // The whole action ends before the suite stops waiting, so it hears why rather than a timeout.
    const deadline = Date.now() + Math.max(1000, (request.timeoutMs ?? 30_000) - 5000);
    const timeout = () => Math.max(1, deadline - Date.now());
    answer = { ok: true, ...(await action(page, request.params ?? {}, { ...context, timeout })) };
  } catch (e) {
    answer = { ok: false, error: e.message };
    if (context.artifactsDir) {
      const file = path.join(context.artifactsDir, `drive-${String(request.action).replace(/[^\w-]/g, '_')}-failed.png`);
      await page.screenshot({ path: file }).then(() => context.log(`[e2e] screenshot of the failed ${request.action}: ${file}`), () => undefined);
    }
  }
  await postAnswer(request.reply, answer).catch((e) => context.log(`[e2e] could not answer ${request.action} at ${request.reply}: ${e.message}`));
}

function postAnswer(url, answer) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.hostname !== '127.0.0.1') return reject(new Error(`refusing to answer outside 127.0.0.1: ${url}`));
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'Content-Type': 'application/json' }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(JSON.stringify(answer));
  });
}

// Phase 1: the real workbench in headless chromium; read the Problems panel from the DOM and
// compare it with expected-problems.json.
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, withTimeout } from './browser.mjs';

const SEVERITY_FROM_ICON = { error: 'error', warning: 'warning', info: 'information', hint: 'hint' };

/** Reads the rows the (virtualized) Problems tree currently renders. Runs in the page. */
function readRenderedRows() {
  const panel = document.querySelector('.markers-panel');
  if (!panel) return { panel: false, rows: [] };
  const visible = !!(panel.offsetWidth || panel.offsetHeight);
  const rows = [];
  for (const row of panel.querySelectorAll('.monaco-list-row[role="treeitem"]')) {
    const base = { index: Number(row.getAttribute('data-index')), last: row.getAttribute('data-last-element') === 'true', level: Number(row.getAttribute('aria-level')) };
    if (base.level === 1) {
      rows.push({ ...base, kind: 'file', path: row.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? '', expanded: row.getAttribute('aria-expanded') === 'true' });
    } else if (base.level >= 3) {
      // Related information of the marker above (e.g. "gateway.yaml[Ln 4, Col 9]: ... is also defined here").
      rows.push({ ...base, kind: 'related', text: (row.querySelector('.monaco-tl-contents')?.textContent ?? '').trim() });
    } else {
      const icon = row.querySelector('.marker-icon');
      const severity = icon ? [...icon.classList].find((c) => c !== 'marker-icon') ?? '' : '';
      const details = row.querySelector('.details-container');
      const lines = [...row.querySelectorAll('.marker-message-line')].map((l) => l.querySelector('.marker-message')?.textContent ?? '');
      const lineText = details?.querySelector('.marker-line')?.textContent ?? '';
      const m = lineText.match(/Ln\s*(\d+),\s*Col\s*(\d+)/);
      rows.push({
        ...base,
        kind: 'marker',
        severityIcon: severity,
        message: lines.join('\n').trim(),
        code: details?.querySelector('.marker-code')?.textContent ?? '',
        codeHref: details?.querySelector('a.monaco-link')?.getAttribute('href') ?? '',
        source: details?.querySelector('.marker-source')?.textContent ?? '',
        line: m ? Number(m[1]) : null,
        column: m ? Number(m[2]) : null,
        ariaLabel: row.getAttribute('aria-label') ?? '',
      });
    }
  }
  const empty = panel.querySelector('.message-box-container');
  const emptyText = empty && empty.style.display !== 'none' ? empty.textContent : '';
  return { panel: visible, rows, emptyText };
}

/** Collects every row of the Problems tree, scrolling it when not all rows fit. */
export async function readAllRows(page) {
  const byIndex = new Map();
  let snapshot = await page.evaluate(readRenderedRows);
  if (!snapshot.panel) return { panel: false, rows: [], emptyText: '' };
  const add = (s) => { for (const r of s.rows) byIndex.set(r.index, r); };
  add(snapshot);
  const complete = () => {
    const max = Math.max(-1, ...byIndex.keys());
    return byIndex.size === 0 || ([...byIndex.values()].some((r) => r.last) && byIndex.size === max + 1);
  };
  if (!complete()) {
    const list = page.locator('.markers-panel .monaco-list').first();
    const box = await list.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 200 && !complete(); i++) {
        await page.mouse.wheel(0, Math.max(100, box.height - 60));
        add(await page.evaluate(readRenderedRows));
      }
      // back to the top for the screenshot
      for (let i = 0; i < 200; i++) {
        await page.mouse.wheel(0, -10_000);
        const s = await page.evaluate(readRenderedRows);
        if (s.rows.some((r) => r.index === 0)) break;
      }
    }
  }
  const ordered = [...byIndex.values()].sort((a, b) => a.index - b.index);
  return { panel: true, rows: ordered, emptyText: snapshot.emptyText, complete: complete() };
}

/** Turns tree rows into problems: { file (relative to the workspace), line, column, code, severity, message, ... }. */
export function toProblems(rows, workspaceDir) {
  const problems = [];
  let file = null;
  for (const r of rows) {
    if (r.kind === 'file') { file = r.path; continue; }
    if (r.kind === 'related') { if (problems.length) problems[problems.length - 1].related.push(r.text); continue; }
    let rel = file ?? '(unknown file)';
    if (file && path.isAbsolute(file)) rel = path.relative(workspaceDir, file).split(path.sep).join('/');
    problems.push({ file: rel, line: r.line, column: r.column, code: r.code, severity: SEVERITY_FROM_ICON[r.severityIcon] ?? r.severityIcon, source: r.source, message: r.message, codeHref: r.codeHref, related: [] });
  }
  return problems;
}

export const key = (p) => `${p.file} ${p.line}:${p.column} ${p.code} ${p.severity}`;

export function compareProblems(actual, expected) {
  const cases = [];
  const remaining = [...actual];
  for (const e of expected) {
    const title = `Problems panel shows ${key(e)}`;
    const i = remaining.findIndex((a) => key(a) === key(e));
    if (i < 0) {
      const sameFile = actual.filter((a) => a.file === e.file).map(key);
      cases.push({ title, ok: false, error: `missing${sameFile.length ? `; in that file the panel shows: ${sameFile.join(' | ')}` : '; the panel shows nothing for that file'}` });
      continue;
    }
    const [a] = remaining.splice(i, 1);
    const errors = [];
    if (!a.message) errors.push('the message is empty');
    for (const w of e.messageIncludes ?? []) if (!a.message.toLowerCase().includes(w.toLowerCase())) errors.push(`the message does not contain "${w}": ${JSON.stringify(a.message)}`);
    if (a.source !== 'meshlens') errors.push(`source is ${JSON.stringify(a.source)}, not "meshlens"`);
    if (!a.codeHref.endsWith(`/docs/rules/${e.code}.md`)) errors.push(`the code's link is ${JSON.stringify(a.codeHref)}, not .../docs/rules/${e.code}.md`);
    cases.push({ title, ok: errors.length === 0, error: errors.join('; ') });
  }
  cases.push({
    title: 'Problems panel shows no other problem',
    ok: remaining.length === 0,
    error: remaining.map((a) => `unexpected: ${key(a)} [${a.source}] ${JSON.stringify(a.message)}`).join('\n'),
  });
  return cases;
}

export async function openProblemsPanel(page, { maximize = true } = {}) {
  const visible = async () => page.evaluate(() => { const p = document.querySelector('.markers-panel'); return !!(p && (p.offsetWidth || p.offsetHeight)); });
  await page.locator('.monaco-workbench').click({ position: { x: 800, y: 300 } }).catch(() => {});
  await page.keyboard.press('Control+Shift+M');
  try {
    await page.waitForFunction(() => { const p = document.querySelector('.markers-panel'); return !!(p && (p.offsetWidth || p.offsetHeight)); }, null, { timeout: 10_000 });
  } catch {
    // Fall back to the command palette.
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type('View: Focus Problems');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => { const p = document.querySelector('.markers-panel'); return !!(p && (p.offsetWidth || p.offsetHeight)); }, null, { timeout: 10_000 });
  }
  if (!(await visible())) throw new Error('the Problems panel did not open');
  // Give the panel the whole window so every row fits (rows are virtualized).
  const max = page.locator('.part.panel .action-label[aria-label^="Maximize Panel"]').first();
  if (maximize && await max.count()) {
    await max.click().catch(() => {});
    await page.locator('.part.panel .action-label[aria-label^="Restore Panel"]').first().waitFor({ timeout: 5_000 }).catch(() => {});
  }
}

/** Expands every collapsed file row in the Problems tree; returns how many it expanded. */
export async function expandAll(page) {
  let expanded = 0;
  for (let i = 0; i < 50; i++) {
    const row = page.locator('.markers-panel .monaco-list-row[aria-level="1"][aria-expanded="false"]').first();
    if (!(await row.count())) break;
    await row.locator('.monaco-tl-twistie').click();
    expanded++;
  }
  return expanded;
}

/**
 * Runs phase 1. Returns { cases: [{ title, ok, error }], screenshot, problems }.
 * `workbenchTimeoutMs` bounds loading the workbench and, separately, waiting for the problems;
 * `phaseTimeoutMs` bounds the whole phase (run.mjs also enforces it from outside).
 */
export async function runProblemsPhase({ server, workspaceDir, expected, artifactsDir, home, log, workbenchTimeoutMs = 120_000, phaseTimeoutMs = 300_000 }) {
  const t0 = Date.now();
  const phaseDeadline = t0 + phaseTimeoutMs;
  const screenshot = path.join(artifactsDir, 'problems.png');
  const failAll = (error) => [
    ...expected.problems.map((e) => ({ title: `Problems panel shows ${key(e)}`, ok: false, error })),
    { title: 'Problems panel shows no other problem', ok: false, error },
  ];
  let browser;
  let page;
  try {
    browser = await launchChromium(home);
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspaceDir)}`, { timeout: workbenchTimeoutMs });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: workbenchTimeoutMs });
    log(`[e2e] phase 1: workbench loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await openProblemsPanel(page);

    // Wait (DOM condition, bounded) until the panel shows exactly the expected set, or shows
    // MeshLens problems that have not changed for 10 s (then it is not going to match).
    const wantKeys = expected.problems.map(key).sort().join('\n');
    const waitStart = Date.now();
    const waitDeadline = Math.min(phaseDeadline - 30_000, waitStart + workbenchTimeoutMs);
    let problems = [];
    let lastSig = '';
    let stableSince = Date.now();
    let sawMeshLens = false;
    for (;;) {
      await expandAll(page);
      const all = await readAllRows(page);
      problems = toProblems(all.rows, workspaceDir);
      const sig = JSON.stringify(problems);
      if (sig !== lastSig) { lastSig = sig; stableSince = Date.now(); }
      sawMeshLens ||= problems.some((p) => p.source === 'meshlens');
      if (problems.map(key).sort().join('\n') === wantKeys) break;
      if (sawMeshLens && Date.now() - stableSince > 10_000) break;
      if (Date.now() > waitDeadline) break;
      await page.waitForTimeout(250); // polling interval of the DOM condition above
    }
    log(`[e2e] phase 1: the Problems panel shows ${problems.length} problem(s) after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const p of problems) {
      log(`    ${key(p)} [${p.source}] ${p.message.split('\n')[0]}`);
      for (const r of p.related) log(`        related: ${r}`);
    }
    fs.mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: screenshot });
    if (!sawMeshLens) {
      const why = `no MeshLens problem appeared in the Problems panel within ${Math.round((Date.now() - waitStart) / 1000)} s` +
        (consoleErrors.length ? `; workbench console errors:\n${consoleErrors.slice(-10).join('\n')}` : '');
      return { cases: failAll(why), screenshot, problems };
    }
    return { cases: compareProblems(problems, expected.problems), screenshot, problems };
  } catch (e) {
    if (page) {
      fs.mkdirSync(artifactsDir, { recursive: true });
      await withTimeout(page.screenshot({ path: screenshot }), 15_000, 'a screenshot').catch(() => {});
    }
    return { cases: failAll(`phase 1 could not run: ${e.message}`), screenshot, problems: [] };
  } finally {
    if (browser) await withTimeout(browser.close(), 15_000, 'chromium to close').catch(() => {});
  }
}

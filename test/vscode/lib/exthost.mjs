// Phase 2: the mocha suite in suite/ runs inside the real extension host. code-server must run
// with `--vscode-option enable-smoke-test-driver`, without which the workbench ignores `payload`.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { launchChromium, withTimeout } from './browser.mjs';
import { DRIVE_MARKER, handleDriveRequest } from './webview.mjs';

const BEGIN_MARKER = '[meshlens-e2e] BEGIN';
const RESULT_MARKER = '[meshlens-e2e] RESULT ';
const LINE_PREFIX = '[meshlens-e2e] | ';

function format(args) {
  if (!Array.isArray(args)) return String(args);
  // The workbench forwards console.log's arguments unformatted (printf placeholders included).
  return util.format(...args);
}

/**
 * Runs phase 2. Returns { cases: [{ title, ok, error }], log }.
 * extensionDevelopmentPath / extensionTestsPath are absolute paths on the server's machine.
 */
export async function runExtensionHostPhase({ server, workspaceDir, extensionDevelopmentPath, extensionTestsPath, artifactsDir, home, log, phaseTimeoutMs = 300_000 }) {
  const t0 = Date.now();
  const logFile = path.join(artifactsDir, 'exthost-workbench.log');
  fs.mkdirSync(artifactsDir, { recursive: true });
  const logFd = fs.openSync(logFile, 'w');
  let browser;
  let result = null;
  const errorsOutside = [];
  try {
    browser = await launchChromium(home);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationLog', (level, args) => {
      const text = format(args);
      try { fs.writeSync(logFd, `[${level}] ${text}\n`); } catch { /* closed */ }
      if (text.startsWith(BEGIN_MARKER)) return;
      if (text.startsWith(DRIVE_MARKER)) {
        // The suite waits for the answer; the workbench must not wait for the action.
        void handleDriveRequest(page, text, { artifactsDir, log });
        return;
      }
      if (text.startsWith(RESULT_MARKER)) {
        try { result = JSON.parse(text.slice(RESULT_MARKER.length)); } catch (e) { errorsOutside.push(`unreadable result line: ${e.message}`); }
        return;
      }
      if (text.startsWith(LINE_PREFIX)) {
        for (const line of text.split('\n')) log(`  | ${line.startsWith(LINE_PREFIX) ? line.slice(LINE_PREFIX.length) : line}`);
      } else if (level === 'error') {
        errorsOutside.push(text);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    page.on('pageerror', (e) => errorsOutside.push(String(e)));

    const remote = (p) => `vscode-remote://${server.authority}${p.split(path.sep).join('/')}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
      ['extensionTestsPath', remote(extensionTestsPath)],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log(`[e2e] phase 2: extensionDevelopmentPath=${extensionDevelopmentPath}`);
    log(`[e2e] phase 2: extensionTestsPath=${extensionTestsPath}`);
    await page.goto(url, { timeout: 120_000 });
    const remaining = Math.max(1000, phaseTimeoutMs - (Date.now() - t0));
    const code = await withTimeout(exited, remaining, `the extension host tests to finish (codeAutomationExit; phase limit ${Math.round(phaseTimeoutMs / 1000)} s)`);
    log(`[e2e] phase 2: extension host exited with ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s; full log: ${logFile}`);
    return { cases: toCases(result, code, errorsOutside), log: logFile };
  } catch (e) {
    return { cases: toCases(result, null, [...errorsOutside, e.message]), log: logFile };
  } finally {
    if (browser) await withTimeout(browser.close(), 15_000, 'chromium to close').catch(() => {});
    try { fs.closeSync(logFd); } catch { /* closed */ }
  }
}

function toCases(result, exitCode, errors) {
  const problems = errors.length ? `\n${errors.slice(-15).join('\n')}` : '';
  if (!result) {
    return [{ title: 'extension host suite runs and reports', ok: false, error: `the suite reported no result (exit code ${exitCode ?? 'none'})${problems}` }];
  }
  const cases = result.tests.map((t) => ({ title: t.title, ok: t.state === 'passed', skipped: t.state === 'pending', error: t.error }));
  for (const h of result.hookFailures ?? []) cases.push({ title: h.title, ok: false, error: h.error });
  if (exitCode !== 0 && cases.every((c) => c.ok || c.skipped)) {
    cases.push({ title: 'extension host exits with 0', ok: false, error: `exit code ${exitCode ?? 'none'}${problems}` });
  }
  return cases;
}

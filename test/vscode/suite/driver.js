// Asking the harness (run.mjs, on the playwright side of the workbench) to look at what the
// extension host cannot see: the DOM of a webview. The request goes out as a console line
// (codeAutomationLog, the channel the suite already reports through); the answer comes back to a
// one-shot HTTP server on 127.0.0.1 that the request names. The harness only reports what it saw
// and did; the expectations stay in the tests.
'use strict';
const http = require('http');

const DRIVE_MARKER = '[meshlens-e2e] DRIVE ';

/**
 * Sends `{ action, ...params }` to the harness and resolves with its answer (`{ ok: true, ... }`,
 * or rejects with the harness's error). Rejects after `timeoutMs` when nobody answers (the suite
 * was not started by run.mjs, or the harness does not know the action).
 */
function drive(action, params, { timeoutMs = 50_000 } = {}) {
  return new Promise((resolve, reject) => {
    let timer;
    const server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.end('ok');
        finish(() => {
          let answer;
          try {
            answer = JSON.parse(body);
          } catch (e) {
            return reject(new Error(`the harness answered ${action} with unreadable JSON: ${e.message}`));
          }
          if (answer && answer.ok === true) resolve(answer);
          else reject(new Error(`the harness could not do ${action}: ${answer && answer.error}`));
        });
      });
    });
    const finish = (fn) => {
      clearTimeout(timer);
      server.close();
      fn();
    };
    server.on('error', (e) => finish(() => reject(e)));
    server.listen(0, '127.0.0.1', () => {
      const reply = `http://127.0.0.1:${server.address().port}/`;
      timer = setTimeout(() => finish(() => reject(new Error(`the harness did not answer ${action} within ${timeoutMs / 1000} s (is the suite running under test/vscode/run.mjs?)`))), timeoutMs);
      console.log(DRIVE_MARKER + JSON.stringify({ action, reply, timeoutMs, params }));
    });
  });
}

module.exports = { DRIVE_MARKER, drive };

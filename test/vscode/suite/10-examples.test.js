// The diagnostics MeshLens publishes on a fresh copy of examples/.
'use strict';
const assert = require('assert');
const { expected, getApi, settle, meshlensDiagnostics, assertDiagnostics, baseline, key } = require('./helpers');

describe('MeshLens on examples/', function () {
  let api;
  before(async function () {
    api = await getApi();
  });

  it('publishes exactly the expected diagnostics (file, line:col, code, severity)', async function () {
    await settle(api, () => assertDiagnostics(baseline()), { what: 'the diagnostics of examples/' });
  });

  it('gives every diagnostic a meaningful message and a code linked to docs/rules/<code>.md', async function () {
    await api.whenIdle();
    const actual = meshlensDiagnostics();
    for (const e of expected.problems) {
      const d = actual.find((a) => key(a) === key(e));
      assert.ok(d, `no diagnostic ${key(e)}`);
      assert.ok(d.message.trim().length > 0, `${key(e)}: empty message`);
      for (const w of e.messageIncludes) assert.ok(d.message.toLowerCase().includes(w.toLowerCase()), `${key(e)}: message does not contain "${w}": ${JSON.stringify(d.message)}`);
      assert.ok(d.target.endsWith(`/docs/rules/${e.code}.md`), `${key(e)}: code.target is ${JSON.stringify(d.target)}, not .../docs/rules/${e.code}.md`);
    }
  });

});

// Hostile input files: a YAML alias bomb and a YAML nested 10,000 deep get a located finding
// (ML0007) from `meshlens lint` instead of a hang or a stack overflow; a trace file over the import
// limit is refused by the editor before it is read (readTraceFileBytes), by serve's API (413) and
// by the parser, which never evaluates what it reads (JSON.parse; see source.test.ts for eval).
// The cases in detail, with the limits' positions and sizes: test/unit/bad-input.test.ts and
// test/unit/trace/import.test.ts.
import { strict as assert } from 'node:assert';
// First: installs the stand-in for `vscode` that src/vscode/traces.ts requires.
import './fake-vscode';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { main } from '../../../src/cli/main';
import { DEFAULT_MAX_IMPORT_BYTES, importTraceFile, TraceStore } from '../../../src/core/trace';
import { Ingest } from '../../../src/receiver/ingest';
import { MAX_IMPORT_BODY_BYTES, startApiServer } from '../../../src/server/api';
import { readTraceFileBytes } from '../../../src/vscode/traces';
import { send } from '../receiver/client';
import { tracesRequest } from '../trace/helpers';

const DEEP = 10_000;

/** 9 levels of 9 aliases: expanding the last would build 9^9 strings. */
function aliasBomb(): string {
  const names = 'abcdefghi';
  let y = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < names.length; i++) y += `  ${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]\n`;
  return y;
}

describe('security: hostile input files', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-inputs-'));
    fs.writeFileSync(path.join(dir, 'laughs.yaml'), aliasBomb());
    fs.writeFileSync(path.join(dir, 'deep.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('YAML: an alias bomb and 10,000 levels of nesting are located ML0007 findings, and lint finishes', async () => {
    let out = '';
    const code = await main(['lint', dir, '--format', 'json'], { out: (s) => (out += s), err: () => undefined });
    assert.ok(code === 0 || code === 1, `exit ${code}`);
    const { findings } = JSON.parse(out) as { findings: { file: string; code: string; message: string; range: { start: { line: number; column: number } } }[] };
    const got = findings.filter((f) => f.code === 'ML0007').map((f) => [path.basename(f.file), f.range.start.line, f.message.split(':')[0]]);
    assert.deepEqual(got.sort(), [
      // Line 7 is the first line of aliases (`  b: &b [*a, ...]`); line 6 holds the brackets.
      ['deep.yaml', 6, 'Nesting deeper than 200 levels'],
      ['laughs.yaml', 7, 'Aliases expand more than 100 times (a "billion laughs" pattern)'],
    ]);
  });

  it('trace files: over the limit is refused before reading, in the editor, by serve and by the parser', async () => {
    const body = JSON.stringify(tracesRequest([{ spanId: '00000000000000e1', service: 'checkout' }]));
    const file = path.join(dir, 'traces.json');
    fs.writeFileSync(file, body);
    // The editor: the size is checked with stat; under the limit the bytes are read.
    assert.equal(new TextDecoder().decode(await readTraceFileBytes(URI.file(file) as never)), body);
    await assert.rejects(readTraceFileBytes(URI.file(file) as never, body.length - 1), new RegExp(`^Error: traces\\.json is ${body.length} bytes, over the import limit of`));
    assert.equal(DEFAULT_MAX_IMPORT_BYTES, 64 * 1024 * 1024);
    // The parser.
    assert.throws(() => importTraceFile(body, 'traces.json', { maxBytes: body.length - 1 }), /over the import limit/);
    // serve's API: a body over MAX_IMPORT_BODY_BYTES is 413, and the connection is closed rather than drained.
    assert.equal(MAX_IMPORT_BODY_BYTES, DEFAULT_MAX_IMPORT_BYTES);
    const store = new TraceStore();
    const api = await startApiServer({ port: 0, store, ingest: new Ingest(store) });
    try {
      const r = await send(api.port, { path: '/api/import?name=big.json', headers: { 'Content-Type': 'application/json', 'Content-Length': String(MAX_IMPORT_BODY_BYTES + 1) }, body: '' }).catch((e: Error) => ({ status: 0, error: e.message }));
      // Either the 413 arrives, or the server closed the connection first; nothing is stored.
      if (r.status !== 0) assert.equal(r.status, 413);
      assert.equal(store.stats().spans, 0);
    } finally {
      await api.close();
    }
  });
});

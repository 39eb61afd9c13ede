// The viewer methods the panel host answers (code links, trace files): checked at the door like
// the others, so the host sees only well-formed params and the viewer gets an error that says what.
import * as assert from 'node:assert/strict';
import { MAX_CODE_PATH, parseViewerMessage } from '../../../src/receiver/viewer-bridge';
import { MAX_RESOLVE_FILES } from '../../../src/shared/protocol';

const req = (method: string, params?: unknown) => parseViewerMessage({ type: 'request', id: 3, method, ...(params !== undefined && { params }) });
const error = (method: string, params?: unknown) => {
  const p = req(method, params);
  assert.equal(p.kind, 'invalid', `${method} ${JSON.stringify(params)} was accepted`);
  return (p as { error: string }).error;
};

describe('viewer bridge: the host methods', () => {
  it('accepts well-formed params, as given', () => {
    assert.deepEqual(req('openCode', { file: '/app/services/cart/src/handlers.ts', line: 42 }), {
      kind: 'request',
      request: { type: 'request', id: 3, method: 'openCode', params: { file: '/app/services/cart/src/handlers.ts', line: 42 } },
    });
    assert.deepEqual(req('resolveCode', { files: ['a.py', 'C:\\src\\x.cs'] }), { kind: 'request', request: { type: 'request', id: 3, method: 'resolveCode', params: { files: ['a.py', 'C:\\src\\x.cs'] } } });
    assert.deepEqual(req('exportTrace', { traceId: 'AB'.repeat(16) }), { kind: 'request', request: { type: 'request', id: 3, method: 'exportTrace', params: { traceId: 'ab'.repeat(16) } } });
    for (const m of ['openTraceFile', 'nextTraceToOpen']) {
      assert.deepEqual(req(m), { kind: 'request', request: { type: 'request', id: 3, method: m, params: {} } });
    }
  });

  it('refuses bad lines, paths, lists and extra keys, naming the parameter', () => {
    assert.match(error('openCode', { file: '/a.ts', line: 0 }), /^openCode: line is a whole number from 1/);
    assert.match(error('openCode', { file: '/a.ts', line: 1.5 }), /line is a whole number/);
    assert.match(error('openCode', { file: '/a.ts', line: '3' }), /line is a whole number .*got "3"/);
    assert.match(error('openCode', { file: '', line: 3 }), /^openCode: file is a path of 1 to 4096 characters/);
    assert.match(error('openCode', { file: 'x'.repeat(MAX_CODE_PATH + 1), line: 3 }), /file is a path/);
    assert.match(error('openCode', { file: '/a\0.ts', line: 3 }), /without NUL/);
    assert.match(error('openCode', { file: '/a.ts', line: 3, column: 2 }), /unknown parameter "column"; known: file, line/);
    assert.match(error('resolveCode', { files: '/a.ts' }), /^resolveCode: files is a list of at most 256 paths/);
    assert.match(error('resolveCode', { files: Array(MAX_RESOLVE_FILES + 1).fill('/a.ts') }), /at most 256/);
    assert.match(error('resolveCode', { files: ['/a.ts', 7] }), /files\[1\] is a path/);
    assert.match(error('exportTrace', { traceId: 'abc' }), /^exportTrace: traceId is 32 hex digits/);
    assert.match(error('openTraceFile', { path: '/etc/passwd' }), /unknown parameter "path"; this method takes none/);
  });
});

import * as assert from 'node:assert/strict';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { unreadableFile } from '../../../src/core/analysis/rules/syntax/unreadable-file';
import { uri } from '../helpers/engine';

describe('ML0006 unreadable-file', () => {
  const run = (bytes: Uint8Array) => {
    const engine = new ManifestEngine([unreadableFile], undefined, { strict: true });
    engine.setFile(uri('f.yaml'), { bytes });
    engine.analyze();
    return { engine, found: engine.findings(uri('f.yaml')) };
  };

  it('marks the first invalid UTF-8 byte and still indexes the object', () => {
    const head = new TextEncoder().encode('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    team: caf');
    const bytes = new Uint8Array([...head, 0xc3, 0x28, 0x0a]);
    const { engine, found } = run(bytes);
    assert.deepEqual(found.map((f) => [f.code, f.range.start.line, f.range.start.character]), [['ML0006', 5, 13]]);
    assert.match(found[0].message, /Invalid UTF-8/);
    assert.deepEqual(engine.index.get(uri('f.yaml'))!.objects.map((o) => o.ref), ['Service default/web']);
  });

  it('skips a binary file with one finding', () => {
    const { engine, found } = run(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    assert.deepEqual(found.map((f) => f.code), ['ML0006']);
    assert.match(found[0].message, /binary/);
    assert.equal(engine.index.get(uri('f.yaml'))!.objects.length, 0);
  });

  it('accepts valid UTF-8 with a byte-order mark', () => {
    const { found } = run(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('apiVersion: v1\nkind: Service\nmetadata:\n  name: ü\n')]));
    assert.deepEqual(found, []);
  });
});

import * as assert from 'node:assert/strict';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { fileTooLarge } from '../../../src/core/analysis/rules/syntax/file-too-large';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import { uri } from '../helpers/engine';

// Inputs are bytes above a limit, so the generic text-based rule tester does not fit; the
// limit is lowered instead of writing megabytes.
describe('ML0005 file-too-large', () => {
  const limits = { ...DEFAULT_LIMITS, maxFileBytes: 1024 };
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n' + '  k: v\n'.repeat(400);

  it('reports a manifest above the limit once, at the top, with both sizes', () => {
    const engine = new ManifestEngine([fileTooLarge], { rules: {}, limits }, { strict: true });
    engine.setFile(uri('big.yaml'), { bytes: new TextEncoder().encode(manifest) });
    engine.analyze();
    const found = engine.findings(uri('big.yaml'));
    assert.equal(found.length, 1);
    assert.equal(found[0].code, 'ML0005');
    assert.match(found[0].message, /above the 0\.0 MB limit|above the .* MB limit/);
    assert.deepEqual(found[0].range.start, { line: 0, character: 0 });
    assert.equal(engine.index.get(uri('big.yaml'))!.objects.length, 0);
  });

  it('says nothing about a large file that is not a manifest, or about one under the limit', () => {
    const engine = new ManifestEngine([fileTooLarge], { rules: {}, limits }, { strict: true });
    engine.setFile(uri('values.yaml'), { text: 'x: 1\n'.repeat(400) });
    engine.setFile(uri('small.yaml'), { text: manifest.slice(0, 200) });
    engine.analyze();
    assert.deepEqual(engine.findings(uri('values.yaml')), []);
    assert.deepEqual(engine.findings(uri('small.yaml')), []);
  });
});

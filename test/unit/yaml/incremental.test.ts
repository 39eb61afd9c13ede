import * as assert from 'node:assert/strict';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { RULES } from '../../../src/core/analysis/registry';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import { parseManifestText } from '../../../src/core/yaml/parse';

const doc = (i: number, extra = '') =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: vs-${i}\nspec:\n  hosts: [svc-${i}]\n  http:\n    - route:\n        - destination: {host: svc-${i}, subset: v1}\n          weight: 100\n${extra}`;

function freshEngine(text: string): ManifestEngine {
  const e = new ManifestEngine(RULES, undefined, { strict: true });
  e.setFile('file:///f.yaml', { text });
  e.analyze();
  return e;
}

const fresh = (text: string) => freshEngine(text).findings('file:///f.yaml');
const refs = (e: ManifestEngine) => e.index.get('file:///f.yaml')!.objects.map((o) => `${o.ref} @${o.doc.start}`);

describe('incremental re-parse of a multi-document file', () => {
  const base = Array.from({ length: 8 }, (_, i) => doc(i)).join('---\n');
  // Each step edits the text of the one before; lengths change, documents come and go.
  const steps: Array<[string, (t: string) => string]> = [
    ['misspell a field in document 3', (t) => t.replace('name: vs-3\nspec:\n  hosts: [svc-3]\n  http:\n    - route:\n        - destination: {host: svc-3, subset: v1}\n          weight', 'name: vs-3\nspec:\n  hosts: [svc-3]\n  http:\n    - route:\n        - destination: {host: svc-3, subset: v1}\n          weigth')],
    ['grow document 1 by three lines', (t) => t.replace('name: vs-1\n', 'name: vs-1\n  labels:\n    app: one\n    version: 1.10\n')],
    ['break the YAML of document 5', (t) => t.replace('hosts: [svc-5]', 'hosts: [svc-5')],
    ['insert a new document at the top', (t) => doc(99, '  tcp: []\n') + '---\n' + t],
    ['remove document 2', (t) => t.replace(/---\n(apiVersion[^-]*vs-2\n[^-]*)/, '')],
    ['fix the YAML of document 5', (t) => t.replace('hosts: [svc-5\n', 'hosts: [svc-5]\n')],
    ['duplicate document 6 at the end', (t) => t + '---\n' + doc(6)],
  ];

  it('gives, after every edit, exactly what a fresh parse of the same text gives', () => {
    const engine = new ManifestEngine(RULES, undefined, { strict: true });
    let text = base;
    engine.setFile('file:///f.yaml', { text });
    engine.analyze();
    for (const [what, edit] of steps) {
      const next = edit(text);
      assert.notEqual(next, text, `step "${what}" changed nothing`);
      text = next;
      engine.setFile('file:///f.yaml', { text });
      engine.analyze();
      assert.deepEqual(engine.findings('file:///f.yaml'), fresh(text), `after "${what}"`);
      assert.deepEqual(refs(engine), refs(freshEngine(text)), `objects after "${what}"`);
    }
    assert.ok(fresh(text).some((f) => f.code === 'ML0010'), 'the steps left findings to compare');
  });

  it('reuses the unchanged documents and re-parses only the edited one', () => {
    const limits = DEFAULT_LIMITS;
    const first = parseManifestText(base, limits);
    const edited = base.replace('name: vs-4\n', 'name: vs-4\n  labels: {a: b}\n');
    const second = parseManifestText(edited, limits, first);
    const reused = second.documents.map((d, i) => d.node === first.documents[i].node);
    assert.deepEqual(reused, [true, true, true, true, false, true, true, true]);
    // Moved documents point at their new text.
    const d6 = second.documents[6];
    assert.equal(edited.slice(d6.start, d6.start + 3), '---');
    assert.equal(second.documents[6].value, first.documents[6].value, 'plain values are shared, so caches keyed on them hold');
  });
});

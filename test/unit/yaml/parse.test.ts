import * as assert from 'node:assert/strict';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import { findRunawayNesting, parseManifestText } from '../../../src/core/yaml/parse';

describe('runaway nesting pre-scan', () => {
  it('ignores brackets in quoted strings, comments and balanced PromQL', () => {
    const text = [
      'query: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
      `quoted: "${'['.repeat(50)}"`,
      `single: '${'{'.repeat(50)}'`,
      `# ${'['.repeat(50)}`,
      "note: it's fine [x]",
    ].join('\n');
    assert.deepEqual(findRunawayNesting(text, 10), []);
  });

  it('finds flow and compact-sequence nesting past the threshold, once per document', () => {
    const text = `a: ${'['.repeat(20)}\n---\nb:\n  ${'- '.repeat(20)}x\n---\nc: [[1]]\n`;
    const hits = findRunawayNesting(text, 10);
    assert.equal(hits.length, 2);
    assert.equal(text.slice(hits[0], hits[0] + 1), '[');
    assert.equal(hits[0], 3 + 10);
    assert.equal(text.slice(hits[1], hits[1] + 2), '- ');
  });

  it('cuts a document with a million nested brackets without parsing the rest of it, and keeps the next one', () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  k: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`;
    const file = parseManifestText(`${deep}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: after\n`, { ...DEFAULT_LIMITS, maxFileBytes: 1e8 });
    assert.equal(file.documents.length, 2);
    assert.equal(file.documents[0].limit?.kind, 'depth');
    assert.deepEqual(file.syntax, [], 'the cut-off tail of a deep document is not reported as syntax errors');
    assert.deepEqual(file.documents[1].value, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'after' } });
    assert.equal(file.lines.positionAt(file.documents[1].start).line, 6, "the second document starts at its --- marker");
  });
});

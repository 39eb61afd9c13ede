import * as assert from 'node:assert/strict';
import { documentSymbols, DocumentSymbol, workspaceSymbols } from '../../../src/core/assist/index';
import { engineWith } from '../helpers/engine';
import { offsetsOf, uri, WORLD } from './world';

const engine = engineWith(WORLD);

function outline(name: string): DocumentSymbol[] {
  const entry = engine.index.get(uri(name))!;
  return documentSymbols(entry.file!, entry.objects);
}

const tree = (symbols: DocumentSymbol[]): unknown[] => symbols.map((s) => (s.children.length ? [s.name, tree(s.children)] : s.name));

describe('assist document symbols', () => {
  it('`Kind name` per document, with routes (by name or place) and subsets', () => {
    assert.deepEqual(tree(outline('shop/istio.yaml')), [
      ['DestinationRule reviews', ['v1', 'v2']],
      ['VirtualService reviews', ['primary', 'pay', 'http[2]', 'tcp[0]']],
    ]);
  });

  it('Rollout steps by action', () => {
    assert.deepEqual(tree(outline('shop/rollout.yaml')), [['Rollout reviews', ['step 1: setWeight 20', 'step 2: pause 10m', 'step 3: analysis']]]);
  });

  it('ranges: the document, the name, the entry', () => {
    const text = WORLD['shop/istio.yaml'];
    const [dr, vs] = outline('shop/istio.yaml');
    assert.equal(dr.range.start, 0);
    assert.equal(dr.kind, 'object');
    assert.equal(dr.detail, 'shop');
    // The range starts at the content, after the `---` line.
    assert.equal(vs.range.start, text.indexOf('apiVersion', 1));
    const name = offsetsOf('shop/istio.yaml', 'kind: VirtualService\nmetadata:\n  name: «reviews»');
    assert.deepEqual(vs.selectionRange, { start: name.start, end: name.end });
    const pay = vs.children[1];
    assert.equal(pay.kind, 'route');
    assert.equal(pay.detail, 'http');
    assert.equal(text.slice(pay.selectionRange.start, pay.selectionRange.end), 'pay');
    assert.equal(text.slice(pay.range.start, pay.range.end).split('\n')[0], 'name: pay');
    const unnamed = vs.children[2];
    assert.deepEqual(unnamed.selectionRange, unnamed.range);
    const v2 = dr.children[1];
    assert.equal(v2.kind, 'subset');
    assert.equal(text.slice(v2.range.start, v2.range.end), 'name: v2\n    labels:\n      version: v2');
  });

  it('skips documents that are not objects', () => {
    const e = engineWith({ 'mixed.yaml': 'just: data\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n' });
    const entry = e.index.get(uri('mixed.yaml'))!;
    assert.deepEqual(tree(documentSymbols(entry.file!, entry.objects)), ['Service a']);
  });
});

describe('assist workspace symbols', () => {
  it('`Kind ns/name` for every object, the empty query matching all', () => {
    assert.deepEqual(
      workspaceSymbols(engine.index, '').map((s) => s.name),
      [
        'Gateway edge/web',
        'Service pay/payments',
        'Service pay/ledger',
        'ServiceEntry pay/bank',
        'AnalysisTemplate shop/success-rate',
        'DestinationRule shop/reviews',
        'VirtualService shop/reviews',
        'Rollout shop/reviews',
        'Service shop/reviews',
        'Service shop/reviews-canary',
      ],
    );
  });

  it('a case-insensitive subsequence match; the location is the name', () => {
    assert.deepEqual(
      workspaceSymbols(engine.index, 'VirtREV').map((s) => s.name),
      ['VirtualService shop/reviews'],
    );
    assert.deepEqual(
      workspaceSymbols(engine.index, 'vsrev').map((s) => s.name),
      ['VirtualService shop/reviews', 'Service shop/reviews', 'Service shop/reviews-canary'],
    );
    assert.deepEqual(
      workspaceSymbols(engine.index, 'svc pay/').map((s) => s.name),
      ['Service pay/payments', 'Service pay/ledger', 'ServiceEntry pay/bank'],
    );
    const [gw] = workspaceSymbols(engine.index, 'gateway');
    assert.equal(gw.groupKind, 'networking.istio.io/Gateway');
    assert.deepEqual(gw.location, offsetsOf('edge/gateway.yaml', 'name: «web»'));
  });
});

// Search inside a trace, next/previous match, next error, revealing a hidden match (webview/model/search.ts).
import { strict as assert } from 'node:assert';
import { ancestorsToExpand, errorIndices, indicesOf, nextError, nextMatch, previousError, previousMatch, reveal } from '../../../webview/model/search';
import { buildWaterfall, collapseToDepth, visibleIndices } from '../../../webview/model/waterfall';
import { answerFromStore } from '../../../src/core/trace';
import { bigTrace, layoutOf, nameAt, sid, storeOf, TRACE_A, type Spec } from './fixtures';

//  0 GET /checkout (frontend)
//  1   charge (payments, error, attrs)
//  2     INSERT (db)
//  3   reserve (inventory)
//  4     SELECT (db, error)
const SHOP: Spec[] = [
    { spanId: sid(1), name: 'GET /checkout', at: 0, durationMs: 100 },
    {
      spanId: sid(2), parentSpanId: sid(1), name: 'charge', service: 'payments', at: 10, durationMs: 30, error: true,
      attrs: [
        { key: 'card.Brand', value: { stringValue: 'VISA' } },
        { key: 'amount', value: { intValue: '123456789012' } },
        { key: 'meta', value: { kvlistValue: { values: [{ key: 'region', value: { stringValue: 'eu-West' } }] } } },
      ],
    },
    { spanId: sid(3), parentSpanId: sid(2), name: 'INSERT', service: 'db', at: 15, durationMs: 10 },
    { spanId: sid(4), parentSpanId: sid(1), name: 'reserve', service: 'inventory', at: 50, durationMs: 40 },
    { spanId: sid(5), parentSpanId: sid(4), name: 'SELECT', service: 'db', at: 55, durationMs: 10, error: true },
];
const shop = () => layoutOf(SHOP);

describe('search in a trace (webview/model/search.ts)', () => {
  it('matches name, service, attribute key or value and span id, case-insensitively, in display order', () => {
    // The host searches (it has the attributes); the viewer maps the ids it answers to rows.
    const store = storeOf(SHOP);
    const m = buildWaterfall(shop());
    const s = {
      find: (text: string) => {
        const answer = answerFromStore(store, 'search', { traceId: TRACE_A, text }, () => ({ store: store.stats() }));
        return indicesOf(m, answer!.spanIds);
      },
    };
    assert.deepEqual(s.find('CHECKOUT'), [0]);
    assert.deepEqual(s.find('db'), [2, 4]);
    assert.deepEqual(s.find('card.brand'), [1], 'attribute key');
    assert.deepEqual(s.find('visa'), [1], 'attribute value');
    assert.deepEqual(s.find('123456789012'), [1], 'int64 value as shown');
    assert.deepEqual(s.find('west'), [1], 'inside a kvlist');
    assert.deepEqual(s.find(sid(4)), [3], 'span id');
    assert.deepEqual(s.find('nothing-like-this'), []);
    assert.deepEqual(s.find('brandvisa'), [], 'a match never spans two fields');
  });

  it('steps to the next and previous match from any span, wrapping', () => {
    const m = [2, 4, 9];
    assert.equal(nextMatch(m, -1), 2);
    assert.equal(nextMatch(m, 2), 4);
    assert.equal(nextMatch(m, 3), 4, 'from a span that is not a match');
    assert.equal(nextMatch(m, 9), 2, 'wraps');
    assert.equal(previousMatch(m, -1), 9);
    assert.equal(previousMatch(m, 4), 2);
    assert.equal(previousMatch(m, 5), 4);
    assert.equal(previousMatch(m, 2), 9, 'wraps');
    assert.equal(nextMatch([], 0), undefined);
    assert.equal(previousMatch([], 0), undefined);
  });

  it('steps between errors', () => {
    const t = shop();
    const errors = errorIndices(t);
    assert.deepEqual(errors, [1, 4]);
    assert.equal(nextError(errors, 0), 1);
    assert.equal(nextError(errors, 1), 4);
    assert.equal(nextError(errors, 4), 1);
    assert.equal(previousError(errors, 1), 4);
    assert.equal(nextError(errorIndices(layoutOf([{ spanId: sid(1) }])), 0), undefined);
  });

  it('names the collapsed ancestors hiding a match, outermost first, and reveals it', () => {
    const t = shop();
    const m = buildWaterfall(t);
    const collapsed = new Set([sid(1), sid(2), sid(4)]);
    assert.deepEqual(ancestorsToExpand(m, 2, collapsed), [sid(1), sid(2)]);
    assert.deepEqual(ancestorsToExpand(m, 0, collapsed), []);
    const shown = reveal(m, 2, collapsed);
    assert.deepEqual([...shown], [sid(4)]);
    assert.ok([...visibleIndices(m, shown)].includes(2));
    assert.equal(collapsed.size, 3, 'the given set is left alone');
  });

  it('maps the host\'s matches to rows on 50,000 spans and reveals one 7 levels down', () => {
    const t = bigTrace(50_000, 5);
    const m = buildWaterfall(t);
    const hits = indicesOf(m, [sid(5000), sid(50_000), sid(49_991), 'ffffffffffffffff']);
    assert.deepEqual(hits, [...hits].sort((a, b) => a - b), 'display order');
    assert.deepEqual(hits.map((i) => nameAt(t, i)).sort(), ['op-4999', 'op-49990', 'op-49999']);
    assert.equal(errorIndices(t).length, 50);
    const target = m.indexById.get(sid(50_000))!;
    const collapsed = collapseToDepth(m, 0);
    const toExpand = ancestorsToExpand(m, target, collapsed);
    assert.equal(toExpand.length, t.depths[target]);
    assert.ok(visibleIndices(m, reveal(m, target, collapsed)).includes(target));
  });
});

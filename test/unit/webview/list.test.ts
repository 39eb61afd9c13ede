// The trace list's client-side filter and sort, and service colours (webview/model/list.ts).
import { strict as assert } from 'node:assert';
import type { TraceSummaryDto } from '../../../src/shared/protocol';
import { filterSummaries, rovingIndex, serviceColorIndex, serviceColors, sortSummaries } from '../../../webview/model/list';
import { sid, traceOf } from './fixtures';

function summary(id: number, over: Partial<TraceSummaryDto>): TraceSummaryDto {
  const base = traceOf([{ traceId: id.toString(16).padStart(32, '0'), spanId: sid(id), name: 'GET /', durationMs: 10 }]).summary;
  return { ...base, ...over };
}

const LIST: TraceSummaryDto[] = [
  summary(1, { rootServiceName: 'frontend', rootName: 'GET /cart', services: ['frontend', 'cart'], spanCount: 5, durationMs: 120, startUnixMs: 3000 }),
  summary(2, { rootServiceName: 'Checkout', rootName: 'POST /pay', services: ['checkout', 'payments'], spanCount: 9, durationMs: 40, startUnixMs: 2000, hasError: true, errorCount: 2 }),
  summary(3, { rootServiceName: 'frontend', rootName: 'GET /cart', services: ['frontend'], spanCount: 5, durationMs: 40, startUnixMs: 1000 }),
];

const ids = (l: TraceSummaryDto[]) => l.map((t) => parseInt(t.traceId, 16));

describe('trace list (webview/model/list.ts)', () => {
  it('filters by service, operation, duration range, errors and free text', () => {
    assert.deepEqual(ids(filterSummaries(LIST, {})), [1, 2, 3]);
    assert.deepEqual(ids(filterSummaries(LIST, { service: 'cart' })), [1]);
    assert.deepEqual(ids(filterSummaries(LIST, { operation: 'GET /cart' })), [1, 3]);
    assert.deepEqual(ids(filterSummaries(LIST, { minMs: 40, maxMs: 100 })), [2, 3]);
    assert.deepEqual(ids(filterSummaries(LIST, { errorsOnly: true })), [2]);
    assert.deepEqual(ids(filterSummaries(LIST, { text: 'PAYM' })), [2]);
    assert.deepEqual(ids(filterSummaries(LIST, { text: LIST[2].traceId.slice(-6) })), [3], 'by trace id');
    assert.deepEqual(ids(filterSummaries(LIST, { service: 'frontend', minMs: 100 })), [1], 'all must match');
  });

  it('sorts by any column both ways, stably', () => {
    assert.deepEqual(ids(sortSummaries(LIST, 'duration', 'asc')), [2, 3, 1], 'ties keep input order');
    assert.deepEqual(ids(sortSummaries(LIST, 'duration', 'desc')), [1, 2, 3], 'ties keep input order descending too');
    assert.deepEqual(ids(sortSummaries(LIST, 'start', 'asc')), [3, 2, 1]);
    assert.deepEqual(ids(sortSummaries(LIST, 'spanCount', 'desc')), [2, 1, 3]);
    assert.deepEqual(ids(sortSummaries(LIST, 'services', 'asc')), [3, 1, 2]);
    assert.deepEqual(ids(sortSummaries(LIST, 'errors', 'desc')), [2, 1, 3]);
    assert.deepEqual(ids(sortSummaries(LIST, 'rootService', 'asc')), [2, 1, 3], 'case-insensitive');
    assert.deepEqual(ids(sortSummaries(LIST, 'rootName', 'desc')), [2, 1, 3]);
    assert.deepEqual(ids(LIST), [1, 2, 3], 'the input is not reordered');
  });

  it('gives a service the same colour index every time, within the palette', () => {
    // FNV-1a's published test vectors: a standard hash, not one that could drift between versions.
    assert.equal(serviceColorIndex('a', 2 ** 32), 0xe40c292c);
    assert.equal(serviceColorIndex('foobar', 2 ** 32), 0xbf9cf968);
    const a = serviceColorIndex('checkout', 12);
    assert.equal(serviceColorIndex('checkout', 12), a);
    assert.ok(a >= 0 && a < 12);
    assert.equal(serviceColorIndex('', 12), 0x811c9dc5 % 12);
    assert.equal(serviceColorIndex('anything', 0), 0, 'a degenerate palette still gives an index');
    const colours = serviceColors(['payments', 'cart', 'payments'], 8);
    assert.deepEqual([...colours.keys()], ['cart', 'payments']);
    assert.equal(colours.get('cart'), serviceColorIndex('cart', 8));
    const spread = new Set(Array.from({ length: 200 }, (_, i) => serviceColorIndex(`service-${i}`, 10)));
    assert.equal(spread.size, 10, 'names spread over the whole palette');
  });
});

describe('trace list keyboard (rovingIndex)', () => {
  it('arrows step and stop at the ends; Home/End jump; PageUp/PageDown move a page, clamped', () => {
    assert.equal(rovingIndex(2, 'ArrowDown', 5), 3);
    assert.equal(rovingIndex(4, 'ArrowDown', 5), 4);
    assert.equal(rovingIndex(2, 'ArrowUp', 5), 1);
    assert.equal(rovingIndex(0, 'ArrowUp', 5), 0);
    assert.equal(rovingIndex(3, 'Home', 5), 0);
    assert.equal(rovingIndex(1, 'End', 5), 4);
    assert.equal(rovingIndex(1, 'PageDown', 50, 10), 11);
    assert.equal(rovingIndex(45, 'PageDown', 50, 10), 49);
    assert.equal(rovingIndex(5, 'PageUp', 50, 10), 0);
  });
  it('from no row, any move lands on the first; an empty list and other keys do not move', () => {
    assert.equal(rovingIndex(-1, 'ArrowDown', 5), 0);
    assert.equal(rovingIndex(-1, 'ArrowUp', 5), 0);
    assert.equal(rovingIndex(-1, 'End', 5), 4);
    assert.equal(rovingIndex(0, 'ArrowDown', 0), undefined);
    assert.equal(rovingIndex(1, 'Enter', 5), undefined);
    assert.equal(rovingIndex(1, 'a', 5), undefined);
    // A row index left over from a longer list.
    assert.equal(rovingIndex(9, 'ArrowUp', 5), 3);
  });
});

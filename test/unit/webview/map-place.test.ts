// Live placement of new boxes (webview/model/map-place.ts): kept boxes never move, a new one goes to
// the end of the column after its callers, never on top of another.
import { strict as assert } from 'node:assert';
import { layoutMap, type Placed } from '../../../webview/model/map-layout';
import { placeNew } from '../../../webview/model/map-place';
import { boxes, links } from './map-fixtures';

const OPTS = { columnGap: 50, rowGap: 20 };

function overlaps(a: Placed, b: Placed, h = 40): boolean {
  return a.x < b.x + 100 && b.x < a.x + 100 && a.y < b.y + h && b.y < a.y + h;
}

describe('map live placement (webview/model/map-place.ts)', () => {
  const base = ['user', 'front', 'a', 'b', 'db'];
  const baseLinks = links('user>front front>a front>b a>db b>db');
  const before = layoutMap(boxes(base), baseLinks, new Map(), OPTS);

  it('keeps every placed box where it was and returns them alone when nothing is new', () => {
    const after = placeNew(boxes(base), baseLinks, before, OPTS);
    assert.deepEqual([...after], [...before]);
  });

  it('puts a new callee in the column after its caller, under the lowest box there', () => {
    const after = placeNew(boxes([...base, 'c']), [...baseLinks, ...links('front>c')], before, OPTS);
    for (const id of base) assert.deepEqual(after.get(id), before.get(id), `${id} moved`);
    const c = after.get('c')!;
    assert.equal(c.layer, before.get('a')!.layer);
    assert.equal(c.x, before.get('a')!.x);
    assert.equal(c.y, Math.max(before.get('a')!.y, before.get('b')!.y) + 40 + 20);
  });

  it('takes the furthest caller, and places new callers before their new callees', () => {
    // d is called by a (column 2) and the new e, itself called by db (column 3): d goes to column 4.
    const after = placeNew(boxes([...base, 'd', 'e']), [...baseLinks, ...links('a>d e>d db>e')], before, OPTS);
    assert.equal(after.get('e')!.layer, before.get('db')!.layer + 1);
    assert.equal(after.get('d')!.layer, after.get('e')!.layer + 1);
    assert.ok(after.get('e')!.x > before.get('db')!.x + 100, 'a new column right of the last one');
    assert.ok(after.get('d')!.x > after.get('e')!.x + 100);
  });

  it('a box that only calls goes one column before its callee; one with no links to column 0', () => {
    const after = placeNew(boxes([...base, 'job', 'lonely']), [...baseLinks, ...links('job>db')], before, OPTS);
    assert.equal(after.get('job')!.layer, before.get('db')!.layer - 1);
    assert.equal(after.get('lonely')!.layer, 0);
    assert.equal(after.get('lonely')!.x, before.get('user')!.x);
  });

  it('never overlaps, whatever the order and count of new boxes (a new cycle included)', () => {
    const extra = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
    const after = placeNew(boxes([...base, ...extra]), [...baseLinks, ...links('front>n1 n1>n2 n2>n1 user>n3 db>n4 n4>n5 n6>a')], before, OPTS);
    const all = [...after.values()];
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.ok(!overlaps(all[i], all[j]), `boxes ${i} and ${j} overlap`);
    for (const id of base) assert.deepEqual(after.get(id), before.get(id), `${id} moved`);
    assert.equal(after.size, base.length + extra.length);
  });

  it('drops kept positions of boxes no longer in the input, and is deterministic', () => {
    const ids = ['user', 'front', 'a', 'c'];
    const l = links('user>front front>a front>c');
    const one = placeNew(boxes(ids), l, before, OPTS);
    assert.deepEqual([...one.keys()].sort(), [...ids].sort());
    assert.deepEqual([...placeNew(boxes(ids), l, before, OPTS)], [...one]);
  });
});

// The map's layered layout (webview/model/map-layout.ts): columns, order, kept positions.
import { strict as assert } from 'node:assert';
import { crossings, layerBoxes, layoutMap, orderLayers, type LayoutLink } from '../../../webview/model/map-layout';
import { boxes, links } from './map-fixtures';


describe('map layout (webview/model/map-layout.ts)', () => {
  it('puts callers in columns before their callees (longest path from the sources)', () => {
    const ids = ['ratings', 'db', 'user', 'reviews', 'productpage', 'details'];
    const layers = layerBoxes(ids, links('user>productpage productpage>details productpage>reviews reviews>ratings ratings>db productpage>ratings'));
    assert.deepEqual(Object.fromEntries(layers), { user: 0, productpage: 1, details: 2, reviews: 2, ratings: 3, db: 4 });
  });

  it('breaks cycles instead of looping: every node gets a column, a mutual call is one column apart', () => {
    const layers = layerBoxes(['user', 'a', 'b', 'c'], links('user>a a>b b>a b>c c>a a>a'));
    assert.deepEqual(Object.fromEntries(layers), { user: 0, a: 1, b: 2, c: 3 });
    // A graph that is only a cycle still lays out.
    assert.deepEqual(Object.fromEntries(layerBoxes(['x', 'y'], links('x>y y>x'))), { x: 0, y: 1 });
  });

  it('orders each column by barycentre, removing the crossings of a crossed input order', () => {
    const ids = ['a1', 'a2', 'b2', 'b1'];
    const ls = links('a1>b1 a2>b2');
    const layers = layerBoxes(ids, ls);
    const naive: string[][] = [['a1', 'a2'], ['b2', 'b1']];
    assert.equal(crossings(naive, ls), 1);
    const ordered = orderLayers(ids, layers, ls);
    assert.deepEqual(ordered, [['a1', 'a2'], ['b1', 'b2']]);
    assert.equal(crossings(ordered, ls), 0);
  });

  it('places boxes in columns left to right without overlap, and the same input the same way', () => {
    const ids = ['user', 'front', 'a', 'b', 'c', 'db'];
    const ls = links('user>front front>a front>b front>c a>db b>db');
    const placed = layoutMap(boxes(ids), ls);
    assert.ok(placed.get('user')!.x < placed.get('front')!.x);
    assert.ok(placed.get('front')!.x < placed.get('a')!.x);
    assert.equal(placed.get('a')!.x, placed.get('c')!.x);
    assert.ok(placed.get('a')!.x < placed.get('db')!.x);
    const col = ['a', 'b', 'c'].map((id) => placed.get(id)!.y).sort((x, y) => x - y);
    assert.ok(col[1] - col[0] >= 40 && col[2] - col[1] >= 40, 'boxes in a column do not overlap');
    assert.deepEqual(layoutMap(boxes(ids), ls), placed);
  });

  it('keeps the positions it is given and places only new boxes, clear of the kept ones', () => {
    const ls = links('user>front front>a front>b');
    const first = layoutMap(boxes(['user', 'front', 'a', 'b']), ls);
    const ls2 = [...ls, ...links('front>new user>front2')];
    const second = layoutMap(boxes(['user', 'front', 'a', 'b', 'new', 'front2']), ls2, first);
    for (const id of ['user', 'front', 'a', 'b']) assert.deepEqual(second.get(id), first.get(id), id);
    const overlaps = (p: string, q: string) => {
      const a = second.get(p)!;
      const b = second.get(q)!;
      return a.x < b.x + 100 && b.x < a.x + 100 && a.y < b.y + 40 && b.y < a.y + 40;
    };
    const ids = [...second.keys()];
    for (const p of ids) for (const q of ids) if (p < q) assert.ok(!overlaps(p, q), `${p} overlaps ${q}`);
    assert.equal(second.get('new')!.x, first.get('a')!.x, 'a new callee goes to its column');
  });

  it('lays out 1,000 boxes quickly (the map\'s budget is 1 s for 300 in the browser)', () => {
    const ids = ['user', ...Array.from({ length: 1000 }, (_, i) => `s${i}`)];
    const ls: LayoutLink[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i < 20) ls.push({ source: 'user', target: `s${i}` });
      for (const k of [1, 7, 31]) if (i + k * 20 < 1000) ls.push({ source: `s${i}`, target: `s${(i + k * 20 + k) % 1000}` });
    }
    const t0 = performance.now();
    const placed = layoutMap(boxes(ids), ls);
    const ms = performance.now() - t0;
    assert.equal(placed.size, ids.length);
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
  });
});

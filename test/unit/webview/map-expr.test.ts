// The map's find/hide expressions (webview/model/map-expr.ts): parsing, messages, matching.
import { strict as assert } from 'node:assert';
import { matchEdge, matchNode, parseMapExpr, type MapTerm } from '../../../webview/model/map-expr';
import { edge, metrics, node, NONE } from './map-fixtures';

function terms(text: string): readonly MapTerm[] {
  const r = parseMapExpr(text);
  if (!r.ok) throw new Error(r.error);
  return r.terms;
}

describe('map expressions (webview/model/map-expr.ts)', () => {
  it('parses fields, operators and units into numbers in the graph\'s units', () => {
    assert.deepEqual(terms('name=Reviews'), [{ field: 'name', op: '=', value: 'reviews' }]);
    assert.deepEqual(terms('errors>1%'), [{ field: 'errors', op: '>', value: 0.01 }]);
    assert.deepEqual(terms('errors>=0.05'), [{ field: 'errors', op: '>=', value: 0.05 }]);
    assert.deepEqual(terms('errors>5'), [{ field: 'errors', op: '>', value: 0.05 }], 'a bare number above 1 is a percentage');
    assert.deepEqual(terms('p95>200ms'), [{ field: 'p95', op: '>', value: 200 }]);
    assert.deepEqual(terms('p99<=1.5s'), [{ field: 'p99', op: '<=', value: 1500 }]);
    assert.deepEqual(terms('p50>20'), [{ field: 'p50', op: '>', value: 20 }]);
    assert.deepEqual(terms('rate>1'), [{ field: 'rate', op: '>', value: 1 }]);
    assert.deepEqual(terms('rate<0.5/s'), [{ field: 'rate', op: '<', value: 0.5 }]);
    assert.deepEqual(terms('  name~rev   kind=service '), [
      { field: 'name', op: '~', value: 'rev' },
      { field: 'kind', op: '=', value: 'service' },
    ]);
    assert.deepEqual(terms(''), []);
  });

  it('says what is wrong with a bad expression', () => {
    const error = (text: string) => {
      const r = parseMapExpr(text);
      assert.equal(r.ok, false, text);
      return (r as { error: string }).error;
    };
    assert.match(error('reviews'), /"reviews" is not field<op>value/);
    assert.match(error('colour=red'), /unknown field "colour"/);
    assert.match(error('p95>fast'), /"fast" is not a duration/);
    assert.match(error('errors>1ms'), /not a percentage/);
    assert.match(error('rate>2s'), /not a number of requests per second/);
    assert.match(error('name>reviews'), /name takes =, != or ~/);
    assert.match(error('p95~200'), /p95 takes a comparison/);
    assert.match(error('kind=queue'), /unknown kind "queue"/);
    assert.match(error('name='), /has no value/);
    assert.match(error('name=reviews p95>fast'), /fast/, 'one bad term fails the whole expression');
  });

  it('matches nodes on what they served, else on what they asked for; every term must hold', () => {
    const reviews = node('service:reviews', metrics(100, 2, 250), metrics(50));
    const user = node('user', NONE, metrics(40, 0, 80));
    assert.ok(matchNode(reviews, terms('name=reviews')));
    assert.ok(matchNode(reviews, terms('name~view errors>1%')));
    assert.ok(!matchNode(reviews, terms('name~view errors>2%')), '2% is not above 2%');
    assert.ok(matchNode(reviews, terms('errors>=2% p95>200ms')));
    assert.ok(!matchNode(reviews, terms('p95>300ms')));
    assert.ok(matchNode(user, terms('p95<100 kind=user')), 'a user node is judged by what it asked for');
    assert.ok(!matchNode(reviews, terms('')), 'an empty expression matches nothing');
    const idle = node('service:idle');
    assert.ok(!matchNode(idle, terms('p95<1s')), 'no requests: no latency to compare');
    assert.ok(!matchNode(idle, terms('errors<1%')));
    assert.ok(matchNode(idle, terms('rate<1')), 'no requests is a rate of 0');
  });

  it('finds a version node by its app\'s name, and != excludes by either name', () => {
    const v2 = node('version:reviews@v2', metrics(10), NONE, { parent: 'service:reviews' });
    assert.ok(matchNode(v2, terms('name=reviews'), 'reviews'));
    assert.ok(matchNode(v2, terms('name=v2'), 'reviews'));
    assert.ok(!matchNode(v2, terms('name!=reviews'), 'reviews'));
    assert.ok(matchNode(v2, terms('name!=ratings'), 'reviews'));
  });

  it('matches edges on metric terms only, on the caller\'s figures, else the callee\'s', () => {
    const e = edge('service:a', 'service:b', metrics(100, 30, 500), metrics(100, 0, 450));
    assert.ok(matchEdge(e, terms('errors>20%')));
    assert.ok(matchEdge(e, terms('p95>480ms')), 'client side first');
    assert.ok(!matchEdge(e, terms('name=a')), 'names are about nodes');
    const fromUser = edge('user', 'service:a', null, metrics(10, 5));
    assert.ok(matchEdge(fromUser, terms('errors>=50%')));
  });
});

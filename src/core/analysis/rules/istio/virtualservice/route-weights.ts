import { isRecord } from '../../../../k8s/object';
import { VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { ROUTE_PROTOCOLS, rulesOf } from '../../../../istio/routes';
import { locatePath } from '../../../../yaml/locate';
import { FixSpec, ObjectRule } from '../../../types';

const example = (w2: number) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews, subset: v1}
          weight: 80
        - destination: {host: reviews, subset: v2}
          weight: ${w2}
`;

/** Weights scaled to sum to 100, rounding by largest remainder so the total is exact. */
function normalise(weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w * 100) / sum);
  const out = exact.map(Math.floor);
  let left = 100 - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]++;
    left--;
  }
  return out;
}

export const routeWeights: ObjectRule = {
  meta: {
    id: 'route-weights',
    code: 'ML1011',
    severity: 'warning',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Route weights that do not say what they seem to',
    description:
      'The weights of a route\'s destinations do not add up to 100, so each destination gets weight/sum of the traffic rather than the percentage written (80 and 40 mean 67% and 33%); older Istio releases rejected such routes. A single destination with a weight other than 100 gets all the traffic anyway, so the weight misleads the reader.',
    remediation: 'Make the weights add up to 100 (the quick fix scales them), and drop the weight of a single destination or set it to 100.',
    messages: {
      sum: 'The weights of this {protocol} route add up to {sum}, not 100: the destinations get {shares}.',
      single: 'The only destination of this route gets all the traffic: weight {weight} is taken as 100.',
    },
    upstream: ['KIA1104 (The weight is assumed to be 100 because there is only one route destination)'],
    fixable: true,
    examples: { invalid: example(40), valid: example(20) },
  },
  check({ object, report }) {
    for (const protocol of ROUTE_PROTOCOLS) {
      for (const { rule, index } of rulesOf(object, protocol)) {
        if (!Array.isArray(rule.route)) continue;
        const items = rule.route.map((r, j) => ({ j, weight: isRecord(r) && typeof r.weight === 'number' ? r.weight : undefined }));
        const weightPath = (j: number) => ['spec', protocol, index, 'route', j, 'weight'];
        if (items.length === 1) {
          const w = items[0].weight;
          if (w === undefined || w === 100) continue;
          const loc = locatePath(object.doc.node, weightPath(0), 'value');
          const fixes = loc.exact ? [{ title: 'Set the weight to 100 (what it means already)', preferred: true, edits: [{ start: loc.start, end: loc.end, newText: '100' }] }] : [];
          report({ messageId: 'single', upstream: ['KIA1104'], data: { weight: w }, path: weightPath(0), fixes });
          continue;
        }
        if (!items.some((x) => x.weight !== undefined)) continue;
        const weights = items.map((x) => x.weight ?? 0);
        const sum = weights.reduce((a, b) => a + b, 0);
        if (sum === 100 || sum <= 0) continue;
        const shares = weights.map((w) => `${Math.round((w * 1000) / sum) / 10}%`).join(', ');
        const target = items.find((x) => x.weight !== undefined)!;
        report({ messageId: 'sum', upstream: [], data: { protocol, sum, shares }, path: weightPath(target.j), fixes: normaliseFix(object.doc.node, items, weightPath) });
      }
    }
  },
};

function normaliseFix(doc: Parameters<typeof locatePath>[0], items: Array<{ j: number; weight?: number }>, weightPath: (j: number) => Array<string | number>): FixSpec[] {
  const scaled = normalise(items.map((x) => x.weight ?? 0));
  const edits: FixSpec['edits'] = [];
  for (const [k, x] of items.entries()) {
    if (x.weight === undefined) continue;
    const loc = locatePath(doc, weightPath(x.j), 'value');
    if (!loc.exact) return [];
    if (scaled[k] !== x.weight) edits.push({ start: loc.start, end: loc.end, newText: String(scaled[k]) });
  }
  return edits.length ? [{ title: `Scale the weights to add up to 100 (${scaled.join(', ')})`, preferred: false, edits }] : [];
}

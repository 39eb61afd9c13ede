import { isRecord } from '../../../../k8s/object';
import { ENVOY_FILTER } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

const RELATIVE = new Set(['INSERT_BEFORE', 'INSERT_AFTER']);
const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
const FILTERS = new Set(['HTTP_FILTER', 'NETWORK_FILTER']);

export const envoyfilterPatchOperation: ObjectRule = {
  meta: {
    id: 'envoyfilter-patch-operation',
    code: 'ML1150',
    severity: 'warning',
    scope: 'object',
    kinds: [ENVOY_FILTER],
    title: 'EnvoyFilter patch operation that may not apply',
    description:
      'EnvoyFilter patches are applied in order of `priority`, then age. A relative operation (`INSERT_BEFORE`, `INSERT_AFTER`, or `REPLACE` of a filter) in an EnvoyFilter without `priority` depends on a filter that another EnvoyFilter may add or move later, so it may silently not apply; with `proxy.proxyVersion` it also breaks on upgrades. `REPLACE` works only on HTTP and network filters; `ADD` and `REMOVE` do nothing on `ROUTE_CONFIGURATION` and `HTTP_ROUTE`.',
    remediation: 'Use `INSERT_FIRST` or `ADD`, or set `priority`; use `MERGE` instead of `REPLACE` outside filters; patch route configurations with `MERGE`.',
    messages: {
      relative: 'Patch {index} uses {operation} and the EnvoyFilter has no priority: the filter it is relative to may be added or moved by another EnvoyFilter applied later, and the patch may not apply.',
      relativeProxyVersion: 'Patch {index} uses {operation} with a proxyVersion match and the EnvoyFilter has no priority: it may stop applying when the proxy version or the filter chain changes.',
      replace: 'Patch {index} uses REPLACE on {applyTo}; REPLACE works only on HTTP_FILTER and NETWORK_FILTER (use MERGE).',
      add: 'Patch {index} uses ADD on {applyTo}, which has no effect there (use MERGE).',
      remove: 'Patch {index} uses REMOVE on {applyTo}, which has no effect there.',
    },
    upstream: [
      'IST0151 (envoyfilter.EnvoyPatchAnalyzer: relative operation without priority)',
      'IST0152 (envoyfilter.EnvoyPatchAnalyzer: REPLACE on a non-filter)',
      'IST0153 (envoyfilter.EnvoyPatchAnalyzer: ADD on route configuration)',
      'IST0154 (envoyfilter.EnvoyPatchAnalyzer: REMOVE on route configuration)',
      'IST0155 (envoyfilter.EnvoyPatchAnalyzer: relative operation with proxyVersion)',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: lua\nspec:\n  configPatches:\n    - applyTo: HTTP_FILTER\n      match:\n        context: SIDECAR_INBOUND\n        listener:\n          filterChain:\n            filter:\n              name: envoy.filters.network.http_connection_manager\n              subFilter: {name: envoy.filters.http.router}\n      patch:\n        operation: INSERT_BEFORE\n        value: {name: envoy.lua}\n',
      valid:
        'apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: lua\nspec:\n  priority: 10\n  configPatches:\n    - applyTo: HTTP_FILTER\n      match:\n        context: SIDECAR_INBOUND\n        listener:\n          filterChain:\n            filter:\n              name: envoy.filters.network.http_connection_manager\n              subFilter: {name: envoy.filters.http.router}\n      patch:\n        operation: INSERT_BEFORE\n        value: {name: envoy.lua}\n',
    },
  },
  check({ object, report }) {
    if (groupKindOf(object) !== ENVOY_FILTER) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.configPatches)) return;
    const prioritized = typeof spec.priority === 'number' && spec.priority !== 0;
    spec.configPatches.forEach((p, index) => {
      if (!isRecord(p) || !isRecord(p.patch)) return;
      const operation = p.patch.operation;
      const applyTo = typeof p.applyTo === 'string' ? p.applyTo : '';
      if (typeof operation !== 'string') return;
      const path = ['spec', 'configPatches', index, 'patch', 'operation'];
      const data = { index, operation, applyTo };
      if (operation === 'REPLACE' && !FILTERS.has(applyTo)) {
        report({ messageId: 'replace', data, path, upstream: ['IST0152'] });
        return;
      }
      if (operation === 'ADD' && ROUTE_LEVEL.has(applyTo)) report({ messageId: 'add', data, path, upstream: ['IST0153'] });
      if (operation === 'REMOVE' && ROUTE_LEVEL.has(applyTo)) report({ messageId: 'remove', data, path, upstream: ['IST0154'] });
      if ((RELATIVE.has(operation) || operation === 'REPLACE') && !prioritized) {
        const proxy = isRecord(p.match) && isRecord(p.match.proxy) ? p.match.proxy.proxyVersion : undefined;
        if (typeof proxy === 'string' && proxy) report({ messageId: 'relativeProxyVersion', data, path, upstream: ['IST0155'] });
        else report({ messageId: 'relative', data, path, upstream: ['IST0151'] });
      }
    });
  },
};

import { isRecord } from '../../../k8s/object';
import { probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

/** apimachinery's IsHTTPHeaderName. */
const HEADER_NAME = /^[-A-Za-z0-9]+$/;

export const probeHttpHeader: ObjectRule = {
  meta: {
    id: 'probe-http-header',
    code: 'ML4007',
    severity: 'error',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Invalid HTTP header name in an httpGet probe',
    description:
      "The names of an `httpGet` probe's `httpHeaders` must be letters, digits and hyphens; the API server rejects anything else (a space, a colon, `Host:` copied from a request, an empty name).",
    remediation: 'Write the bare header name (`X-Probe`, `Host`), without a colon or spaces; the value goes in `value`.',
    messages: {
      name: 'HTTP header name "{header}" in the {probe} of container "{container}"; the API server rejects it ("a valid HTTP header must consist of alphanumeric characters or \'-\'").',
    },
    upstream: ["API server (IsHTTPHeaderName): a valid HTTP header must consist of alphanumeric characters or '-'"],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: 8080\n          httpHeaders:\n            - name: "Host:"\n              value: web.example.com\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: 8080\n          httpHeaders:\n            - name: Host\n              value: web.example.com\n',
    },
  },
  check({ object, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        // Only the handler the API server validates (the first); the others are ML4001's.
        if (p.handlers[0] !== 'httpGet' || !isRecord(p.value.httpGet)) continue;
        const headers = p.value.httpGet.httpHeaders;
        if (!Array.isArray(headers)) continue;
        headers.forEach((h, i) => {
          if (!isRecord(h) || typeof h.name !== 'string' || HEADER_NAME.test(h.name)) return;
          report({ messageId: 'name', data: { header: h.name, probe: p.kind, container: c.name }, path: [...p.path, 'httpGet', 'httpHeaders', i, 'name'] });
        });
      }
    }
  },
};

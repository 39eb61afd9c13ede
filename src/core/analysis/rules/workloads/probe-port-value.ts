import { isValidPortNumber, portNameProblems, probePort, probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

export const probePortValue: ObjectRule = {
  meta: {
    id: 'probe-port-value',
    code: 'ML4004',
    severity: 'error',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Probe port out of range or not a valid port name',
    description:
      "A probe's port is a number from 1 to 65535 or the name of one of the container's ports. A name must be a valid IANA service name: at most 15 characters, lower-case letters, digits and single inner hyphens, at least one letter. The API server rejects anything else (a quoted `\"8080\"` is a name, and not a valid one). A `grpc` probe takes a number only, which the schema check (ML0011) reports.",
    remediation: 'Use the port number, or the name of a port the container declares (and keep port names to 15 characters).',
    messages: {
      range: '{probe} of container "{container}" uses port {port}; the API server rejects it ("must be between 1 and 65535, inclusive").',
      name: '{probe} of container "{container}" uses port "{port}", which is not a valid port name; the API server rejects it ("{reasons}").',
    },
    upstream: ['API server: must be between 1 and 65535, inclusive', 'API server (IsValidPortName): must be no more than 15 characters'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      ports:\n        - name: metrics-endpoint\n          containerPort: 9090\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: metrics-endpoint\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      ports:\n        - name: metrics\n          containerPort: 9090\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: metrics\n',
    },
  },
  check({ object, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        const port = probePort(p);
        if (!port) continue;
        const data = { probe: p.kind, container: c.name, port: port.port };
        if (typeof port.port === 'number') {
          if (!isValidPortNumber(port.port)) report({ messageId: 'range', data, path: port.path });
        } else if (port.handler !== 'grpc') {
          const reasons = portNameProblems(port.port);
          if (reasons.length) report({ messageId: 'name', data: { ...data, reasons: reasons.join('; ') }, path: port.path });
        }
      }
    }
  },
};

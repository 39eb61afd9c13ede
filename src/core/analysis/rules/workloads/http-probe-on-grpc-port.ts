import { findContainerPort, isGrpcPort, probePort, probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { replaceHandlerFix } from '../../probe-fixes';
import { ObjectRule } from '../../types';

export const httpProbeOnGrpcPort: ObjectRule = {
  meta: {
    id: 'http-probe-on-grpc-port',
    code: 'ML4023',
    severity: 'warning',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'HTTP probe on a gRPC port',
    description:
      "An `httpGet` probe sends an HTTP/1.1 request; a gRPC server speaks HTTP/2 only, so the probe fails (or, behind some servers, succeeds without checking anything). A port counts as gRPC when it is named `grpc` or `grpc-…` (Istio's protocol naming) or has `appProtocol: grpc`.",
    remediation: 'Use a `grpc` probe (Kubernetes 1.24 and later; the server must implement the gRPC health checking protocol, grpc.health.v1) or a `tcpSocket` probe on the same port.',
    messages: {
      grpcPort:
        'The {probe} of container "{container}" sends an HTTP GET to port {port}, which is a gRPC port ({why}): a gRPC server answers HTTP/2 only. Use a grpc probe (grpc.health.v1) or a tcpSocket probe.',
    },
    upstream: [],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: api:1\n      ports:\n        - name: grpc\n          containerPort: 9000\n      readinessProbe:\n        httpGet:\n          path: /healthz\n          port: grpc\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: api:1\n      ports:\n        - name: grpc\n          containerPort: 9000\n      readinessProbe:\n        grpc:\n          port: 9000\n',
    },
  },
  check({ object, lines, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        const port = probePort(p);
        if (!port || port.handler !== 'httpGet') continue;
        const declared = findContainerPort(c, port.port);
        if (!declared || !isGrpcPort(declared)) continue;
        const why = declared.appProtocol?.toLowerCase() === 'grpc' ? 'appProtocol: grpc' : `named "${declared.name}"`;
        const fixes = [
          ...(declared.number !== undefined ? replaceHandlerFix(object, lines, p, 'grpc', declared.number, `Use a grpc probe on port ${declared.number}`) : []),
          ...replaceHandlerFix(object, lines, p, 'tcpSocket', port.port, `Use a tcpSocket probe on port ${port.port}`),
        ];
        const related = [{ object, path: [...c.path, 'ports', declared.index, why === 'appProtocol: grpc' ? 'appProtocol' : 'name'], message: 'what makes it a gRPC port' }];
        report({ messageId: 'grpcPort', data: { probe: p.kind, container: c.name, port: port.port, why }, path: [...p.path, 'httpGet'], target: 'key', fixes, related });
      }
    }
  },
};

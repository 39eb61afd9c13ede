import { findContainerPort, HandlerName, isValidPortNumber, portNameProblems, probePort, probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

/** How kube-linter names the handler in its messages ("for the HTTPGet"). */
const HANDLER_LABEL: Record<Exclude<HandlerName, 'exec'>, string> = { httpGet: 'HTTPGet', tcpSocket: 'TCPSocket', grpc: 'GRPC' };

export const probePortNotExposed: ObjectRule = {
  meta: {
    id: 'probe-port-not-exposed',
    code: 'ML4010',
    severity: 'error',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: "Probe port the container does not expose",
    description:
      "A probe connects to one of the container's ports over TCP. A port **name** the container does not declare cannot be resolved by the kubelet, so the probe fails every time: the container never becomes ready, or is restarted forever (an error). A port declared with protocol UDP is probed over TCP anyway, which usually reaches nothing (a warning). A port **number** missing from the container's `ports` works if the app listens there, but is often a stale or mistyped port (a warning when the container declares other ports, information when it declares none). These are kube-linter's liveness-port, readiness-port and startup-port checks.",
    remediation: "Probe a port the container declares (by name or number), or declare the port the app listens on in the container's `ports` with protocol TCP.",
    messages: {
      unknownName:
        '{probe} of container "{container}" uses port "{port}", which the container does not declare: the kubelet cannot resolve the name, so the probe always fails (kube-linter: does not expose port {port} for the {handler}).',
      undeclaredNumber: '{probe} of container "{container}" probes port {port}, which is not among the ports the container declares ({declared}): a stale or mistyped port?',
      noPorts: '{probe} of container "{container}" probes port {port}, but the container declares no ports; declare containerPort {port} so the port is documented and checked.',
      notTcp: '{probe} of container "{container}" probes port {port} over TCP, but the container declares it as {protocol}.',
    },
    upstream: ['kube-linter liveness-port', 'kube-linter readiness-port', 'kube-linter startup-port'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      ports:\n        - name: http\n          containerPort: 8080\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: web\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      ports:\n        - name: http\n          containerPort: 8080\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: http\n',
    },
  },
  check({ object, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        const port = probePort(p);
        if (!port || port.handler === 'exec') continue;
        // Malformed ports are ML4004's and ML0011's.
        if (typeof port.port === 'number' ? !isValidPortNumber(port.port) : port.handler === 'grpc' || portNameProblems(port.port).length > 0) continue;
        const data = { probe: p.kind, container: c.name, port: port.port, handler: HANDLER_LABEL[port.handler] };
        const declared = findContainerPort(c, port.port);
        const portsKey = [{ object, path: [...c.path, 'ports'], target: 'key' as const, message: `the ports container "${c.name}" declares` }];
        if (declared) {
          if (declared.protocol.toUpperCase() !== 'TCP') {
            const related = [{ object, path: [...c.path, 'ports', declared.index, 'protocol'], message: `the port is declared ${declared.protocol}` }];
            report({ messageId: 'notTcp', severity: 'warning', data: { ...data, protocol: declared.protocol }, path: port.path, related });
          }
        } else if (typeof port.port === 'string') {
          report({ messageId: 'unknownName', data, path: port.path, related: c.ports.length ? portsKey : [] });
        } else if (c.ports.length > 0) {
          const list = c.ports.map((x) => (x.name ? `${x.name} ${x.number ?? '?'}` : String(x.number ?? '?'))).join(', ');
          report({ messageId: 'undeclaredNumber', severity: 'warning', data: { ...data, declared: list }, path: port.path, related: portsKey });
        } else {
          report({ messageId: 'noPorts', severity: 'info', data, path: port.path });
        }
      }
    }
  },
};

import { isRecord, K8sObject } from '../../../../k8s/object';
import { guessProtocol, ISTIO_PROTOCOLS, portProtocol } from '../../../../istio/protocol';
import { locatePath } from '../../../../yaml/locate';
import { LineIndex } from '../../../../yaml/positions';
import { FixSpec, ObjectRule } from '../../../types';

/** Namespaces Istio's analyzer skips (the injector's ignored namespaces). */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);
const KNOWN = ISTIO_PROTOCOLS.filter((p) => p !== 'http_proxy').join(', ');
/** IANA service names, which Kubernetes requires of port names, are at most 15 characters. */
const MAX_NAME = 15;

/** `wrong-http` -> `http-wrong`: a protocol written later in the name moves to the front. */
function renamed(name: string, port: number | undefined, targetPort: unknown, taken: ReadonlySet<string>): string | undefined {
  const parts = name ? name.split('-') : [];
  const later = parts.findIndex((p, i) => i > 0 && ISTIO_PROTOCOLS.includes(p.toLowerCase()) && p !== 'http_proxy');
  const protocol = later > 0 ? parts[later].toLowerCase() : guessProtocol(port, targetPort);
  const rest = later > 0 ? parts.filter((_, i) => i !== later).join('-') : name;
  const candidates = [rest ? `${protocol}-${rest}` : protocol, `${protocol}-${port ?? ''}`.replace(/-$/, '')];
  return candidates.find((c) => c.length <= MAX_NAME && !taken.has(c) && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(c));
}

function renameFix(o: K8sObject, lines: LineIndex, portPath: (string | number)[], port: Record<string, unknown>, newName: string): FixSpec | undefined {
  if (typeof port.name === 'string') {
    const at = locatePath(o.doc.node, [...portPath, 'name']);
    return { title: `Rename the port to "${newName}"`, preferred: false, edits: [{ start: at.start, end: at.end, newText: newName }] };
  }
  const first = Object.keys(port)[0];
  if (first === undefined) return undefined;
  const at = locatePath(o.doc.node, [...portPath, first], 'key');
  if (!at.exact) return undefined;
  const pos = lines.positionAt(at.start);
  const before = lines.lineText(pos.line).slice(0, pos.character).trimEnd();
  const flow = before.endsWith('{') || before.endsWith(',');
  const newText = flow ? `name: ${newName}, ` : `name: ${newName}\n${' '.repeat(pos.character)}`;
  return { title: `Name the port "${newName}"`, preferred: false, edits: [{ start: at.start, end: at.start, newText }] };
}

export const portNameProtocol: ObjectRule = {
  meta: {
    id: 'port-name-protocol',
    code: 'ML1201',
    severity: 'warning',
    scope: 'object',
    kinds: ['/Service'],
    title: 'Service port gives Istio no protocol',
    description:
      `Istio reads a Service port's protocol from its \`appProtocol\`, or else from its name: \`<protocol>\` or \`<protocol>-<suffix>\` with one of ${KNOWN} (UDP ports and DNS's port 53 excepted). An unnamed port, or a name such as \`web\` or \`wrong-http\`, leaves Istio guessing (protocol sniffing), so HTTP routing, retries, metrics and authorization by path may not apply. An ExternalName Service's ports must not be plain TCP (IST0150): the proxy then cannot forward them by host. Services in kube-system, kube-public, kube-node-lease and local-path-storage, and Istio's own (label \`istio\` or \`release: istio\`), are skipped, as istioctl does.`,
    remediation: 'Name the port `<protocol>-<suffix>` (`http-web`, `grpc-api`, `tcp-db`) or set `appProtocol`. The quick fix renames it; check that nothing refers to the old port name (an Ingress, a ServiceMonitor, a Gateway API route).',
    messages: {
      unnamed: 'Port {port} has no name, so Istio cannot tell its protocol; name it <protocol>[-<suffix>] (e.g. "{suggestion}") or set appProtocol.',
      badName: 'Port name "{name}" does not start with a protocol Istio knows ({known}); name it <protocol>[-<suffix>] (e.g. "{suggestion}") or set appProtocol.',
      badAppProtocol: 'appProtocol "{value}" is not a protocol Istio knows ({known}); Istio cannot tell this port\'s protocol.',
      externalName: 'Port {port} ("{name}") of this ExternalName Service is not named for a protocol other than plain TCP; the proxy may not forward it. Name it e.g. "https" or "tls" for TLS traffic, or "http".',
    },
    upstream: [
      'IST0118 (PortNameIsNotUnderNamingConvention, service.PortNameAnalyzer)',
      'IST0150 (ExternalNameServiceTypeInvalidPortName, service.PortNameAnalyzer)',
      'KIA0601 (Port name must follow <protocol>[-suffix] form)',
      'KIA0602 (Port appProtocol must follow <protocol> form)',
    ],
    fixable: true,
    examples: {
      invalid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  selector:\n    app: reviews\n  ports:\n  - name: web\n    port: 9080\n',
      valid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  selector:\n    app: reviews\n  ports:\n  - name: http-web\n    port: 9080\n',
    },
  },
  check({ object, lines, report }) {
    if (SYSTEM_NAMESPACES.has(object.namespace) || 'istio' in object.labels || object.labels.release === 'istio') return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.ports)) return;
    const externalName = spec.type === 'ExternalName';
    const taken = new Set(spec.ports.flatMap((p) => (isRecord(p) && typeof p.name === 'string' ? [p.name] : [])));
    spec.ports.forEach((p, i) => {
      if (!isRecord(p)) return;
      const portPath = ['spec', 'ports', i];
      const port = typeof p.port === 'number' ? p.port : undefined;
      const name = typeof p.name === 'string' ? p.name : undefined;
      const appProtocol = typeof p.appProtocol === 'string' ? p.appProtocol : undefined;
      const protocol = portProtocol(port, name, typeof p.protocol === 'string' ? p.protocol : undefined, appProtocol);
      if (externalName) {
        if (protocol === undefined || name === 'tcp') {
          report({ messageId: 'externalName', upstream: ['IST0150'], data: { port: port ?? '?', name: name ?? '' }, path: name !== undefined ? [...portPath, 'name'] : [...portPath, 'port'], target: name !== undefined ? 'value' : 'key' });
        }
        return;
      }
      if (protocol !== undefined) return;
      if (appProtocol !== undefined) {
        report({ messageId: 'badAppProtocol', upstream: ['IST0118', 'KIA0602'], data: { value: appProtocol, known: KNOWN }, path: [...portPath, 'appProtocol'] });
        return;
      }
      const suggestion = renamed(name ?? '', port, p.targetPort, taken);
      const fix = suggestion ? renameFix(object, lines, portPath, p, suggestion) : undefined;
      report({
        messageId: name ? 'badName' : 'unnamed',
        upstream: ['IST0118', 'KIA0601'],
        data: { port: port ?? '?', name: name ?? '', known: KNOWN, suggestion: suggestion ?? 'http-web' },
        path: name ? [...portPath, 'name'] : [...portPath, 'port'],
        target: name ? 'value' : 'key',
        fixes: fix ? [fix] : [],
      });
    });
  },
};

/**
 * Istio's resource annotations and the kinds each belongs on, from istio/api
 * `annotation/annotations.yaml` (generated into annotation/annotations.gen.go, Istio 1.24-1.26),
 * which `istioctl analyze` (annotations.K8sAnalyzer) reads; plus the value checks of
 * istio/istio `pkg/kube/inject/validate.go` (AnnotationValidation).
 */
import { parse } from 'yaml';

export type AnnotationTarget = 'Any' | 'AuthorizationPolicy' | 'Gateway' | 'GatewayClass' | 'Ingress' | 'Namespace' | 'Pod' | 'Service' | 'ServiceEntry' | 'WorkloadEntry';

export interface IstioAnnotation {
  targets: readonly AnnotationTarget[];
  deprecated?: true;
  /** What replaces it, for the message. */
  replacement?: string;
}

const POD: IstioAnnotation = { targets: ['Pod'] };
const POD_DEPRECATED: IstioAnnotation = { targets: ['Pod'], deprecated: true };

export const ISTIO_ANNOTATIONS: Readonly<Record<string, IstioAnnotation>> = {
  'alpha.istio.io/canonical-serviceaccounts': { targets: ['Service'], deprecated: true },
  'alpha.istio.io/kubernetes-serviceaccounts': { targets: ['Service'], deprecated: true },
  'ambient.istio.io/bypass-inbound-capture': POD,
  'ambient.istio.io/redirection': POD,
  'ambient.istio.io/waypoint-inbound-binding': { targets: ['GatewayClass', 'Gateway'] },
  'galley.istio.io/analyze-suppress': { targets: ['Any'] },
  'gateway.istio.io/controller-version': { targets: ['Any'] },
  'gateway.istio.io/name-override': { targets: ['Gateway'] },
  'gateway.istio.io/service-account': { targets: ['Gateway'] },
  'inject.istio.io/templates': POD,
  'istio.io/autoRegistrationGroup': { targets: ['WorkloadEntry'] },
  'istio.io/connectedAt': { targets: ['WorkloadEntry'] },
  'istio.io/disconnectedAt': { targets: ['WorkloadEntry'] },
  'istio.io/dry-run': { targets: ['AuthorizationPolicy'] },
  'istio.io/rev': POD,
  'istio.io/workloadController': { targets: ['WorkloadEntry'] },
  'kubernetes.io/ingress.class': { targets: ['Ingress'] },
  'networking.istio.io/exportTo': { targets: ['Service'] },
  'networking.istio.io/service-type': { targets: ['Gateway'] },
  'networking.istio.io/traffic-distribution': { targets: ['Service', 'ServiceEntry'] },
  'prometheus.istio.io/merge-metrics': POD,
  'proxy.istio.io/config': POD,
  'proxy.istio.io/overrides': POD,
  'readiness.status.sidecar.istio.io/applicationPorts': POD,
  'readiness.status.sidecar.istio.io/failureThreshold': POD,
  'readiness.status.sidecar.istio.io/initialDelaySeconds': POD,
  'readiness.status.sidecar.istio.io/periodSeconds': POD,
  'sidecar.istio.io/agentLogLevel': POD,
  'sidecar.istio.io/bootstrapOverride': POD,
  'sidecar.istio.io/componentLogLevel': POD,
  'sidecar.istio.io/discoveryAddress': POD_DEPRECATED,
  'sidecar.istio.io/enableCoreDump': POD,
  'sidecar.istio.io/extraStatTags': POD_DEPRECATED,
  'sidecar.istio.io/inject': { targets: ['Pod'], deprecated: true, replacement: 'the sidecar.istio.io/inject label' },
  'sidecar.istio.io/interceptionMode': POD,
  'sidecar.istio.io/logLevel': POD,
  'sidecar.istio.io/nativeSidecar': POD,
  'sidecar.istio.io/proxyCPU': POD,
  'sidecar.istio.io/proxyCPULimit': POD,
  'sidecar.istio.io/proxyImage': POD,
  'sidecar.istio.io/proxyImageType': POD,
  'sidecar.istio.io/proxyMemory': POD,
  'sidecar.istio.io/proxyMemoryLimit': POD,
  'sidecar.istio.io/rewriteAppHTTPProbers': POD,
  'sidecar.istio.io/statsHistogramBuckets': POD,
  'sidecar.istio.io/statsInclusionPrefixes': POD_DEPRECATED,
  'sidecar.istio.io/statsInclusionRegexps': POD_DEPRECATED,
  'sidecar.istio.io/statsInclusionSuffixes': POD_DEPRECATED,
  'sidecar.istio.io/status': POD,
  'sidecar.istio.io/userVolume': POD,
  'sidecar.istio.io/userVolumeMount': POD,
  'status.sidecar.istio.io/port': POD,
  'topology.istio.io/controlPlaneClusters': { targets: ['Namespace'] },
  'traffic.istio.io/nodeSelector': { targets: ['Service'] },
  'traffic.sidecar.istio.io/excludeInboundPorts': POD,
  'traffic.sidecar.istio.io/excludeInterfaces': POD,
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': POD,
  'traffic.sidecar.istio.io/excludeOutboundPorts': POD,
  'traffic.sidecar.istio.io/includeInboundPorts': POD,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': POD,
  'traffic.sidecar.istio.io/includeOutboundPorts': POD,
  'traffic.sidecar.istio.io/kubevirtInterfaces': POD,
};

/** Istio's own namespace of annotations: a prefix ending in `istio.io`, and the Ingress class it documents. */
export function isIstioAnnotation(name: string): boolean {
  return name === 'kubernetes.io/ingress.class' || name.split('/')[0].endsWith('istio.io');
}

/** netip.ParsePrefix, roughly: an IPv4 or IPv6 address and a prefix length in range. */
function isCIDR(s: string): boolean {
  const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(m[1])) return bits <= 32 && m[1].split('.').every((o) => Number(o) <= 255 && (o === '0' || !o.startsWith('0')));
  return m[1].includes(':') && /^[0-9a-fA-F:.]+$/.test(m[1]) && bits <= 128;
}

function portList(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  for (const p of v.split(',')) {
    const t = p.trim();
    if (!/^\d+$/.test(t) || Number(t) > 65535) return `"${p}" is not a port number`;
  }
  return undefined;
}

function cidrList(value: string): string | undefined {
  if (!value) return undefined;
  for (const c of value.split(',')) if (!isCIDR(c)) return `"${c}" is not a CIDR range`;
  return undefined;
}

function uint32(value: string): string | undefined {
  return /^\d+$/.test(value) && Number(value) <= 0xffffffff ? undefined : 'not a non-negative integer';
}

/** The value checks istiod's injector applies; a returned string says what is wrong. */
export const ANNOTATION_VALUES: Readonly<Record<string, (value: string) => string | undefined>> = {
  'sidecar.istio.io/interceptionMode': (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : 'use REDIRECT, TPROXY or NONE'),
  'status.sidecar.istio.io/port': (v) => (/^\s*\d+\s*$/.test(v) && Number(v) <= 65535 ? undefined : 'not a port number'),
  'readiness.status.sidecar.istio.io/initialDelaySeconds': uint32,
  'readiness.status.sidecar.istio.io/periodSeconds': uint32,
  'readiness.status.sidecar.istio.io/failureThreshold': uint32,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': (v) => (v === '*' ? undefined : cidrList(v)),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': cidrList,
  'traffic.sidecar.istio.io/includeInboundPorts': (v) => (v === '*' ? undefined : portList(v)),
  'traffic.sidecar.istio.io/excludeInboundPorts': portList,
  'traffic.sidecar.istio.io/excludeOutboundPorts': portList,
  // Go's strconv.ParseBool
  'prometheus.istio.io/merge-metrics': (v) => (['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v) ? undefined : 'not a boolean'),
  'proxy.istio.io/config': (v) => {
    try {
      const parsed: unknown = parse(v);
      return parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed)) ? undefined : 'not a ProxyConfig mapping';
    } catch (e) {
      return `not YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  },
};

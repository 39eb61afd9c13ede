import { resolvePattern } from '../../../istio/pattern';
import { parseRequestUri } from '../../../istio/url';
import { groupKindOf, ObjectReport, ObjectRule } from '../../types';

type Report = (r: ObjectReport) => void;

const WASM_SCHEMES = ['', 'http', 'https', 'oci', 'file'];

/** CEL: `url(self).getScheme() in ["http", "https"]`. */
function jwksUri(report: Report, body: unknown): void {
  for (const pattern of ['spec.jwtRules[].jwksUri', 'spec.jwtRules[].jwks_uri']) {
    for (const { path, value } of resolvePattern(body, pattern)) {
      if (typeof value !== 'string' || value === '') continue;
      const parsed = parseRequestUri(value);
      if (!parsed.ok) report({ messageId: 'jwksUnparsable', data: { value: printable(value), reason: parsed.reason }, path });
      else if (parsed.scheme !== 'http' && parsed.scheme !== 'https') report({ messageId: 'jwksScheme', data: { value: printable(value), scheme: parsed.scheme || 'none' }, path });
    }
  }
}

/**
 * CEL: a URL with one of the Wasm schemes, or (a bare `registry/image:tag`) something that becomes
 * a valid URL once `http://` is put in front of it; no scheme means OCI.
 */
function wasmUrl(report: Report, body: unknown, pattern: string): void {
  for (const { path, value } of resolvePattern(body, pattern)) {
    if (typeof value !== 'string' || value === '') continue; // an empty url is the schema's business (ML0014)
    const parsed = parseRequestUri(value);
    if (parsed.ok) {
      if (!WASM_SCHEMES.includes(parsed.scheme)) report({ messageId: 'wasmScheme', data: { value: printable(value), scheme: parsed.scheme }, path });
    } else {
      const withHttp = parseRequestUri(`http://${value}`);
      if (!withHttp.ok) report({ messageId: 'wasmUnparsable', data: { value: printable(value), reason: withHttp.reason }, path });
    }
  }
}

/** Control characters (a `\b` in a double-quoted YAML string) would garble the message. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- these are the characters being made visible
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** CEL: `self in ["", "HTTP", "HTTPS"]`, upper case as Kubernetes probes write it. */
function probeScheme(report: Report, body: unknown): void {
  for (const { path, value } of resolvePattern(body, 'spec.probe.httpGet.scheme')) {
    if (typeof value === 'string' && !['', 'HTTP', 'HTTPS'].includes(value)) report({ messageId: 'probeScheme', data: { value }, path });
  }
}

const CHECKS: Record<string, (report: Report, body: unknown) => void> = {
  'security.istio.io/RequestAuthentication': jwksUri,
  'networking.istio.io/WorkloadGroup': probeScheme,
  'extensions.istio.io/WasmPlugin': (r, b) => wasmUrl(r, b, 'spec.url'),
  'extensions.istio.io/TrafficExtension': (r, b) => wasmUrl(r, b, 'spec.wasm.url'),
};

export const invalidUrl: ObjectRule = {
  meta: {
    id: 'invalid-url',
    code: 'ML0023',
    severity: 'error',
    scope: 'object',
    kinds: Object.keys(CHECKS),
    title: 'Invalid URL or scheme',
    description:
      'A URL or scheme Istio refuses: a JWT rule\'s `jwksUri` that is not an http:// or https:// URL, a Wasm module `url` that does not parse or uses a scheme other than http, https, file and oci, a WorkloadGroup HTTP probe scheme other than HTTP and HTTPS. The schema in the models only says "string"; the Istio CRDs\' CEL rules reject the object (`url must have scheme http:// or https://`, `url must have schema one of [http, https, file, oci]`, `scheme must be one of [HTTP, HTTPS]`).',
    remediation: 'Write the JWKS location as an https:// URL; write a Wasm module as oci://registry/image:tag, https://host/path.wasm or file:///path.wasm (a bare registry/image:tag means OCI).',
    messages: {
      jwksScheme: 'jwksUri "{value}" has scheme {scheme}; it must be an http:// or https:// URL ("url must have scheme http:// or https://").',
      jwksUnparsable: 'jwksUri "{value}" is not a URL ({reason}); it must be an http:// or https:// URL.',
      wasmScheme: 'url "{value}" has scheme {scheme}; Wasm modules are fetched from http, https, file or oci URLs ("url must have schema one of [http, https, file, oci]").',
      wasmUnparsable: 'url "{value}" is not a URL ({reason}); write oci://registry/image:tag, https://host/module.wasm or file:///path/module.wasm.',
      probeScheme: 'Probe scheme "{value}" must be HTTP or HTTPS, in upper case ("scheme must be one of [HTTP, HTTPS]").',
    },
    upstream: ['Istio CRD (CEL): url must have scheme http:// or https://; url must have schema one of [http, https, file, oci]; scheme must be one of [HTTP, HTTPS]'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata:\n  name: auth\nspec:\n  url: s3://modules/auth.wasm\n  selector:\n    matchLabels:\n      app: gateway\n',
      valid:
        'apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata:\n  name: auth\nspec:\n  url: oci://ghcr.io/example/auth:1.0\n  selector:\n    matchLabels:\n      app: gateway\n',
    },
  },
  check({ object, report }) {
    CHECKS[groupKindOf(object)]?.(report, object.body);
  },
};

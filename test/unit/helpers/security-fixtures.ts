// YAML builders for the security and workload rules' tests.
export const AUTO_MTLS_OFF = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    enableAutoMtls: false\n';

export const pa = (ns: string, mode: string, name = 'default', selector?: string) =>
  `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${selector ? `  selector:\n    matchLabels:\n      app: ${selector}\n` : ''}  mtls:\n    mode: ${mode}\n`;

export const dr = (ns: string, host: string, mode?: string, name = 'dr', extra = '') =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  host: "${host}"\n${mode || extra ? '  trafficPolicy:\n' : ''}${extra}${mode ? `    tls:\n      mode: ${mode}\n` : ''}`;

export const deployment = (name: string, ns: string, labels: Record<string, string>, extraSpec = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels:\n${Object.entries(labels).map(([k, v]) => `      ${k}: ${v}\n`).join('')}  template:\n    metadata:\n      labels:\n${Object.entries(labels).map(([k, v]) => `        ${k}: ${v}\n`).join('')}    spec:\n${extraSpec}      containers:\n      - name: ${name}\n        image: ${name}\n`;

/** The same workload as an OpenShift DeploymentConfig: its selector is a plain label map, not `matchLabels`. */
export const deploymentConfig = (name: string, ns: string, labels: Record<string, string>, extraSpec = '') =>
  `apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector:\n${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}\n`).join('')}  template:\n    metadata:\n      labels:\n${Object.entries(labels).map(([k, v]) => `        ${k}: ${v}\n`).join('')}    spec:\n${extraSpec}      containers:\n      - name: ${name}\n        image: ${name}\n`;

export const namespace = (name: string, labels = '') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${labels ? `  labels:\n${labels}` : ''}`;

/** An AuthorizationPolicy with one rule; `from` and `to` are YAML lines at the source/operation level. */
export const ap = (ns: string, opts: { source?: string; operation?: string; selector?: Record<string, string>; name?: string } = {}) =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${opts.name ?? 'policy'}\n  namespace: ${ns}\nspec:\n${
    opts.selector ? `  selector:\n    matchLabels:\n${Object.entries(opts.selector).map(([k, v]) => `      ${k}: ${v}\n`).join('')}` : ''
  }${opts.source || opts.operation ? '  rules:\n  - ' : ''}${opts.source ? `from:\n    - source:\n        ${opts.source}\n` : ''}${opts.operation ? `${opts.source ? '    ' : ''}to:\n    - operation:\n        ${opts.operation}\n` : ''}`;

export const service = (name: string, ns: string, ports = '  - name: http\n    port: 80\n', selector = `    app: ${name}\n`) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector:\n${selector}  ports:\n${ports}`;

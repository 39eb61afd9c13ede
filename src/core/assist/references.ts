/**
 * Values that name other objects, offered from the workspace index. Every lookup goes through the
 * helpers the analyzers use (mesh.ts, routes.ts, rollouts/model.ts, pod.ts), so that what is
 * offered here is what the reference rules then accept: a Service of another namespace as its
 * FQDN, a ServiceEntry only where it is exported, the subsets of the DestinationRule that applies
 * to the host.
 */
import type { WorkspaceView } from '../analysis/types';
import { DESTINATION_RULE, GATEWAY, lookupHost, registry, RegistryEntry, selectedWorkloads, SERVICE, toFqdn, VIRTUAL_SERVICE, workloadsIn } from '../istio/mesh';
import { destinationRulesFor, destinationScopes, hostAsWritten, isInternalGatewayRef, lookupDestination, resolveGateway, rulesOf, specOf } from '../istio/routes';
import type { K8sObject } from '../k8s/object';
import { containersOf } from '../k8s/pod';
import { argDecls } from '../rollouts/analysis';
import { ANALYSIS_TEMPLATE, CLUSTER_ANALYSIS_TEMPLATE, findObject, list, namesIn, rec, ROLLOUT, str } from '../rollouts/model';
import { formatPath, FieldPath, PathSegment } from '../yaml/path';
import { CursorContext, valueAt } from './context';
import type { CompletionItem } from './types';

type Offer = Omit<CompletionItem, 'kind' | 'replaceRange'>;

/** What a reference names: the object, and where in it the named thing is written. */
export interface Target {
  kind: 'service' | 'serviceEntry' | 'gateway' | 'virtualService' | 'destinationRule' | 'subset' | 'route' | 'port' | 'template' | 'arg' | 'containerPort' | 'workload';
  object: K8sObject;
  /** The object's `metadata.name` value, or the entry (subset, route, port, argument, host) it names. */
  path: FieldPath;
}

/**
 * One place that holds a reference: the cursor, or a scalar of an indexed object when searching for
 * references. Resolvers read other fields of the object through `valueAt`, like the offers do.
 */
export type Site = Pick<CursorContext, 'object' | 'textValues' | 'path' | 'mapPath'> & { value: string };

export interface Resolved {
  targets: Target[];
  /** Said instead of "not found" when the reference names nothing on purpose (`mesh`). */
  note?: string;
  /** What the value should name (the table entry's `names`). */
  names?: string;
}

interface Provider {
  /** `group/Kind` of the objects it applies to; undefined for any kind. */
  kinds?: readonly string[];
  target: 'key' | 'value';
  /** Matched against the shape of the path (`key`: the mapping's path): `.spec.http[].route[].destination.host`. */
  path: RegExp;
  /** The candidates for completion. */
  offer(ctx: CursorContext, ws: WorkspaceView, ns: string): Offer[];
  /** What the value names, for "no such …" when it resolves to nothing: `a Service in this namespace`. */
  names?: string;
  /** What the value at a site names (hover, definition, references); absent where nothing is named. */
  resolve?(site: Site, ws: WorkspaceView, ns: string): Resolved;
}

const found = (targets: Target[]): Resolved => ({ targets });
const objectTarget = (kind: Target['kind'], o: K8sObject | undefined): Target[] => (o ? [{ kind, object: o, path: ['metadata', 'name'] }] : []);

function entryTargets(entries: readonly RegistryEntry[]): Target[] {
  const seen = new Set<string>();
  return entries.flatMap((e) => {
    const key = `${e.object.id}|${formatPath(e.path)}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ kind: e.object.kind === 'Service' ? ('service' as const) : ('serviceEntry' as const), object: e.object, path: e.path }];
  });
}

/** A path with its indices dropped, for matching: `.spec.http[].route[]`. */
export function pathShape(path: FieldPath): string {
  return path.map((s) => (typeof s === 'number' ? '[]' : `.${s}`)).join('');
}

const VS = [VIRTUAL_SERVICE];
const DEST = String.raw`\.spec\.(?:(?:http|tcp|tls)\[\]\.route\[\]\.destination|http\[\]\.mirror|http\[\]\.mirrors\[\]\.destination)`;
const CANARY = String.raw`\.spec\.strategy\.canary`;
const ISTIO = String.raw`${CANARY}\.trafficRouting\.istio`;
const ANALYSIS = String.raw`\.spec\.strategy\.(?:canary\.analysis|canary\.steps\[\]\.analysis|blueGreen\.(?:pre|post)PromotionAnalysis)`;
const EXPERIMENT_ANALYSIS = String.raw`${CANARY}\.steps\[\]\.experiment\.analyses\[\]`;
const PROBE_PORT = /\.(?:containers|initContainers)\[\]\.(?:livenessProbe|readinessProbe|startupProbe)\.(?:httpGet|tcpSocket|grpc)\.port$/;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The other items of the list the cursor's item is in: a list rarely names the same thing twice. */
function otherItems(ctx: CursorContext): Set<string> {
  const path = ctx.path;
  const index = path[path.length - 1];
  const items = valueAt(ctx, path.slice(0, -1));
  const out = new Set<string>();
  if (Array.isArray(items)) items.forEach((v, i) => i !== index && typeof v === 'string' && out.add(v));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Istio

/** Which entries of the registry a VirtualService may route to: the test of `lookupDestination`. */
function destinationVisible(vs: K8sObject | undefined, ns: string): (e: RegistryEntry) => boolean {
  const scopes = vs ? destinationScopes(vs) : [ns];
  return (e) => e.exportTo.includes('*') || scopes.some((s) => e.exportTo.includes(s));
}

/** Hosts as they are best written from the namespace: short names of its own Services first, then FQDNs. */
function hostOffers(ws: WorkspaceView, ns: string, visible: (e: RegistryEntry) => boolean): Offer[] {
  const seen = new Map<string, Offer & { rank: number }>();
  for (const e of registry(ws).entries) {
    if (e.host.startsWith('*') || !visible(e)) continue;
    const label = hostAsWritten(e.host, ns);
    if (seen.has(label)) continue;
    const ports = e.ports.map((p) => (p.name ? `${p.number}/${p.name}` : String(p.number))).join(', ');
    seen.set(label, {
      label,
      rank: label.includes('.') ? 1 : 0,
      detail: `${e.object.kind} ${e.object.namespace}/${e.object.name ?? ''}`,
      documentation: ports ? `${e.host}\n\nPorts: ${ports}` : e.host,
    });
  }
  return [...seen.values()].sort((a, b) => a.rank - b.rank || byName(a.label, b.label)).map(({ rank: _rank, ...o }) => o);
}

function destinationHost(ctx: Pick<CursorContext, 'object' | 'textValues' | 'mapPath'>): string | undefined {
  return str(valueAt(ctx, [...ctx.mapPath, 'host']));
}

const istio: Provider[] = [
  {
    kinds: VS,
    target: 'value',
    path: new RegExp(`${DEST}\\.host$`),
    offer: (ctx, ws, ns) => hostOffers(ws, ns, destinationVisible(ctx.object, ns)),
    names: 'a Service or ServiceEntry host visible to this VirtualService',
    resolve: (site, ws) => found(site.object ? entryTargets(lookupDestination(ws, site.value, site.object)) : []),
  },
  {
    kinds: [DESTINATION_RULE],
    target: 'value',
    path: /^\.spec\.host$/,
    offer: (_ctx, ws, ns) => hostOffers(ws, ns, (e) => e.exportTo.includes('*') || e.exportTo.includes(ns)),
    names: 'a Service or ServiceEntry host visible from this namespace',
    resolve: (site, ws, ns) => found(entryTargets(lookupHost(registry(ws), toFqdn(site.value, ns), ns))),
  },
  {
    kinds: VS,
    target: 'value',
    path: new RegExp(`${DEST}\\.subset$`),
    offer: (ctx, ws, ns) => {
      const host = destinationHost(ctx);
      if (!host) return [];
      return destinationRulesFor(ws, toFqdn(host, ns)).flatMap((d) =>
        d.subsets.map((s) => ({
          label: s.name,
          detail: `DestinationRule ${d.dr.namespace}/${d.dr.name ?? ''}`,
          documentation: Object.entries(s.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', '),
        })),
      );
    },
    names: 'a subset of the DestinationRule for this host',
    resolve: (site, ws, ns) => {
      const host = destinationHost(site);
      if (!host) return found([]);
      return found(
        destinationRulesFor(ws, toFqdn(host, ns)).flatMap((d) =>
          d.subsets.filter((s) => s.name === site.value).map((s) => ({ kind: 'subset' as const, object: d.dr, path: ['spec', 'subsets', s.index] })),
        ),
      );
    },
  },
  {
    kinds: VS,
    // `port:` with only `number` under it is written both ways: `port: {number: 9080}` and block style.
    target: 'value',
    path: new RegExp(`${DEST}\\.port\\.number$`),
    offer: (ctx, ws) => {
      const host = str(valueAt(ctx, [...ctx.mapPath.slice(0, -1), 'host']));
      if (!host || !ctx.object) return [];
      const seen = new Set<number>();
      return lookupDestination(ws, host, ctx.object).flatMap((e) =>
        e.ports.flatMap((p) => {
          if (seen.has(p.number)) return [];
          seen.add(p.number);
          return [{ label: String(p.number), detail: [p.name, p.protocol].filter(Boolean).join(' ') || undefined, documentation: `${e.object.kind} ${e.object.namespace}/${e.object.name ?? ''}` }];
        }),
      );
    },
    names: 'a port of this destination host',
    resolve: (site, ws) => {
      const host = str(valueAt(site, [...site.mapPath.slice(0, -1), 'host']));
      if (!host || !site.object) return found([]);
      const seen = new Set<string>();
      return found(
        lookupDestination(ws, host, site.object).flatMap((e) =>
          e.ports.flatMap((p) => {
            const key = `${e.object.id}|${p.number}`;
            if (String(p.number) !== site.value || seen.has(key)) return [];
            seen.add(key);
            return [{ kind: 'port' as const, object: e.object, path: p.path }];
          }),
        ),
      );
    },
  },
  {
    kinds: VS,
    target: 'value',
    path: /^\.spec(?:\.(?:http|tcp|tls)\[\]\.match\[\])?\.gateways\[\]$/,
    offer: (ctx, ws, ns) => {
      const taken = otherItems(ctx);
      const gateways = ws
        .objectsOfKind(GATEWAY)
        .filter((g) => g.name && !isInternalGatewayRef(g.name))
        .map((g) => ({ g, label: `${g.namespace}/${g.name}` }))
        .sort((a, b) => Number(a.g.namespace !== ns) - Number(b.g.namespace !== ns) || byName(a.label, b.label));
      const out: Offer[] = [];
      const seen = new Set<string>();
      for (const { g, label } of gateways) {
        if (taken.has(label) || seen.has(label)) continue;
        seen.add(label);
        const hosts = list(specOf(g).servers).flatMap((s) => list(rec(s)?.hosts).filter((h): h is string => typeof h === 'string'));
        out.push({ label, detail: `Gateway ${label}`, documentation: hosts.length ? `Hosts: ${[...new Set(hosts)].join(', ')}` : undefined });
      }
      if (!taken.has('mesh')) out.push({ label: 'mesh', detail: 'the sidecars of the mesh' });
      return out;
    },
    names: 'a Gateway',
    resolve: (site, ws, ns) => {
      const r = resolveGateway(ws, site.value, ns);
      if (!r) return { targets: [], note: '`mesh`: the sidecars of the mesh, not a Gateway object' };
      return found(r.found.flatMap((g) => objectTarget('gateway', g)));
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Argo Rollouts

function names(ws: WorkspaceView, groupKind: string, ns: string, kind: string): Offer[] {
  return [...namesIn(ws, groupKind, ns)].sort(byName).map((n) => ({ label: n, detail: ns ? `${kind} ${ns}/${n}` : `${kind} ${n}` }));
}

/** `name` or `name.namespace`, the way the controller reads a VirtualService reference. */
function splitRef(full: string, ns: string): [string, string] {
  const dot = full.indexOf('.');
  return dot >= 0 ? [full.slice(0, dot), full.slice(dot + 1)] : [full, ns];
}

/** The templates an analysis (a `templates` list, or an experiment's single `templateName`) names. */
function templatesOf(holder: unknown): Array<{ name: string; cluster: boolean }> {
  const h = rec(holder);
  if (!h) return [];
  if (str(h.templateName)) return [{ name: str(h.templateName)!, cluster: h.clusterScope === true }];
  return list(h.templates).flatMap((t) => {
    const name = str(rec(t)?.templateName);
    return name ? [{ name, cluster: rec(t)?.clusterScope === true }] : [];
  });
}

const rollouts: Provider[] = [
  {
    kinds: [ROLLOUT],
    target: 'value',
    path: new RegExp(`^(?:${CANARY}\\.(?:canaryService|stableService)|${CANARY}\\.pingPong\\.(?:pingService|pongService)|\\.spec\\.strategy\\.blueGreen\\.(?:activeService|previewService))$`),
    offer: (_ctx, ws, ns) => names(ws, SERVICE, ns, 'Service'),
    names: 'a Service in this namespace',
    resolve: (site, ws, ns) => found(objectTarget('service', findObject(ws, SERVICE, ns, site.value))),
  },
  {
    kinds: [ROLLOUT],
    target: 'value',
    path: new RegExp(`^${ISTIO}\\.(?:virtualService|virtualServices\\[\\])\\.name$`),
    offer: (_ctx, ws, ns) => {
      // Others namespaces' VirtualServices are written `name.namespace`.
      const others = ws
        .objectsOfKind(VIRTUAL_SERVICE)
        .filter((v) => v.name && v.namespace !== ns)
        .map((v) => ({ label: `${v.name}.${v.namespace}`, detail: `VirtualService ${v.namespace}/${v.name}` }))
        .sort((a, b) => byName(a.label, b.label));
      return [...names(ws, VIRTUAL_SERVICE, ns, 'VirtualService'), ...others];
    },
    names: 'a VirtualService',
    resolve: (site, ws, ns) => {
      const [name, vsNs] = splitRef(site.value, ns);
      return found(objectTarget('virtualService', findObject(ws, VIRTUAL_SERVICE, vsNs, name)));
    },
  },
  {
    kinds: [ROLLOUT],
    target: 'value',
    path: new RegExp(`^${ISTIO}\\.(?:virtualService|virtualServices\\[\\])\\.routes\\[\\]$`),
    offer: (ctx, ws, ns) => {
      const ref = str(valueAt(ctx, [...ctx.path.slice(0, -2), 'name']));
      if (!ref) return [];
      const [name, vsNs] = splitRef(ref, ns);
      const vs = findObject(ws, VIRTUAL_SERVICE, vsNs, name);
      if (!vs) return [];
      const taken = otherItems(ctx);
      return rulesOf(vs, 'http').flatMap(({ rule, index }) => {
        const route = str(rule.name);
        return route && !taken.has(route) ? [{ label: route, detail: `VirtualService ${vs.namespace}/${name} spec.http[${index}]` }] : [];
      });
    },
    names: 'an HTTP route of that VirtualService',
    resolve: (site, ws, ns) => {
      const ref = str(valueAt(site, [...site.path.slice(0, -2), 'name']));
      if (!ref) return found([]);
      const [name, vsNs] = splitRef(ref, ns);
      const vs = findObject(ws, VIRTUAL_SERVICE, vsNs, name);
      if (!vs) return found([]);
      return found(rulesOf(vs, 'http').flatMap(({ rule, index }) => (str(rule.name) === site.value ? [{ kind: 'route' as const, object: vs, path: ['spec', 'http', index] }] : [])));
    },
  },
  {
    kinds: [ROLLOUT],
    target: 'value',
    path: new RegExp(`^${ISTIO}\\.destinationRule\\.name$`),
    offer: (_ctx, ws, ns) => names(ws, DESTINATION_RULE, ns, 'DestinationRule'),
    names: 'a DestinationRule in this namespace',
    resolve: (site, ws, ns) => found(objectTarget('destinationRule', findObject(ws, DESTINATION_RULE, ns, site.value))),
  },
  {
    kinds: [ROLLOUT],
    target: 'value',
    path: new RegExp(`^${ISTIO}\\.destinationRule\\.(?:canarySubsetName|stableSubsetName)$`),
    offer: (ctx, ws, ns) => {
      const name = str(valueAt(ctx, [...ctx.mapPath, 'name']));
      const dr = name ? findObject(ws, DESTINATION_RULE, ns, name) : undefined;
      if (!dr) return [];
      return list(specOf(dr).subsets).flatMap((s) => {
        const subset = str(rec(s)?.name);
        return subset ? [{ label: subset, detail: `DestinationRule ${dr.namespace}/${name}` }] : [];
      });
    },
    names: 'a subset of that DestinationRule',
    resolve: (site, ws, ns) => {
      const name = str(valueAt(site, [...site.mapPath, 'name']));
      const dr = name ? findObject(ws, DESTINATION_RULE, ns, name) : undefined;
      if (!dr) return found([]);
      return found(list(specOf(dr).subsets).flatMap((s, index) => (str(rec(s)?.name) === site.value ? [{ kind: 'subset' as const, object: dr, path: ['spec', 'subsets', index] }] : [])));
    },
  },
  {
    kinds: [ROLLOUT],
    target: 'value',
    path: new RegExp(`^(?:${ANALYSIS}\\.templates\\[\\]|${EXPERIMENT_ANALYSIS})\\.templateName$`),
    offer: (ctx, ws, ns) => {
      const cluster = valueAt(ctx, [...ctx.mapPath, 'clusterScope']) === true;
      const kind = cluster ? CLUSTER_ANALYSIS_TEMPLATE : ANALYSIS_TEMPLATE;
      const tns = cluster ? '' : ns;
      return names(ws, kind, tns, cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate').map((o) => {
        const t = findObject(ws, kind, tns, o.label);
        const args = t ? argDecls(rec(t.body.spec)).map((a) => a.name) : [];
        return args.length ? { ...o, documentation: `Args: ${args.join(', ')}` } : o;
      });
    },
    names: 'an analysis template',
    resolve: (site, ws, ns) => {
      const cluster = valueAt(site, [...site.mapPath, 'clusterScope']) === true;
      return found(objectTarget('template', findObject(ws, cluster ? CLUSTER_ANALYSIS_TEMPLATE : ANALYSIS_TEMPLATE, cluster ? '' : ns, site.value)));
    },
  },
  {
    kinds: [ROLLOUT],
    target: 'value',
    path: new RegExp(`^(?:${ANALYSIS}|${EXPERIMENT_ANALYSIS})\\.args\\[\\]\\.name$`),
    offer: (ctx, ws, ns) => {
      const holderPath = ctx.path.slice(0, -3);
      const argIndex = ctx.path[ctx.path.length - 2];
      const given = new Set(list(valueAt(ctx, [...holderPath, 'args'])).flatMap((a, i) => (i !== argIndex && str(rec(a)?.name) ? [str(rec(a)?.name)!] : [])));
      const rows: Array<Offer & { required: boolean }> = [];
      const seen = new Set<string>();
      for (const t of templatesOf(valueAt(ctx, holderPath))) {
        const template = findObject(ws, t.cluster ? CLUSTER_ANALYSIS_TEMPLATE : ANALYSIS_TEMPLATE, t.cluster ? '' : ns, t.name);
        for (const a of template ? argDecls(rec(template.body.spec)) : []) {
          if (given.has(a.name) || seen.has(a.name)) continue;
          seen.add(a.name);
          rows.push({
            label: a.name,
            required: !a.hasValue,
            detail: a.hasValue ? (a.value !== undefined ? `default: ${a.value}` : 'optional') : 'required',
            documentation: `Argument of ${t.cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} ${t.name}`,
          });
        }
      }
      // Stable sort: the arguments the analysis must supply first, each group in declaration order.
      return rows.sort((a, b) => Number(b.required) - Number(a.required)).map(({ required: _required, ...o }) => o);
    },
    names: 'an argument of the analysis templates',
    resolve: (site, ws, ns) => {
      const targets: Target[] = [];
      for (const t of templatesOf(valueAt(site, site.path.slice(0, -3)))) {
        const template = findObject(ws, t.cluster ? CLUSTER_ANALYSIS_TEMPLATE : ANALYSIS_TEMPLATE, t.cluster ? '' : ns, t.name);
        const a = template ? argDecls(rec(template.body.spec)).find((d) => d.name === site.value) : undefined;
        if (template && a) targets.push({ kind: 'arg', object: template, path: ['spec', 'args', a.index] });
      }
      return found(targets);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Workloads

const SELECTOR_MAPS: Array<{ kinds?: readonly string[]; path: RegExp }> = [
  { kinds: [SERVICE, GATEWAY], path: /^\.spec\.selector$/ },
  { path: /^\.spec\.selector\.matchLabels$/ },
  { path: /^\.spec\.workloadSelector\.labels$/ },
];

/** Pod labels of the workloads in the namespace: key -> value -> the workloads that carry it. */
function podLabels(ws: WorkspaceView, ns: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const w of workloadsIn(ws, ns)) {
    for (const [k, v] of Object.entries(w.labels)) {
      let values = out.get(k);
      if (!values) out.set(k, (values = new Map()));
      const refs = values.get(v) ?? [];
      refs.push(w.object.ref);
      values.set(v, refs);
    }
  }
  return out;
}

const workloads: Provider[] = [
  {
    target: 'value',
    path: PROBE_PORT,
    offer: (ctx) => {
      if (!ctx.object) return [];
      const containerPath = formatPath(ctx.path.slice(0, -3));
      const c = containersOf(ctx.object).find((x) => formatPath(x.path) === containerPath);
      if (!c) return [];
      // gRPC probes take a number only; named ports survive renumbering, so they come first elsewhere.
      const grpc = ctx.path[ctx.path.length - 2] === 'grpc';
      const named = grpc ? [] : c.ports.flatMap((p) => (p.name ? [{ label: p.name, detail: `port ${p.number ?? '?'}/${p.protocol}`, documentation: `Port of container ${c.name}` }] : []));
      const numbers = c.ports.flatMap((p) => (p.number !== undefined ? [{ label: String(p.number), detail: p.name ? `${p.name}/${p.protocol}` : p.protocol, documentation: `Port of container ${c.name}` }] : []));
      return [...named, ...numbers];
    },
    names: 'a port of this container',
    resolve: (site) => {
      if (!site.object) return found([]);
      const containerPath = formatPath(site.path.slice(0, -3));
      const c = containersOf(site.object).find((x) => formatPath(x.path) === containerPath);
      const p = c?.ports.find((x) => x.name === site.value || String(x.number) === site.value);
      return found(c && p ? [{ kind: 'containerPort', object: site.object, path: [...c.path, 'ports', p.index] }] : []);
    },
  },
  ...SELECTOR_MAPS.map(
    (m): Provider => ({
      kinds: m.kinds,
      target: 'key',
      path: m.path,
      offer: (ctx, ws, ns) => {
        const have = new Set(ctx.siblingKeys);
        return [...podLabels(ws, ns)]
          .filter(([k]) => !have.has(k))
          .sort(([a], [b]) => byName(a, b))
          .map(([k, values]) => ({ label: k, detail: `label: ${[...values.keys()].sort(byName).join(', ')}`, insertText: ctx.hasColon ? k : `${k}: ` }));
      },
    }),
  ),
  ...SELECTOR_MAPS.map(
    (m): Provider => ({
      kinds: m.kinds,
      target: 'value',
      path: new RegExp(m.path.source.replace(/\$$/, String.raw`\.[^[]+$`)),
      offer: (ctx, ws, ns) => {
        const key = ctx.path[ctx.path.length - 1];
        const values = typeof key === 'string' ? podLabels(ws, ns).get(key) : undefined;
        return [...(values ?? [])].sort(([a], [b]) => byName(a, b)).map(([v, refs]) => ({ label: v, detail: refs.join(', ') }));
      },
      // The selector as a whole picks the workloads: each label narrows it, so all of them are read.
      names: 'a workload in this namespace',
      resolve: (site, ws, ns) => {
        const key = site.path[site.path.length - 1];
        const selector = rec(valueAt(site, site.mapPath));
        if (!selector || typeof key !== 'string') return found([]);
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(selector)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') labels[k] = String(v);
        return found(selectedWorkloads(ws, labels, ns).map((w) => ({ kind: 'workload' as const, object: w.object, path: [...w.templatePath, 'metadata', 'labels', key] })));
      },
    }),
  ),
];

const PROVIDERS: readonly Provider[] = [...istio, ...rollouts, ...workloads];

function providerFor(groupKind: string, target: 'key' | 'value', path: FieldPath): Provider | undefined {
  const shape = pathShape(path);
  return PROVIDERS.find((p) => p.target === target && (!p.kinds || p.kinds.includes(groupKind)) && p.path.test(shape));
}

/** The reference items at the cursor; empty where the field names no other object. */
export function referenceItems(ctx: CursorContext, ws: WorkspaceView): CompletionItem[] {
  const h = ctx.header;
  if (!h) return [];
  const p = providerFor(`${h.group}/${h.kind}`, ctx.target, ctx.target === 'key' ? ctx.mapPath : ctx.path);
  const range = { start: ctx.token.start, end: ctx.token.end };
  return p ? p.offer(ctx, ws, h.namespace).map((o) => ({ ...o, kind: 'reference' as const, replaceRange: range })) : [];
}

/** What the value at the cursor names; undefined where the field is not a reference (or the cursor is on a key). */
export function resolveAtCursor(ctx: CursorContext, ws: WorkspaceView): Resolved | undefined {
  const h = ctx.header;
  if (!h || ctx.target !== 'value') return undefined;
  const p = providerFor(`${h.group}/${h.kind}`, 'value', ctx.path);
  if (!p?.resolve) return undefined;
  const v = valueAt(ctx, ctx.path);
  const value = typeof v === 'string' || typeof v === 'number' ? String(v) : ctx.token.text;
  if (!value) return undefined;
  return { names: p.names, ...p.resolve({ ...ctx, value }, ws, h.namespace) };
}

/** A reference written in an indexed object: where, and what it names. */
export interface ReferenceSite {
  object: K8sObject;
  path: FieldPath;
  targets: Target[];
}

/**
 * Every reference an object holds, found by walking its scalars through the same table. Objects
 * of kinds no kind-specific entry covers are still walked for probe ports and selectors.
 */
export function referencesIn(object: K8sObject, ws: WorkspaceView): ReferenceSite[] {
  const gk = `${object.group}/${object.kind}`;
  const candidates = PROVIDERS.filter((p) => p.resolve && p.target === 'value' && (!p.kinds || p.kinds.includes(gk)));
  const out: ReferenceSite[] = [];
  const textValues = new Map<string, string>();
  // One path array, grown and shrunk along the walk: a workspace search visits every scalar.
  const path: PathSegment[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        path.push(k);
        walk(x);
        path.pop();
      }
    } else if (typeof v === 'string' || typeof v === 'number') {
      const shape = pathShape(path);
      const p = candidates.find((c) => c.path.test(shape));
      if (!p) return;
      const at = [...path];
      const r = p.resolve!({ object, textValues, path: at, mapPath: at.slice(0, -1), value: String(v) }, ws, object.namespace);
      out.push({ object, path: at, targets: r.targets });
    }
  };
  // Every entry of the table is under `spec`; metadata and status hold no references.
  const spec = object.body.spec;
  if (candidates.length && spec && typeof spec === 'object') {
    path.push('spec');
    walk(spec);
  }
  return out;
}


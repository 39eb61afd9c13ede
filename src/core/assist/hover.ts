/**
 * Hover: on a reference, what it resolves to (through the same table as completion and
 * definition) with a link to it; on any field, its description from the catalog.
 */
import type { ManifestEngine } from '../analysis/engine';
import type { WorkspaceView } from '../analysis/types';
import { clusterLocalNamespace } from '../istio/routes';
import { lookupHost, registry, selectedWorkloads, toFqdn } from '../istio/mesh';
import type { K8sObject } from '../k8s/object';
import { argDecls } from '../rollouts/analysis';
import { rolloutEstimateOf } from '../rollouts/estimate';
import { at, list, rec, Rec, str, stringMap } from '../rollouts/model';
import type { WorkspaceIndex } from '../workspace/index';
import { locatePath } from '../yaml/locate';
import type { PathSegment } from '../yaml/path';
import type { CursorContext, Span } from './context';
import { schemaAt, typeLabel } from './fields';
import type { Hover } from './index';
import { cursorAt, targetLocation } from './navigate';
import { resolveAtCursor, Target } from './references';

const code = (s: string | number) => `\`${String(s).replace(/`/g, "'")}\``;
const labelList = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => code(`${k}=${v}`))
    .join(', ') || '(none)';

function field(ctx: CursorContext): string | undefined {
  const path = ctx.path;
  const node = schemaAt(ctx, path);
  if (!node) return undefined;
  const key = [...path].reverse().find((s): s is string => typeof s === 'string');
  const parent = path.length ? schemaAt(ctx, path.slice(0, -1)) : undefined;
  const required = typeof path[path.length - 1] === 'string' && parent?.r?.includes(path[path.length - 1] as string);
  const head = [key ? `**${key}**` : undefined, code(typeLabel(node)), required ? 'required' : undefined, node.dep ? 'deprecated' : undefined].filter(Boolean).join(' · ');
  const parts = [head];
  if (node.d) parts.push(node.d);
  if (node.e) parts.push(`Values: ${node.e.map(code).join(', ')}`);
  if (node.dep && node.dep !== node.d) parts.push(`Deprecated: ${node.dep}`);
  const fields = node.t === 'object' && node.p ? Object.keys(node.p) : [];
  if (ctx.target === 'key' && fields.length) parts.push(`Fields: ${fields.map(code).join(', ')}`);
  return parts.join('\n\n');
}

function ports(raw: unknown, numberKey: 'port' | 'number'): string {
  return (
    list(raw)
      .map((p) => {
        const r = rec(p);
        const n = r?.[numberKey];
        if (n === undefined) return undefined;
        const extra = [str(r?.name), str(r?.protocol), r?.targetPort !== undefined ? `→ ${String(r.targetPort)}` : undefined].filter(Boolean).join(' ');
        return code(extra ? `${String(n)} ${extra}` : String(n));
      })
      .filter(Boolean)
      .join(', ') || '(none)'
  );
}

function selects(ws: WorkspaceView, selector: Record<string, string>, ns: string): string {
  const found = Object.keys(selector).length ? selectedWorkloads(ws, selector, ns) : [];
  return found.length ? found.map((w) => w.object.ref).join(', ') : 'no workload in the workspace';
}

function spec(o: K8sObject): Rec {
  return rec(o.body.spec) ?? {};
}

/** The pods a subset picks: the labels of the Service behind the DestinationRule's host, plus the subset's own. */
function subsetWorkloads(ws: WorkspaceView, dr: K8sObject, labels: Record<string, string>): string {
  const host = str(spec(dr).host);
  const fqdn = host ? toFqdn(host, dr.namespace) : undefined;
  const ns = (fqdn && clusterLocalNamespace(fqdn)) ?? dr.namespace;
  const service = fqdn ? lookupHost(registry(ws), fqdn, dr.namespace).find((e) => e.object.kind === 'Service') : undefined;
  return selects(ws, { ...stringMap(service ? spec(service.object).selector : undefined), ...labels }, ns);
}

function describe(t: Target, ws: WorkspaceView): string {
  const o = t.object;
  const s = spec(o);
  const item = rec(at(o.body, t.path));
  const index = t.path[t.path.length - 1] as PathSegment;
  switch (t.kind) {
    case 'service':
      return [`**${o.ref}**`, `Ports: ${ports(s.ports, 'port')}`, `Selector: ${labelList(stringMap(s.selector))}`, `Selects: ${selects(ws, stringMap(s.selector), o.namespace)}`].join('\n\n');
    case 'serviceEntry':
      return [
        `**${o.ref}**`,
        `Hosts: ${list(s.hosts).map((h) => code(String(h))).join(', ')}`,
        `Ports: ${ports(s.ports, 'number')}`,
        `Location: ${str(s.location) ?? 'MESH_EXTERNAL'} · resolution: ${str(s.resolution) ?? 'NONE'}`,
        `Exported to: ${list(s.exportTo).length ? list(s.exportTo).map((x) => code(String(x))).join(', ') : 'all namespaces'}`,
      ].join('\n\n');
    case 'gateway': {
      const servers = list(s.servers).map((x) => {
        const r = rec(x);
        const port = rec(r?.port);
        const hosts = list(r?.hosts).map((h) => code(String(h))).join(', ');
        return `- port ${String(port?.number ?? '?')}/${str(port?.protocol) ?? '?'}${str(port?.name) ? ` (${str(port?.name)})` : ''}: ${hosts || '(no hosts)'}`;
      });
      return [`**${o.ref}**`, `Selector: ${labelList(stringMap(s.selector))}`, servers.length ? `Servers:\n${servers.join('\n')}` : 'Servers: (none)'].join('\n\n');
    }
    case 'virtualService': {
      const routes = list(s.http).map((r, i) => code(str(rec(r)?.name) ?? `http[${i}]`));
      return [`**${o.ref}**`, `Hosts: ${list(s.hosts).map((h) => code(String(h))).join(', ')}`, `HTTP routes: ${routes.join(', ') || '(none)'}`].join('\n\n');
    }
    case 'destinationRule': {
      const subsets = list(s.subsets).map((x) => code(str(rec(x)?.name) ?? '?'));
      return [`**${o.ref}**`, `Host: ${code(str(s.host) ?? '?')}`, `Subsets: ${subsets.join(', ') || '(none)'}`].join('\n\n');
    }
    case 'subset': {
      const labels = stringMap(item?.labels);
      return [`**Subset ${code(str(item?.name) ?? '?')}** of ${o.ref} (host ${code(str(s.host) ?? '?')})`, `Labels: ${labelList(labels)}`, `Selects: ${subsetWorkloads(ws, o, labels)}`].join('\n\n');
    }
    case 'route': {
      const dests = list(item?.route).map((d) => {
        const dest = rec(rec(d)?.destination);
        const w = rec(d)?.weight;
        return `- ${code(str(dest?.host) ?? '?')}${str(dest?.subset) ? ` subset ${code(str(dest?.subset)!)}` : ''}${w !== undefined ? ` weight ${String(w)}` : ''}`;
      });
      return [`**Route ${code(str(item?.name) ?? `http[${String(index)}]`)}** (http[${String(index)}]) of ${o.ref}`, dests.length ? `Destinations:\n${dests.join('\n')}` : 'Destinations: (none)'].join('\n\n');
    }
    case 'port': {
      const n = item?.port ?? item?.number;
      const extra = [str(item?.name), str(item?.protocol), item?.targetPort !== undefined ? `target port ${String(item.targetPort)}` : undefined].filter(Boolean).join(', ');
      return `**Port ${String(n)}**${extra ? ` (${extra})` : ''} of ${o.ref}`;
    }
    case 'template': {
      const args = argDecls(s).map((a) => `- ${code(a.name)}${a.hasValue ? (a.value !== undefined ? ` = ${code(a.value)}` : ' (from valueFrom)') : ' (required)'}`);
      const metrics = list(s.metrics).map((m) => {
        const r = rec(m);
        const provider = Object.keys(rec(r?.provider) ?? {})[0];
        const cond = str(r?.successCondition);
        return `- ${code(str(r?.name) ?? '?')}${provider ? ` (${provider})` : ''}${cond ? `: ${code(cond)}` : ''}`;
      });
      return [`**${o.ref}**`, args.length ? `Args:\n${args.join('\n')}` : 'Args: (none)', metrics.length ? `Metrics:\n${metrics.join('\n')}` : 'Metrics: (none)'].join('\n\n');
    }
    case 'arg': {
      const a = argDecls(s).find((d) => d.index === index);
      const how = !a ? '' : a.hasValue ? (a.value !== undefined ? `default ${code(a.value)}` : 'from valueFrom') : 'required: the analysis must supply it';
      return `**Argument ${code(a?.name ?? '?')}** of ${o.ref}${how ? ` · ${how}` : ''}`;
    }
    case 'containerPort': {
      const container = str(rec(at(o.body, t.path.slice(0, -2)))?.name);
      return `**Port ${String(item?.containerPort ?? '?')}/${str(item?.protocol) ?? 'TCP'}**${str(item?.name) ? ` ${code(str(item?.name)!)}` : ''} of container ${code(container ?? '?')} in ${o.ref}`;
    }
    case 'workload':
      return `**${o.ref}**: pod labels ${labelList(stringMap(at(o.body, t.path.slice(0, -1))))}`;
  }
}

function link(index: WorkspaceIndex, t: Target): string {
  const l = targetLocation(index, t);
  const line = index.get(l.uri)?.file?.lines.positionAt(l.start).line;
  return `[${t.object.ref}](${l.uri}${line !== undefined ? `#L${line + 1}` : ''})`;
}

export function hover(source: ManifestEngine | WorkspaceIndex, uri: string, offset: number): Hover | undefined {
  const c = cursorAt(source, uri, offset);
  if (!c) return undefined;
  const { ctx, ws, index } = c;
  const range = { start: ctx.token.start, end: ctx.token.end };
  const parts: string[] = [];
  const resolved = resolveAtCursor(ctx, ws);
  const targets = resolved?.targets ?? [];
  if (resolved) {
    const value = code(ctx.token.text);
    if (targets.length) parts.push(...targets.map((t) => `${describe(t, ws)}\n\nDefined in ${link(index, t)}`));
    else parts.push(resolved.note ?? `**Not found:** ${value} should name ${resolved.names ?? 'an object'}, and the workspace has none by that name.`);
  }
  const estimate = ctx.object ? stepsEstimate(ctx.object, ctx.path) : undefined;
  if (estimate) parts.push(estimate);
  const f = field(ctx);
  if (f) parts.push(f);
  // A finding under the cursor: what the rule checks and how to fix it, next to the diagnostic.
  if ('findings' in source) parts.push(...findingsAt(source, uri, offset));
  if (!parts.length) return undefined;
  return { contents: parts.join('\n\n---\n\n'), range, targets: targets.map((t) => targetLocation(index, t)) };
}

/** On a canary's `steps` (or inside them): how long it takes to reach 100% if nothing fails. */
function stepsEstimate(object: K8sObject, path: readonly PathSegment[]): string | undefined {
  const e = rolloutEstimateOf(object);
  if (!e || path.length < e.path.length || e.path.some((seg, i) => path[i] !== seg)) return undefined;
  return `**Rollout time:** ${e.estimate.text}`;
}

function findingsAt(engine: ManifestEngine, uri: string, offset: number): string[] {
  const lines = engine.index.get(uri)?.file?.lines;
  if (!lines) return [];
  const at = lines.positionAt(offset);
  const within = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line < q.line || (p.line === q.line && p.character <= q.character);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of engine.findings(uri)) {
    if (!within(f.range.start, at) || !within(at, f.range.end) || seen.has(f.code)) continue;
    seen.add(f.code);
    const meta = engine.metaOf(f.code);
    if (!meta) continue;
    out.push(`**${meta.code} ${meta.id}**: ${meta.title}\n\n${meta.description}\n\n*How to fix:* ${meta.remediation}`);
  }
  return out;
}

/** A lens text per Rollout of a file with canary steps: where to show it (the `steps` key) and what it says. */
export function rolloutEstimates(index: WorkspaceIndex, uri: string): Array<{ range: Span; text: string }> {
  const entry = index.get(uri);
  if (!entry?.file) return [];
  const out: Array<{ range: Span; text: string }> = [];
  for (const o of entry.objects) {
    const e = rolloutEstimateOf(o);
    if (!e) continue;
    const loc = locatePath(o.doc.node, e.path, 'key');
    if (!loc.exact) continue;
    out.push({ range: { start: loc.start, end: loc.end }, text: e.estimate.text });
  }
  return out;
}

import { DESTINATION_RULE, VIRTUAL_SERVICE } from '../../../istio/mesh';
import { isRecord, K8sObject } from '../../../k8s/object';
import { locatePath } from '../../../yaml/locate';
import { at, findObject, int, list, missingRef, rec, Rec, ROLLOUT, str } from '../../../rollouts/model';
import type { FieldPath } from '../../../yaml/path';
import type { LineIndex } from '../../../yaml/positions';
import { FixSpec, ObjectContext, ObjectReport, ObjectRule } from '../../types';

const ISTIO: FieldPath = ['spec', 'strategy', 'canary', 'trafficRouting', 'istio'];
const SINGLE_ROUTE = 'spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes';

type Protocol = 'HTTP' | 'TLS' | 'TCP';

interface Targets {
  stable: string;
  canary: string;
  /** Subsets instead of Service hosts when the Rollout names a DestinationRule. */
  subsets: boolean;
}

/** Upstream compares a destination host with a Service name up to the first dot (`canary.ns.svc` is `canary`). */
function missingTarget(routeDests: unknown[], t: Targets): 'Stable' | 'Canary' | undefined {
  let stable = false;
  let canary = false;
  for (const d of routeDests) {
    const dest = rec(rec(d)?.destination);
    const v = t.subsets ? str(dest?.subset) : str(dest?.host)?.split('.')[0];
    if (v === t.stable) stable = true;
    if (v === t.canary) canary = true;
  }
  return !stable ? 'Stable' : !canary ? 'Canary' : undefined;
}

function targetText(which: 'Stable' | 'Canary', t: Targets): string {
  const name = which === 'Stable' ? t.stable : t.canary;
  return t.subsets ? `${which} DestinationRule subset '${name}' not found in route` : `${which} Service '${name}' not found in route`;
}

export const rolloutVirtualservice: ObjectRule = {
  meta: {
    id: 'rollout-virtualservice',
    code: 'ML3005',
    severity: 'error',
    scope: 'object',
    kinds: [ROLLOUT, VIRTUAL_SERVICE, DESTINATION_RULE],
    title: 'Istio VirtualService or DestinationRule the Rollout cannot patch',
    description:
      "With `trafficRouting.istio`, the controller shifts traffic by rewriting the weights of the VirtualService's routes. Every route it patches must exist and hold a destination for both the stable and the canary Service (compared up to the first dot of `host`), or for both subsets when a `destinationRule` is named. Without `routes`, the VirtualService must have exactly one HTTP route. `tlsRoutes` and `tcpRoutes` must match a TLS route by port and SNI hosts, a TCP route by port. The DestinationRule must exist and define both subsets. Until this holds the Rollout is stuck with `InvalidSpec`. A VirtualService or DestinationRule in a namespace where the workspace has none of that kind is probably defined elsewhere: the `meshlens.references.unresolved` setting decides how that is reported.",
    remediation: 'Add the missing destination (weight 0) or route to the VirtualService (quick fix), name the route in `routes`, or add the subset to the DestinationRule.',
    messages: {
      missingVs: 'VirtualService "{name}" not found in namespace {namespace}{hint}.',
      noRoutes: 'Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService "{name}".',
      badRoutes: 'Unable to get {protocol} routes for Istio VirtualService "{name}": spec.{field} must be a list of route objects.',
      invalid: 'Istio VirtualService has invalid {protocol} routes. Error: {error}',
      missingDr: 'DestinationRule "{name}" not found in namespace {namespace}{hint}.',
      missingSubset: '{which} subset "{subset}" is not defined in DestinationRule "{name}": the controller cannot send traffic to it.',
    },
    upstream: [
      "Argo Rollouts: Istio VirtualService has invalid HTTP routes. Error: Canary Service 'x' not found in route",
      'Argo Rollouts: Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService',
      "Argo Rollouts: HTTP Route 'x' is not found in the defined Virtual Service.",
    ],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      canaryService: shop-canary\n      stableService: shop-stable\n      trafficRouting:\n        istio:\n          virtualService:\n            name: shop\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: shop\nspec:\n  hosts: [shop]\n  http:\n  - route:\n    - destination:\n        host: shop-stable\n      weight: 100\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      canaryService: shop-canary\n      stableService: shop-stable\n      trafficRouting:\n        istio:\n          virtualService:\n            name: shop\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: shop\nspec:\n  hosts: [shop]\n  http:\n  - route:\n    - destination:\n        host: shop-stable\n      weight: 100\n    - destination:\n        host: shop-canary\n      weight: 0\n',
    },
  },
  check(ctx) {
    const { object } = ctx;
    const istio = rec(at(object.body, ISTIO));
    if (!istio) return;
    const canary = rec(at(object.body, ['spec', 'strategy', 'canary'])) ?? {};
    const managed = new Set(list(rec(canary.trafficRouting)?.managedRoutes).map((r) => str(rec(r)?.name)));
    const dr = rec(istio.destinationRule);
    const t: Targets = dr
      ? {
          stable: str(dr.stableSubsetName) ?? '',
          canary: str(dr.canarySubsetName) ?? '',
          subsets: true,
        }
      : rec(canary.pingPong) && !(str(canary.stableService) && str(canary.canaryService))
        ? // Ping-pong alone swaps two Services in the route; with ALB ping-pong in front of the mesh (upstream e2e), the mesh keeps stable and canary.
          {
            stable: str(rec(canary.pingPong)?.pingService) ?? '',
            canary: str(rec(canary.pingPong)?.pongService) ?? '',
            subsets: false,
          }
        : {
            stable: str(canary.stableService) ?? '',
            canary: str(canary.canaryService) ?? '',
            subsets: false,
          };
    const refs: Array<{ ref: Rec; path: FieldPath }> = [];
    if (rec(istio.virtualService))
      refs.push({
        ref: rec(istio.virtualService)!,
        path: [...ISTIO, 'virtualService'],
      });
    list(istio.virtualServices).forEach((v, i) => rec(v) && refs.push({ ref: rec(v)!, path: [...ISTIO, 'virtualServices', i] }));
    if (refs.length === 0 && !dr) return;
    for (const { ref, path } of refs) {
      const full = str(ref.name);
      if (!full) continue;
      // `name.namespace` names a VirtualService in another namespace (GetVirtualServiceNamespaceName).
      const [name, ns] = full.includes('.') ? [full.slice(0, full.indexOf('.')), full.slice(full.indexOf('.') + 1)] : [full, object.namespace];
      const vs = findObject(ctx.workspace, VIRTUAL_SERVICE, ns, name);
      if (!vs) {
        const miss = missingRef(ctx.workspace, VIRTUAL_SERVICE, ns, name);
        ctx.report({
          messageId: 'missingVs',
          data: {
            name,
            namespace: ns,
            hint: miss.hint,
          },
          path: [...path, 'name'],
          unresolved: miss.unresolved,
        });
        continue;
      }
      if (t.stable && t.canary) checkVirtualService(ctx, vs, ref, [...path, 'name'], t, managed);
    }
    if (dr) checkDestinationRule(ctx, dr, t);
  },
};

function checkVirtualService(ctx: ObjectContext, vs: K8sObject, ref: Rec, namePath: FieldPath, t: Targets, managed: Set<string | undefined>): void {
  const spec = rec(vs.body.spec) ?? {};
  const related = (path: FieldPath, message: string) => [{ object: vs, path, message, target: 'key' as const }];
  const base = { path: namePath };
  const report = (r: Omit<ObjectReport, 'path'>) => ctx.report({ ...base, ...r });
  const lists = {
    http: Array.isArray(spec.http),
    tls: Array.isArray(spec.tls),
    tcp: Array.isArray(spec.tcp),
  };
  if (!lists.http && !lists.tls && !lists.tcp) {
    report({
      messageId: 'noRoutes',
      data: { name: vs.name! },
      related: related(['spec'], `VirtualService ${vs.ref}`),
    });
    return;
  }
  const invalid = (protocol: Protocol, error: string, path: FieldPath, message: string, fixes?: FixSpec[]) =>
    report({
      messageId: 'invalid',
      data: { protocol, error },
      related: related(path, message),
      fixes,
    });
  const vsLines = ctx.linesOf(vs.uri);

  if (lists.http) {
    const http = list(spec.http);
    if (!http.every(isRecord)) {
      report({
        messageId: 'badRoutes',
        data: { protocol: 'HTTP', field: 'http', name: vs.name! },
        related: related(['spec', 'http'], 'these routes'),
      });
    } else {
      const names = list(ref.routes).map((r) => String(r));
      const unmanaged = http.map((r, i) => ({ r, i })).filter(({ r }) => !managed.has(str(r.name)));
      let patched: number[] = [];
      if (names.length === 0) {
        if (unmanaged.length !== 1) invalid('HTTP', SINGLE_ROUTE, ['spec', 'http'], `${unmanaged.length} HTTP routes`);
        else patched = [unmanaged[0].i];
      } else {
        for (const n of names) {
          const i = http.findIndex((r) => str(r.name) === n);
          if (i < 0) {
            invalid(
              'HTTP',
              `HTTP Route '${n}' is not found in the defined Virtual Service.`,
              ['spec', 'http'],
              'the HTTP routes',
              vsLines ? addRouteFix(vs, vsLines, n, t, list(spec.http).length) : undefined,
            );
          } else patched.push(i);
        }
      }
      for (const i of patched) {
        const dests = list(http[i].route);
        const which = missingTarget(dests, t);
        if (which) {
          const routePath: FieldPath = ['spec', 'http', i, 'route'];
          invalid('HTTP', targetText(which, t), routePath, 'the route the controller patches', vsLines ? addDestinationFix(vs, vsLines, routePath, dests, which, t) : undefined);
        }
      }
    }
  }

  if (lists.tls && list(ref.tlsRoutes).length > 0) {
    const tls = list(spec.tls);
    for (const want of list(ref.tlsRoutes).map(rec)) {
      const port = int(want?.port);
      const sni = new Set(list(want?.sniHosts).map(String));
      const i = tls.findIndex((r) =>
        list(rec(r)?.match).some((m) => {
          const hosts = list(rec(m)?.sniHosts).map(String);
          return (port === undefined || int(rec(m)?.port) === port) && hosts.length === sni.size && hosts.every((h) => sni.has(h));
        }),
      );
      if (i < 0) {
        invalid('TLS', 'No matching TLS routes found in the defined Virtual Service.', ['spec', 'tls'], 'the TLS routes');
        continue;
      }
      const which = missingTarget(list(rec(tls[i])?.route), t);
      if (which) invalid('TLS', targetText(which, t), ['spec', 'tls', i, 'route'], 'the route the controller patches');
    }
  }

  if (lists.tcp && list(ref.tcpRoutes).length > 0) {
    const tcp = list(spec.tcp);
    for (const want of list(ref.tcpRoutes).map(rec)) {
      const port = int(want?.port);
      const i = tcp.findIndex((r) => list(rec(r)?.match).some((m) => port === undefined || int(rec(m)?.port) === port));
      if (i < 0) {
        invalid('TCP', 'No matching TCP routes found in the defined Virtual Service.', ['spec', 'tcp'], 'the TCP routes');
        continue;
      }
      const which = missingTarget(list(rec(tcp[i])?.route), t);
      if (which) invalid('TCP', targetText(which, t), ['spec', 'tcp', i, 'route'], 'the route the controller patches');
    }
  }
}

function checkDestinationRule(ctx: ObjectContext, dr: Rec, t: Targets): void {
  const { object } = ctx;
  const name = str(dr.name);
  if (!name) return;
  const target = findObject(ctx.workspace, DESTINATION_RULE, object.namespace, name);
  const path: FieldPath = [...ISTIO, 'destinationRule'];
  if (!target) {
    const miss = missingRef(ctx.workspace, DESTINATION_RULE, object.namespace, name);
    ctx.report({
      messageId: 'missingDr',
      data: {
        name,
        namespace: object.namespace,
        hint: miss.hint,
      },
      path: [...path, 'name'],
      unresolved: miss.unresolved,
    });
    return;
  }
  const subsets = new Set(list(at(target.body, ['spec', 'subsets'])).map((s) => str(rec(s)?.name)));
  for (const [which, field, subset] of [
    ['Stable', 'stableSubsetName', t.stable],
    ['Canary', 'canarySubsetName', t.canary],
  ] as const) {
    if (subset && !subsets.has(subset)) {
      ctx.report({
        messageId: 'missingSubset',
        data: { which, subset, name },
        path: [...path, field],
        related: [
          {
            object: target,
            path: ['spec', 'subsets'],
            message: `the subsets of ${target.ref}`,
          },
        ],
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Quick fixes: edits in the VirtualService's file, at the indentation its own items use.

/** The column of the `-` of a block sequence item, or undefined for flow sequences and odd layouts. */
function dashColumn(lines: LineIndex, itemStart: number): number | undefined {
  const pos = lines.positionAt(itemStart);
  const before = lines.lineText(pos.line).slice(0, pos.character);
  const m = /^(\s*)-\s+$/.exec(before);
  return m ? m[1].length : undefined;
}

/** Where a new item goes after the node ending at `end`: the next line's start (or the end of a last line, after a newline). */
function lineAfter(lines: LineIndex, end: number): { at: number; prefix: string } {
  const pos = lines.positionAt(Math.max(0, end - 1));
  const lineEnd = lines.lineEnd(pos.line);
  const eol = lines.slice(lineEnd, lineEnd + 2);
  if (eol === '') return { at: lineEnd, prefix: '\n' };
  return { at: lineEnd + (eol.startsWith('\r\n') ? 2 : 1), prefix: '' };
}

function destinationYaml(ind: string, host: string, subset: string | undefined, weight: number): string {
  return `${ind}- destination:\n${ind}    host: ${host}\n${subset ? `${ind}    subset: ${subset}\n` : ''}${ind}  weight: ${weight}\n`;
}

function addDestinationFix(vs: K8sObject, lines: LineIndex, routePath: FieldPath, dests: unknown[], which: 'Stable' | 'Canary', t: Targets): FixSpec[] {
  if (dests.length === 0) return [];
  const last = locatePath(vs.doc.node, [...routePath, dests.length - 1], 'key');
  if (!last.exact) return [];
  const col = dashColumn(lines, last.start);
  if (col === undefined) return [];
  const name = which === 'Stable' ? t.stable : t.canary;
  const host = t.subsets ? str(rec(rec(dests[0])?.destination)?.host) : name;
  if (!host) return [];
  const { at, prefix } = lineAfter(lines, last.end);
  // Weight 0: the route keeps sending what it sends today; the controller sets the weights.
  const what = t.subsets ? `subset ${name}` : `Service ${name}`;
  return [
    {
      title: `Add a destination for the ${which.toLowerCase()} ${what} (weight 0) to VirtualService ${vs.name}`,
      preferred: false,
      edits: [
        {
          uri: vs.uri,
          start: at,
          end: at,
          newText: prefix + destinationYaml(' '.repeat(col), host, t.subsets ? name : undefined, which === 'Stable' ? 100 : 0),
        },
      ],
    },
  ];
}

function addRouteFix(vs: K8sObject, lines: LineIndex, routeName: string, t: Targets, count: number): FixSpec[] {
  if (count === 0 || t.subsets) return [];
  const last = locatePath(vs.doc.node, ['spec', 'http', count - 1], 'key');
  if (!last.exact) return [];
  const col = dashColumn(lines, last.start);
  if (col === undefined) return [];
  const ind = ' '.repeat(col);
  const inner = ' '.repeat(col + 2);
  const text = `${ind}- name: ${routeName}\n${inner}route:\n${destinationYaml(inner, t.stable, undefined, 100)}${destinationYaml(inner, t.canary, undefined, 0)}`;
  const { at, prefix } = lineAfter(lines, last.end);
  return [
    {
      title: `Add HTTP route ${routeName} (stable 100, canary 0) to VirtualService ${vs.name}`,
      preferred: false,
      edits: [{ uri: vs.uri, start: at, end: at, newText: prefix + text }],
    },
  ];
}

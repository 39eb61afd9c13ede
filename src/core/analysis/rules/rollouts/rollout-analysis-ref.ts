import type { K8sObject } from '../../../k8s/object';
import { argDecls, runsIndefinitely } from '../../../rollouts/analysis';
import { ANALYSIS_TEMPLATE, at, CLUSTER_ANALYSIS_TEMPLATE, findObject, list, missingRef, rec, Rec, ROLLOUT, str } from '../../../rollouts/model';
import { locatePath } from '../../../yaml/locate';
import type { FieldPath } from '../../../yaml/path';
import type { LineIndex } from '../../../yaml/positions';
import { FixSpec, ObjectContext, ObjectRule } from '../../types';

type AnalysisType = 'background' | 'step' | 'prePromotion' | 'postPromotion' | 'experiment';

interface Analysis {
  type: AnalysisType;
  /** The object holding `templates` and `args` (`steps[i].analysis`, `prePromotionAnalysis`, …). */
  path: FieldPath;
  holder: Rec;
  templates: Array<{ name: string; cluster: boolean; path: FieldPath }>;
}

function analysesOf(o: K8sObject): Analysis[] {
  const out: Analysis[] = [];
  const add = (type: AnalysisType, path: FieldPath, holder: unknown) => {
    const h = rec(holder);
    if (!h) return;
    const templates = list(h.templates).flatMap((t, i) => {
      const name = str(rec(t)?.templateName);
      return name
        ? [
            {
              name,
              cluster: rec(t)?.clusterScope === true,
              path: [...path, 'templates', i, 'templateName'] as FieldPath,
            },
          ]
        : [];
    });
    out.push({ type, path, holder: h, templates });
  };
  const c: FieldPath = ['spec', 'strategy', 'canary'];
  const b: FieldPath = ['spec', 'strategy', 'blueGreen'];
  add('background', [...c, 'analysis'], at(o.body, [...c, 'analysis']));
  list(at(o.body, [...c, 'steps'])).forEach((s, i) => {
    add('step', [...c, 'steps', i, 'analysis'], rec(s)?.analysis);
    list(rec(rec(s)?.experiment)?.analyses).forEach((a, j) => {
      const r = rec(a);
      const name = str(r?.templateName);
      if (!r || !name) return;
      const path: FieldPath = [...c, 'steps', i, 'experiment', 'analyses', j];
      out.push({
        type: 'experiment',
        path,
        holder: r,
        templates: [
          {
            name,
            cluster: r.clusterScope === true,
            path: [...path, 'templateName'],
          },
        ],
      });
    });
  });
  add('prePromotion', [...b, 'prePromotionAnalysis'], at(o.body, [...b, 'prePromotionAnalysis']));
  add('postPromotion', [...b, 'postPromotionAnalysis'], at(o.body, [...b, 'postPromotionAnalysis']));
  return out;
}

export const rolloutAnalysisRef: ObjectRule = {
  meta: {
    id: 'rollout-analysis-ref',
    code: 'ML3006',
    severity: 'error',
    scope: 'object',
    kinds: [ROLLOUT, ANALYSIS_TEMPLATE, CLUSTER_ANALYSIS_TEMPLATE],
    title: 'Rollout analysis that cannot run',
    description:
      "Each analysis of a Rollout (background, step, pre- and post-promotion, experiment) names AnalysisTemplates (or ClusterAnalysisTemplates with `clusterScope: true`). They must exist; every template argument without a `value` or `valueFrom` must be supplied by the analysis's `args`; the metrics of all templates of one analysis must have different names, as must their dry-run rules; and a metric of a step or promotion analysis must stop by itself (a `count`, or no `interval`), or the rollout waits forever. The controller finds these only when the rollout reaches the analysis. A template in a namespace where the workspace has no AnalysisTemplate at all is probably defined elsewhere: the `meshlens.references.unresolved` setting decides how that is reported.",
    remediation: 'Create or rename the template, add the missing argument to the analysis (quick fix), rename a metric, or give the metric a `count`.',
    messages: {
      missing: '{kind} "{name}" not found{where}{hint}.',
      argNotSupplied: 'args.{arg} was not resolved: AnalysisTemplate "{template}" declares argument "{arg}" without a value and this analysis does not supply it.',
      duplicateMetric: "two metrics have the same name '{name}' (in AnalysisTemplates {templates}).",
      duplicateDryRun: "two Dry-Run metric rules have the same name '{name}'.",
      indefinite:
        'AnalysisTemplate {template} has metric {metric} which runs indefinitely. Invalid value for count: {count} (a {type} analysis must finish: set count, or remove interval).',
    },
    upstream: [
      'Argo Rollouts: args.x was not resolved',
      "Argo Rollouts: two metrics have the same name 'x'",
      "Argo Rollouts: two Dry-Run metric rules have the same name 'x'",
      'Argo Rollouts: AnalysisTemplate x has metric y which runs indefinitely. Invalid value for count: 0',
      'Argo Rollouts: analysistemplate.argoproj.io "x" not found',
    ],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - analysis:\n          templates:\n          - templateName: success-rate\n---\napiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: success-rate\nspec:\n  args:\n  - name: service\n  metrics:\n  - name: success-rate\n    provider:\n      web:\n        url: http://{{args.service}}/health\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - analysis:\n          templates:\n          - templateName: success-rate\n          args:\n          - name: service\n            value: shop\n---\napiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: success-rate\nspec:\n  args:\n  - name: service\n  metrics:\n  - name: success-rate\n    provider:\n      web:\n        url: http://{{args.service}}/health\n',
    },
  },
  check(ctx) {
    const analyses = analysesOf(ctx.object);
    if (analyses.length === 0) return;
    for (const a of analyses) checkAnalysis(ctx, a);
  },
};

function checkAnalysis(ctx: ObjectContext, a: Analysis): void {
  const { object, report } = ctx;
  const found: K8sObject[] = [];
  for (const t of a.templates) {
    const kind = t.cluster ? CLUSTER_ANALYSIS_TEMPLATE : ANALYSIS_TEMPLATE;
    const ns = t.cluster ? '' : object.namespace;
    const tpl = findObject(ctx.workspace, kind, ns, t.name);
    if (tpl) {
      found.push(tpl);
      continue;
    }
    const miss = missingRef(ctx.workspace, kind, ns, t.name);
    report({
      messageId: 'missing',
      data: {
        kind: t.cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate',
        name: t.name,
        where: t.cluster ? '' : ` in namespace ${ns}`,
        hint: miss.hint,
      },
      path: t.path,
      unresolved: miss.unresolved,
    });
  }
  if (found.length === 0) return;
  const templatesPath: FieldPath = [...a.path, a.type === 'experiment' ? 'templateName' : 'templates'];
  const related = (tpl: K8sObject, path: FieldPath, message: string) => [{ object: tpl, path, message }];

  // Arguments: the template's own values, else the analysis's args (upstream MergeArgs, ResolveArgs).
  const supplied = new Set(list(a.holder.args).flatMap((x) => str(rec(x)?.name) ?? []));
  const missingArgs: string[] = [];
  for (const tpl of found) {
    for (const d of argDecls(rec(tpl.body.spec))) {
      if (d.hasValue || supplied.has(d.name) || missingArgs.includes(d.name)) continue;
      missingArgs.push(d.name);
      report({
        messageId: 'argNotSupplied',
        data: { arg: d.name, template: tpl.name! },
        path: templatesPath,
        target: 'key',
        related: related(tpl, ['spec', 'args', d.index], 'the argument'),
        fixes: addArgFix(object, ctx.lines, a, d.name),
      });
    }
  }

  // Metric names across the templates of one analysis (upstream flattenMetrics).
  const metricOwner = new Map<string, K8sObject>();
  for (const tpl of found) {
    list(at(tpl.body, ['spec', 'metrics'])).forEach((m, i) => {
      const name = str(rec(m)?.name);
      if (!name) return;
      const first = metricOwner.get(name);
      if (first && first !== tpl) {
        report({
          messageId: 'duplicateMetric',
          data: { name, templates: `${first.name} and ${tpl.name}` },
          path: templatesPath,
          target: 'key',
          related: related(tpl, ['spec', 'metrics', i, 'name'], 'the second metric of that name'),
        });
      } else if (!first) metricOwner.set(name, tpl);
    });
  }

  // Dry-run rules: the step's own and the templates' together (upstream mergeDryRunMetrics).
  const dryRun = new Set<string>();
  const checkDryRun = (list_: unknown, owner: K8sObject | undefined, base: FieldPath) =>
    list(list_).forEach((d, i) => {
      const name = str(rec(d)?.metricName);
      if (!name) return;
      if (dryRun.has(name)) {
        report({
          messageId: 'duplicateDryRun',
          data: { name },
          path: owner ? templatesPath : [...base, i, 'metricName'],
          target: owner ? 'key' : 'value',
          related: owner ? related(owner, [...base, i, 'metricName'], 'the other dry-run rule') : undefined,
        });
      }
      dryRun.add(name);
    });
  checkDryRun(a.holder.dryRun, undefined, [...a.path, 'dryRun']);
  for (const tpl of found) checkDryRun(at(tpl.body, ['spec', 'dryRun']), tpl, ['spec', 'dryRun']);

  // A step or promotion analysis waits for its metrics to finish.
  if (a.type === 'step' || a.type === 'prePromotion' || a.type === 'postPromotion') {
    for (const tpl of found) {
      const args = argDecls(rec(tpl.body.spec));
      list(at(tpl.body, ['spec', 'metrics'])).forEach((m, i) => {
        const metric = rec(m);
        if (!metric) return;
        const r = runsIndefinitely(metric, args);
        if (!r?.indefinite) return;
        report({
          messageId: 'indefinite',
          data: {
            template: tpl.name!,
            metric: str(metric.name) ?? `metrics[${i}]`,
            count: r.count,
            type: a.type === 'step' ? 'step' : a.type === 'prePromotion' ? 'pre-promotion' : 'post-promotion',
          },
          path: templatesPath,
          target: 'key',
          related: related(tpl, ['spec', 'metrics', i, metric.count !== undefined ? 'count' : 'interval'], 'the metric'),
        });
      });
    }
  }
}

/** A suggestion: the argument with an empty value the user fills in, in the analysis's `args`. */
function addArgFix(o: K8sObject, lines: LineIndex, a: Analysis, arg: string): FixSpec[] {
  const title = `Add argument ${arg} to this analysis`;
  const args = list(a.holder.args);
  if (args.length > 0) {
    const last = locatePath(o.doc.node, [...a.path, 'args', args.length - 1], 'key');
    if (!last.exact) return [];
    const pos = lines.positionAt(last.start);
    const before = lines.lineText(pos.line).slice(0, pos.character);
    const m = /^(\s*)-\s+$/.exec(before);
    if (!m) return [];
    const ind = m[1];
    const endLine = lines.positionAt(Math.max(last.start, last.end - 1)).line;
    const lineEnd = lines.lineEnd(endLine);
    return [
      {
        title,
        preferred: false,
        edits: [
          {
            start: lineEnd,
            end: lineEnd,
            newText: `\n${ind}- name: ${arg}\n${ind}  value: ""`,
          },
        ],
      },
    ];
  }
  // No `args` yet: insert it before the first key of the analysis, at that key's indentation.
  const first = locatePath(o.doc.node, a.type === 'experiment' ? [...a.path, 'templateName'] : [...a.path, 'templates'], 'key');
  if (!first.exact) return [];
  const pos = lines.positionAt(first.start);
  const before = lines.lineText(pos.line).slice(0, pos.character);
  if (!/^[\s-]*$/.test(before)) return [];
  const ind = ' '.repeat(pos.character);
  return [
    {
      title,
      preferred: false,
      edits: [
        {
          start: first.start,
          end: first.start,
          newText: `args:\n${ind}- name: ${arg}\n${ind}  value: ""\n${ind}`,
        },
      ],
    },
  ];
}

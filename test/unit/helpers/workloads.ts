import * as assert from 'node:assert/strict';
import type { Finding, Rule } from '../../../src/core/analysis/types';
import { allFindings, applyFix, engineWith } from './engine';

/** Indents every non-empty line of `text` by `n` spaces. */
export function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');
}

/**
 * A Pod with one container `web` (image web:1); `fields` are more fields of that container, written
 * from column 0. The first of them is on line 9, at column 7.
 */
export function pod(fields = '', extraSpec = ''): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n${indent(fields, 6)}${extraSpec}`;
}

/** A Deployment `web` with the same container; its extra fields start on line 18, column 11. */
export function deployment(fields = ''): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: web:1\n${indent(fields, 10)}`;
}

/**
 * The same Deployment as an OpenShift DeploymentConfig, whose selector is a plain label map: one
 * line shorter above the template, so its extra fields start on line 17, column 11.
 */
export function deploymentConfig(fields = ''): string {
  return deployment(fields)
    .replace('apiVersion: apps/v1\nkind: Deployment\n', 'apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\n')
    .replace('  selector:\n    matchLabels:\n      app: web\n', '  selector:\n    app: web\n');
}

export function findings(rule: Rule, text: string): Finding[] {
  return allFindings(engineWith({ 'a.yaml': text }, [rule]));
}

export function messages(rule: Rule, text: string): string[] {
  return findings(rule, text).map((f) => f.message);
}

/** Applies fix `n` of the only finding, checks the result has no finding of the rule, returns it. */
export function applyOnlyFix(rule: Rule, text: string, n = 0): { fixed: string; fix: Finding['fixes'][number] } {
  const found = findings(rule, text);
  assert.equal(found.length, 1, `one finding: ${found.map((f) => f.message).join(' | ')}`);
  const fix = found[0].fixes[n];
  assert.ok(fix, 'the finding has the fix');
  const fixed = applyFix(text, fix);
  assert.deepEqual(
    findings(rule, fixed).map((f) => f.message),
    [],
    `no finding after the fix:\n${fixed}`,
  );
  return { fixed, fix };
}

import { allFindings, engineWith } from './engine';
import type { Rule } from '../../../src/core/analysis/types';

export function indent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

/**
 * A Rollout `shop` whose strategy is `strategy` (YAML written at column 0, placed under
 * `spec.strategy`). Lines 1-19 are fixed, so `spec.strategy` is line 20 and the strategy's first
 * line is line 21. `spec` replaces lines 6-19 (selector and template) when given.
 */
export function rollout(strategy: string, spec?: string, name = 'shop'): string {
  const body =
    spec ??
    'selector:\n  matchLabels:\n    app: shop\ntemplate:\n  metadata:\n    labels:\n      app: shop\n  spec:\n    containers:\n    - name: shop\n      image: shop:1\n      ports:\n      - name: http\n        containerPort: 8080\n';
  return `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: ${name}\nspec:\n${indent(body, 2)}  strategy:\n${indent(strategy, 4)}`;
}

export function service(name: string, selector = 'app: shop', ns?: string): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  selector:\n${indent(selector, 4)}\n  ports:\n  - port: 80\n    targetPort: http\n`;
}

/** Messages of one rule on one file, in position order. */
export function messagesOf(rule: Rule, files: Record<string, string>): string[] {
  return allFindings(engineWith(files, [rule])).map((f) => f.message);
}

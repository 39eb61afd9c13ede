// Small manifests for the DestinationRule, Gateway, ServiceEntry, Sidecar and Telemetry rule tests.
// Each builder writes a fixed layout, so that the line of a field is easy to read off in a test.
import * as assert from 'node:assert/strict';
import type { Finding, Rule } from '../../../src/core/analysis/types';
import { allFindings, applyFix, engineWith } from './engine';

const ns = (namespace?: string) => (namespace ? `  namespace: ${namespace}\n` : '');
const flow = (labels: Record<string, string>) => `{${Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;

/** A Service: `metadata.name` on line 4. */
export function service(name: string, opts: { namespace?: string; selector?: Record<string, string>; ports?: string } = {}): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${ns(opts.namespace)}spec:\n${opts.selector ? `  selector: ${flow(opts.selector)}\n` : ''}  ports: ${opts.ports ?? '[{name: http, port: 9080}]'}\n`;
}

/** A Deployment whose pod template carries `labels`: line 4 is the name. */
export function deployment(name: string, labels: Record<string, string>, opts: { namespace?: string; replicas?: number | string } = {}): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n${ns(opts.namespace)}spec:\n${opts.replicas !== undefined ? `  replicas: ${opts.replicas}\n` : ''}  selector:\n    matchLabels: ${flow(labels)}\n  template:\n    metadata:\n      labels: ${flow(labels)}\n    spec:\n      containers: [{name: app, image: app}]\n`;
}

/** The same as an OpenShift DeploymentConfig, whose selector is a plain label map: line 4 is the name. */
export function deploymentConfig(name: string, labels: Record<string, string>, opts: { namespace?: string; replicas?: number | string } = {}): string {
  return deployment(name, labels, opts)
    .replace('apiVersion: apps/v1\nkind: Deployment\n', 'apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\n')
    .replace(`  selector:\n    matchLabels: ${flow(labels)}\n`, `  selector: ${flow(labels)}\n`);
}

/** A Pod with labels. */
export function pod(name: string, labels: Record<string, string>, namespace?: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${ns(namespace)}  labels: ${flow(labels)}\nspec:\n  containers: [{name: app, image: app}]\n`;
}

export function namespaceObject(name: string, labels: Record<string, string> = {}): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${Object.keys(labels).length ? `  labels: ${flow(labels)}\n` : ''}`;
}

export function secret(name: string, namespace: string): string {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ntype: kubernetes.io/tls\n`;
}

/** Runs one rule alone and returns its findings. */
export function lint(rule: Rule, files: Record<string, string>): Finding[] {
  return allFindings(engineWith(files, [rule]));
}

/**
 * Applies each fix of the rule's only finding in `file`, and checks that the file then lints clean
 * with this rule. Returns the fixed texts.
 */
export function fixesClear(rule: Rule, files: Record<string, string>, file: string): string[] {
  const found = lint(rule, files).filter((f) => f.uri.endsWith(`/${file}`));
  assert.equal(found.length, 1, `one finding in ${file}`);
  assert.ok(found[0].fixes.length > 0, 'the finding has a fix');
  return found[0].fixes.map((fix) => {
    const text = applyFix(files[file], fix);
    const after = lint(rule, { ...files, [file]: text });
    assert.deepEqual(after.map((f) => f.message), [], `clean after "${fix.title}"`);
    return text;
  });
}

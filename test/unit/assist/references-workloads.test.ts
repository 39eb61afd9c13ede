import * as assert from 'node:assert/strict';
import { yaml } from './cursor';
import { completeIn, labels } from './helpers';

const WORKLOADS: Record<string, string> = {
  'apps.yaml': yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: reviews-v1, namespace: shop}
    spec:
      selector:
        matchLabels: {app: reviews, version: v1}
      template:
        metadata:
          labels: {app: reviews, version: v1}
        spec:
          containers:
          - name: reviews
            image: reviews
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: reviews-v2, namespace: shop}
    spec:
      selector:
        matchLabels: {app: reviews, version: v2}
      template:
        metadata:
          labels: {app: reviews, version: v2}
        spec:
          containers:
          - name: reviews
            image: reviews
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, namespace: data}
    spec:
      serviceName: db
      selector:
        matchLabels: {app: db}
      template:
        metadata:
          labels: {app: db, tier: storage}
        spec:
          containers:
          - name: db
            image: db
  `,
};

function probe(handler: string, after: string): Record<string, string> {
  return {
    'web.yaml': yaml`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: sidecar
              image: proxy
              ports:
              - {name: admin, containerPort: 15000}
            - name: web
              image: web
              ports:
              - name: http
                containerPort: 8080
              - name: grpc-health
                containerPort: 9090
              - containerPort: 9100
              readinessProbe:
                ${handler}:
                  ${after}
    `,
  };
}

describe('assist: workload references', () => {
  it('probe port: the container\'s ports by name, then by number', () => {
    const { items } = completeIn(probe('httpGet', 'port: ¦'));
    assert.deepEqual(items.map((i) => [i.label, i.detail]), [
      ['http', 'port 8080/TCP'],
      ['grpc-health', 'port 9090/TCP'],
      ['8080', 'http/TCP'],
      ['9090', 'grpc-health/TCP'],
      ['9100', 'TCP'],
    ]);
    assert.deepEqual(labels(probe('tcpSocket', 'port: ht¦')), ['http', 'grpc-health', '8080', '9090', '9100']);
    // gRPC probes take a number.
    assert.deepEqual(labels(probe('grpc', 'port: ¦')), ['8080', '9090', '9100']);
  });

  it('Service selector: label keys of the namespace\'s workloads, then the values of a key', () => {
    const svc = (lines: string) => ({ ...WORKLOADS, 'svc.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: shop\nspec:\n  ports: [{name: http, port: 9080}]\n  selector:\n${lines}\n` });
    const { items } = completeIn(svc('    ¦'));
    assert.deepEqual(items.map((i) => [i.label, i.detail, i.insertText]), [
      ['app', 'label: reviews', 'app: '],
      ['version', 'label: v1, v2', 'version: '],
    ]);
    assert.deepEqual(labels(svc('    app: reviews\n    ¦')), ['version']);
    const values = completeIn(svc('    app: reviews\n    version: ¦')).items;
    assert.deepEqual(values.map((i) => [i.label, i.detail]), [
      ['v1', 'Deployment shop/reviews-v1'],
      ['v2', 'Deployment shop/reviews-v2'],
    ]);
  });

  it('matchLabels and workloadSelector.labels, in the object\'s own namespace', () => {
    const ap = { ...WORKLOADS, 'ap.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\n  namespace: data\nspec:\n  selector:\n    matchLabels:\n      ¦\n' };
    assert.deepEqual(labels(ap), ['app', 'tier']);
    const sidecar = { ...WORKLOADS, 'sc.yaml': 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: s\n  namespace: shop\nspec:\n  workloadSelector:\n    labels:\n      app: ¦\n' };
    assert.deepEqual(labels(sidecar), ['reviews']);
  });
});

import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../src/core/analysis/config';
import { ManifestEngine } from '../../src/core/analysis/engine';
import { RULES } from '../../src/core/analysis/registry';
import type { ObjectRule } from '../../src/core/analysis/types';
import type { K8sObject } from '../../src/core/k8s/object';
import { allFindings, engineWith, uri, where } from './helpers/engine';

const svc = (name: string, extra = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}`;

function codes(engine: ManifestEngine): string[] {
  return allFindings(engine).map((f) => `${where(f)} ${f.code}`);
}

describe('ManifestEngine: incremental workspace analysis', () => {
  it('follows create, change, rename and delete across files', () => {
    const engine = engineWith({ 'a.yaml': svc('web') });
    assert.deepEqual(codes(engine), []);

    engine.setFile(uri('b.yaml'), { text: svc('web') }); // create a duplicate
    assert.deepEqual([...engine.analyze()].sort(), [uri('a.yaml'), uri('b.yaml')]);
    assert.deepEqual(codes(engine), ['a.yaml:4:9 ML0002', 'b.yaml:4:9 ML0002']);

    engine.setFile(uri('b.yaml'), { text: svc('api') }); // change: the duplicate disappears in both files
    assert.deepEqual([...engine.analyze()].sort(), [uri('a.yaml'), uri('b.yaml')]);
    assert.deepEqual(codes(engine), []);

    engine.setFile(uri('b.yaml'), { text: svc('web') });
    engine.analyze();
    engine.deleteFile(uri('b.yaml')); // rename = delete + create under the new name
    engine.setFile(uri('c.yaml'), { text: svc('web') });
    engine.analyze();
    assert.deepEqual(codes(engine), ['a.yaml:4:9 ML0002', 'c.yaml:4:9 ML0002']);
    assert.deepEqual(engine.findings(uri('b.yaml')), []);
    assert.deepEqual([...engine.index.uris()].sort(), [uri('a.yaml'), uri('c.yaml')]);

    engine.deleteFile(uri('c.yaml'));
    assert.deepEqual([...engine.analyze()].sort(), [uri('a.yaml'), uri('c.yaml')]);
    assert.deepEqual(codes(engine), []);
  });

  it('re-checks only the edited file when nothing depends on it', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`f${i}.yaml`] = svc(`s${i}`);
    const engine = engineWith(files);
    engine.setFile(uri('f7.yaml'), { text: svc('s7', 'spec:\n  ports: [{port: 80}]\n') });
    assert.deepEqual([...engine.analyze()], [uri('f7.yaml')]);
  });

  it('a git-checkout-like burst of 500 changes ends in the same state as a fresh analysis', () => {
    const engine = engineWith({});
    const expected: Record<string, string> = {};
    for (let i = 0; i < 500; i++) {
      // Every 10th file is broken; every 25th duplicates the object of the file before it.
      const name = `burst/f${String(i).padStart(3, '0')}.yaml`;
      const text = i % 10 === 0 ? svc(`s${i}`) + 'spec: [\n' : svc(i % 25 === 1 ? `s${i - 1}` : `s${i}`);
      engine.setFile(uri(name), { text });
      expected[name] = text;
    }
    engine.analyze();
    assert.deepEqual(codes(engine), codes(engineWith(expected)));
    const broken = codes(engine).filter((c) => c.endsWith('ML0001'));
    assert.equal(broken.length, 50);
    assert.equal(engine.index.size, 500);

    for (const name of Object.keys(expected)) engine.deleteFile(uri(name));
    const affected = engine.analyze();
    assert.equal(affected.size, 500);
    assert.equal(engine.index.size, 0);
    for (const name of Object.keys(expected)) assert.deepEqual(engine.findings(uri(name)), []);
  });

  it('a kustomization file appearing or going away changes what counts as a duplicate', () => {
    const engine = engineWith({ 'base/svc.yaml': svc('web'), 'overlay/svc.yaml': svc('web') });
    assert.equal(codes(engine).length, 2);
    engine.setFile(uri('overlay/kustomization.yaml'), { text: 'resources: [../base]\n' });
    engine.analyze();
    assert.deepEqual(codes(engine), []);
    engine.deleteFile(uri('overlay/kustomization.yaml'));
    engine.analyze();
    assert.equal(codes(engine).length, 2);
  });

  it('keeps objects of a document with a syntax error in the index, without checking them', () => {
    const engine = engineWith({ 'a.yaml': svc('web') + '  labels: a: b\n', 'b.yaml': svc('web') });
    assert.deepEqual(codes(engine), ['a.yaml:5:11 ML0001', 'b.yaml:4:9 ML0002']);
    assert.deepEqual(
      [...engine.index.allObjects()].map((o) => o.ref).sort(),
      ['Service default/web', 'Service default/web'],
    );
  });

  it('ignores YAML that is not Kubernetes', () => {
    const engine = engineWith({
      'ci.yaml': 'on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
      'compose.yaml': 'services:\n  db:\n    image: postgres\n',
      'values.yaml': 'replicaCount: 1\nimage:\n  tag: ""\n',
    });
    assert.deepEqual(codes(engine), []);
    assert.equal([...engine.index.allObjects()].length, 0);
  });
});

describe('suppressions and settings', () => {
  const dupes = (annotation = '', comment = '') => ({
    'a.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n${comment}  name: web\n${annotation}`,
    'b.yaml': svc('web'),
  });

  it('the meshlens.io/ignore annotation silences listed codes on that object only', () => {
    const engine = engineWith(dupes('  annotations:\n    meshlens.io/ignore: "ML1101, ML0002"\n'));
    assert.deepEqual(codes(engine), ['b.yaml:4:9 ML0002']);
  });

  it('the annotation accepts rule ids too, and leaves other codes alone', () => {
    assert.deepEqual(codes(engineWith(dupes('  annotations:\n    meshlens.io/ignore: duplicate-object\n'))), ['b.yaml:4:9 ML0002']);
    assert.equal(codes(engineWith(dupes('  annotations:\n    meshlens.io/ignore: ML0003\n'))).length, 2);
  });

  it('# meshlens-disable-next-line silences the next line only', () => {
    assert.deepEqual(codes(engineWith(dupes('', '  # meshlens-disable-next-line ML0002\n'))), ['b.yaml:4:9 ML0002']);
    assert.equal(codes(engineWith(dupes('', '  # meshlens-disable-next-line ML0001\n'))).length, 2);
    assert.deepEqual(codes(engineWith(dupes('', '  # meshlens-disable-next-line\n'))), ['b.yaml:4:9 ML0002']);
  });

  it('meshlens.rules turns rules off or changes their severity, by code or id, without re-parsing', () => {
    const engine = engineWith(dupes());
    assert.deepEqual(allFindings(engine).map((f) => f.severity), ['warning', 'warning']);
    const uris = engine.setConfig({ rules: { 'duplicate-object': 'error' }, limits: engine['config'].limits });
    assert.deepEqual(uris.sort(), [uri('a.yaml'), uri('b.yaml')]);
    assert.equal(engine.pending, false);
    assert.deepEqual(allFindings(engine).map((f) => f.severity), ['error', 'error']);
    engine.setConfig({ rules: { ML0002: 'off' }, limits: engine['config'].limits });
    assert.deepEqual(allFindings(engine), []);
  });
});

describe('rule isolation', () => {
  const exploding: ObjectRule = {
    meta: { ...RULES[1].meta, id: 'exploding', code: 'ML0999', kinds: ['*'], scope: 'object' } as ObjectRule['meta'],
    check() {
      throw new Error('boom');
    },
  };

  it('a failing rule is recorded and the other rules still report', () => {
    const engine = new ManifestEngine([exploding, ...RULES]);
    engine.setFile(uri('a.yaml'), { text: svc('web') });
    engine.setFile(uri('b.yaml'), { text: svc('web') });
    engine.analyze();
    assert.deepEqual(codes(engine), ['a.yaml:4:9 ML0002', 'b.yaml:4:9 ML0002']);
    assert.deepEqual(engine.takeRuleErrors().map((e) => [e.ruleId, e.object, e.message]), [
      ['exploding', 'Service default/web', 'boom'],
      ['exploding', 'Service default/web', 'boom'],
    ]);
    assert.deepEqual(engine.ruleErrors, []);
  });

  it('a rule that reads a kind it did not declare fails loudly', () => {
    const sneaky: ObjectRule = {
      meta: { ...RULES[1].meta, id: 'sneaky', code: 'ML0998', kinds: ['/Service'], scope: 'object' } as ObjectRule['meta'],
      check({ workspace }) {
        workspace.objectsOfKind('apps/Deployment');
      },
    };
    assert.throws(() => engineWith({ 'a.yaml': svc('web') }, [sneaky]), /reads apps\/Deployment, which its meta.kinds does not declare/);
  });
});

describe('derived workspace views and unresolved references', () => {
  // A rule that reports, on each Service, how many Deployments exist, from a shared derived view.
  let builds = 0;
  const counting: ObjectRule = {
    meta: {
      ...RULES[1].meta,
      id: 'counting',
      code: 'ML0997',
      severity: 'error',
      kinds: ['/Service', 'apps/Deployment'],
      scope: 'object',
      messages: { n: '{n} deployments', far: 'nothing here' },
      upstream: ['IST0101 (ReferencedResourceNotFound)', 'KIA1101', 'kubectl: something'],
    } as ObjectRule['meta'],
    check({ object, workspace, report }) {
      if (object.kind !== 'Service') return;
      const n = workspace.derived('test.count', ['apps/Deployment'], (of) => {
        builds++;
        return of('apps/Deployment').length;
      });
      report({ messageId: 'n', data: { n } });
      if (object.name === 'far') report({ messageId: 'far', unresolved: true, upstream: ['KIA1101'] });
    },
  };
  const deploy = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n`;

  it('builds a derived value once for all objects, and again only when its kinds change', () => {
    builds = 0;
    const engine = engineWith({ 'a.yaml': svc('a'), 'b.yaml': svc('b'), 'd.yaml': deploy('x') }, [counting]);
    assert.equal(builds, 1);
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['1 deployments', '1 deployments']);
    engine.setFile(uri('a.yaml'), { text: svc('a2') }); // a Service changes: the count is reused
    engine.analyze();
    assert.equal(builds, 1);
    engine.setFile(uri('e.yaml'), { text: deploy('y') }); // a Deployment arrives: rebuilt, and both Services re-checked
    engine.analyze();
    assert.equal(builds, 2);
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['2 deployments', '2 deployments']);
  });

  it('a keyed lookup re-checks only the readers of the entries an edit changed', () => {
    // Each Service reports the Deployments with its name, from an index of Deployments by name.
    const checked: string[] = [];
    const byName: ObjectRule = {
      meta: { ...counting.meta, id: 'by-name', code: 'ML0996', messages: { n: '{n} deployments named like me' } } as ObjectRule['meta'],
      check({ object, workspace, report }) {
        if (object.kind !== 'Service') return;
        checked.push(object.name!);
        const found = workspace.lookup<K8sObject[]>(
          'test.byName',
          ['apps/Deployment'],
          (of) => {
            const m = new Map<string, K8sObject[]>();
            for (const d of of('apps/Deployment')) m.set(d.name!, [...(m.get(d.name!) ?? []), d]);
            return m;
          },
          object.name!,
        );
        report({ messageId: 'n', data: { n: found?.length ?? 0 } });
      },
    };
    const engine = engineWith({ 'a.yaml': svc('a'), 'b.yaml': svc('b'), 'd.yaml': deploy('a') }, [byName]);
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['1 deployments named like me', '0 deployments named like me']);
    checked.length = 0;
    engine.setFile(uri('e.yaml'), { text: deploy('b') }); // only b's entry changes
    engine.analyze();
    assert.deepEqual(checked, ['b']);
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['1 deployments named like me', '1 deployments named like me']);
    checked.length = 0;
    engine.setFile(uri('d.yaml'), { text: deploy('a') + '  labels: {x: y}\n' }); // the same entry, a new version of its object
    engine.analyze();
    assert.deepEqual(checked, ['a']);
    checked.length = 0;
    engine.deleteFile(uri('e.yaml'));
    engine.analyze();
    assert.deepEqual(checked, ['b']);
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['1 deployments named like me', '0 deployments named like me']);
  });

  it('a keyed index is kept object by object: readers of changed keys only, values in workspace order', () => {
    // Each Service lists the files of the Deployments with its name, from per-object entries.
    const checked: string[] = [];
    let entriesCalls = 0;
    const byName: ObjectRule = {
      meta: { ...counting.meta, id: 'by-name-keyed', code: 'ML0995', messages: { n: '{files}' } } as ObjectRule['meta'],
      check({ object, workspace, report }) {
        if (object.kind !== 'Service') return;
        checked.push(object.name!);
        const found = workspace.keyed(
          'test.byNameKeyed',
          ['apps/Deployment'],
          (d) => {
            entriesCalls++;
            return [[d.name!, d.uri.slice(d.uri.lastIndexOf('/') + 1)] as const];
          },
          object.name!,
        );
        report({ messageId: 'n', data: { files: found.join(' ') || '-' } });
      },
    };
    const engine = engineWith({ 'a.yaml': svc('a'), 'b.yaml': svc('b'), 'd2.yaml': deploy('a'), 'd1.yaml': deploy('a') }, [byName]);
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['d1.yaml d2.yaml', '-']);
    assert.equal(entriesCalls, 2);
    checked.length = 0;
    engine.setFile(uri('d0.yaml'), { text: deploy('b') }); // only b's key changes; one new object read
    engine.analyze();
    assert.deepEqual(checked, ['b']);
    assert.equal(entriesCalls, 3);
    engine.setFile(uri('d3.yaml'), { text: deploy('a') }); // lands after d2 in a's list, as a fresh load has it
    engine.analyze();
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['d1.yaml d2.yaml d3.yaml', 'd0.yaml']);
    engine.setFile(uri('d0.yaml'), { text: deploy('a') }); // moves from b's key to a's, first in order
    engine.deleteFile(uri('d2.yaml'));
    engine.analyze();
    const fresh = engineWith({ 'a.yaml': svc('a'), 'b.yaml': svc('b'), 'd0.yaml': deploy('a'), 'd1.yaml': deploy('a'), 'd3.yaml': deploy('a') }, [byName]);
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['d0.yaml d1.yaml d3.yaml', '-']);
    assert.deepEqual(allFindings(engine), allFindings(fresh));
  });

  it('a finding carries its upstream codes; an unresolved reference follows the setting', () => {
    const engine = engineWith({ 'f.yaml': svc('far') }, [counting]);
    const [n, far] = allFindings(engine);
    assert.deepEqual(n.upstream, ['IST0101', 'KIA1101'], 'codes from meta.upstream, free text left out');
    assert.deepEqual([far.upstream, far.severity], [['KIA1101'], 'warning'], 'unresolved: a warning by default');
    engine.setConfig({ ...DEFAULT_CONFIG, unresolvedReferences: 'error' });
    assert.equal(allFindings(engine)[1].severity, 'error');
    engine.setConfig({ ...DEFAULT_CONFIG, unresolvedReferences: 'off' });
    assert.deepEqual(allFindings(engine).map((f) => f.message), ['0 deployments']);
    engine.setConfig({ ...DEFAULT_CONFIG, rules: { ML0997: 'info' } });
    assert.deepEqual(allFindings(engine).map((f) => f.severity), ['info', 'info'], 'a rule setting wins over the reference setting');
  });
});

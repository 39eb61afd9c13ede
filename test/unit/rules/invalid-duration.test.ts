import * as assert from 'node:assert/strict';
import { invalidDuration } from '../../../src/core/analysis/rules/istio-validation/invalid-duration';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const VS = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews}
${http}`;

const DR = (outlier: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie: {name: user, ttl: 0s}
    outlierDetection:
${outlier}`;

const ROLLOUT = (pause: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: {duration: ${pause}}
`;

const TEMPLATE = (interval: string) => `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  metrics:
    - name: success-rate
      interval: ${interval}
      successCondition: result[0] >= 0.95
      provider:
        prometheus: {address: "http://prometheus:9090", query: up}
`;

testRule(invalidDuration, {
  valid: [
    { name: 'Go durations with units, fractions and several parts', files: { 'vs.yaml': VS('      timeout: 1.5s\n      retries: {attempts: 3, perTryTimeout: 500ms, backoff: 1h30m}\n') } },
    { name: 'a cookie TTL of 0s (a session cookie) next to bounded durations', files: { 'dr.yaml': DR('      interval: 1m\n      baseEjectionTime: 30s\n') } },
    { name: 'a pause in seconds, as a number or digits, or with a unit', files: { 'a.yaml': ROLLOUT('10'), 'b.yaml': ROLLOUT('"30"'), 'c.yaml': ROLLOUT('1h') } },
    { name: 'an Argo placeholder filled in when the analysis runs', files: { 'at.yaml': TEMPLATE('"{{args.interval}}"') } },
    { name: 'a number where a string goes is the type check\'s business', files: { 'vs.yaml': VS('      timeout: 10\n') } },
  ],
  invalid: [
    {
      name: 'a timeout without a unit',
      files: { 'vs.yaml': VS('      timeout: "10"\n') },
      expected: [['ML0016', 'VirtualService default/reviews', 'spec.http[0].timeout']],
      at: ['vs.yaml:10:16'],
    },
    {
      name: 'days, and a zero ejection time',
      files: { 'dr.yaml': DR('      interval: 1d\n      baseEjectionTime: 0s\n') },
      expected: [
        ['ML0016', 'DestinationRule default/reviews', 'spec.trafficPolicy.outlierDetection.interval'],
        ['ML0016', 'DestinationRule default/reviews', 'spec.trafficPolicy.outlierDetection.baseEjectionTime'],
      ],
      at: ['dr.yaml:12:17', 'dr.yaml:13:25'],
    },
    {
      name: 'a fraction of a millisecond, and a CORS max age in fractions of a second',
      files: { 'vs.yaml': VS('      timeout: 1.5ms\n      corsPolicy: {maxAge: 1.5s}\n') },
      expected: [
        ['ML0016', 'VirtualService default/reviews', 'spec.http[0].timeout'],
        ['ML0016', 'VirtualService default/reviews', 'spec.http[0].corsPolicy.maxAge'],
      ],
      at: ['vs.yaml:10:16', 'vs.yaml:11:28'],
    },
    {
      name: 'an empty reporting interval',
      files: {
        'tm.yaml': 'apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh\nspec:\n  metrics:\n    - reportingInterval: ""\n',
      },
      expected: [['ML0016', 'Telemetry default/mesh', 'spec.metrics[0].reportingInterval']],
      at: ['tm.yaml:7:26'],
    },
    {
      name: 'a JWT timeout that is a word',
      files: {
        'ra.yaml': 'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules:\n    - issuer: example\n      timeout: apple\n',
      },
      expected: [['ML0016', 'RequestAuthentication default/jwt', 'spec.jwtRules[0].timeout']],
      at: ['ra.yaml:8:16'],
    },
    {
      name: 'negative pauses, as a number and as a duration',
      files: { 'a.yaml': ROLLOUT('-5'), 'b.yaml': ROLLOUT('-5s') },
      expected: [
        ['ML0016', 'Rollout default/web', 'spec.strategy.canary.steps[1].pause.duration'],
        ['ML0016', 'Rollout default/web', 'spec.strategy.canary.steps[1].pause.duration'],
      ],
      at: ['a.yaml:10:29', 'b.yaml:10:29'],
    },
    {
      name: 'an analysis interval with a typo',
      files: { 'at.yaml': TEMPLATE('60s-typo') },
      expected: [['ML0016', 'AnalysisTemplate default/success-rate', 'spec.metrics[0].interval']],
      at: ['at.yaml:8:17'],
    },
  ],
});

describe('ML0016 messages', () => {
  const messages = (files: Record<string, string>) => allFindings(engineWith(files, [invalidDuration])).map((f) => `${span(f)} ${f.message}`);

  it('say what is wrong and what is accepted', () => {
    assert.deepEqual(messages({ 'vs.yaml': VS('      timeout: "10"\n') }), [
      '10:16-10:20 "10" is not a duration: a number lacks its unit (ns, us, ms, s, m, h), such as 30s.',
    ]);
    assert.deepEqual(messages({ 'dr.yaml': DR('      interval: 1d\n      baseEjectionTime: 500us\n') }), [
      '12:17-12:19 "1d" is not a duration: unknown unit "d"; units are ns, us, ms, s, m and h (no days: write 24h).',
      '13:25-13:30 500us is below the minimum of 1ms: Istio rejects it ("must be a valid duration greater than 1ms").',
    ]);
    assert.deepEqual(messages({ 'vs.yaml': VS('      timeout: 1.5ms\n      corsPolicy: {maxAge: 1.5s}\n') }), [
      '10:16-10:21 1.5ms is not a whole number of milliseconds; Istio accepts this duration only to millisecond precision.',
      '11:28-11:32 1.5s is not a whole number of seconds; Istio accepts this duration only to second precision.',
    ]);
    assert.deepEqual(messages({ 'a.yaml': ROLLOUT('-5') }), [
      '10:29-10:31 A pause of -5 seconds is negative; Argo Rollouts requires 0 or more ("Duration needs to be greater than 0").',
    ]);
  });

  it('carry the parsed duration in nanoseconds', () => {
    const [f] = allFindings(engineWith({ 'dr.yaml': DR('      interval: 1m\n      baseEjectionTime: 500us\n') }, [invalidDuration]));
    assert.deepEqual(f.data, { value: '500us', minimum: '1ms', nanos: '500000' });
  });
});

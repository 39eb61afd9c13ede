import { durationFields, durationKinds, DurationField } from '../../../istio/duration-fields';
import { parseGoDuration } from '../../../istio/duration';
import { resolvePattern } from '../../../istio/pattern';
import { FieldPath } from '../../../yaml/path';
import { groupKindOf, ObjectContext, ObjectRule } from '../../types';

const UNIT_NANOS: Array<[bigint, string]> = [
  [3_600_000_000_000n, 'h'],
  [60_000_000_000n, 'm'],
  [1_000_000_000n, 's'],
  [1_000_000n, 'ms'],
  [1_000n, 'us'],
  [1n, 'ns'],
];

/** `1500000000n` -> `1.5s`, for messages that state a limit or a measured value. */
function formatNanos(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  for (const [unit, name] of UNIT_NANOS) {
    if (abs >= unit) {
      const whole = abs / unit;
      const frac = abs % unit;
      const fracText = frac === 0n ? '' : `.${frac.toString().padStart(unit.toString().length - 1, '0').replace(/0+$/, '')}`;
      return `${sign}${whole}${fracText}${name}`;
    }
  }
  return '0s';
}

export const invalidDuration: ObjectRule = {
  meta: {
    id: 'invalid-duration',
    code: 'ML0016',
    severity: 'error',
    scope: 'object',
    kinds: durationKinds(),
    title: 'Invalid duration',
    description:
      'A field that holds a duration (a route `timeout`, an outlier `interval`, a JWT `timeout`, an Argo analysis `interval`) has a value that is not one, or one Istio refuses. Durations are written the way Go parses them: a number with a unit, several of them in a row (`500ms`, `1.5s`, `1m`, `1h30m`; units ns, us, ms, s, m, h; no days). The Istio CRDs require most of them to be at least 1ms (`must be a valid duration greater than 1ms`), and Istio\'s webhook accepts only whole milliseconds (whole seconds for `corsPolicy.maxAge`). The CRD schema in the models only says "string", so the API server\'s CEL rules or istiod reject what the schema lets through. Argo Rollouts parses its durations the same way; a pause duration may also be a number of seconds, and must not be negative.',
    remediation: 'Write the duration with a unit (`30s`, not `30`; `24h`, not `1d`) and at least 1ms where Istio asks for it.',
    messages: {
      empty: 'An empty string is not a duration; write one such as 5s, or remove the field.',
      syntax: '"{value}" is not a duration: write a number with a unit, such as 500ms, 1.5s, 1m or 1h30m (units ns, us, ms, s, m, h).',
      missingUnit: '"{value}" is not a duration: a number lacks its unit (ns, us, ms, s, m, h), such as 30s.',
      unknownUnit: '"{value}" is not a duration: unknown unit "{unit}"; units are ns, us, ms, s, m and h (no days: write 24h).',
      overflow: '"{value}" is too long for a duration; the largest is about 2562047h (292 years).',
      minimum: '{value} is below the minimum of {minimum}: Istio rejects it ("must be a valid duration greater than 1ms").',
      step: '{value} is not a whole number of {unit}s; Istio accepts this duration only to {unit} precision.',
      negativePause: 'A pause of {value} seconds is negative; Argo Rollouts requires 0 or more ("Duration needs to be greater than 0").',
    },
    upstream: [
      'Istio CRD (CEL): must be a valid duration greater than 1ms',
      'istiod webhook: duration must be greater than 1ms; only durations to ms precision are supported',
      'Argo Rollouts: Duration needs to be greater than 0; time: unknown unit',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      interval: 1d\n      baseEjectionTime: 0s\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      interval: 24h\n      baseEjectionTime: 30s\n',
    },
  },
  check(ctx) {
    for (const field of durationFields(groupKindOf(ctx.object))) {
      for (const { path, value } of resolvePattern(ctx.object.body, field.pattern)) checkValue(ctx, field, path, value);
    }
  },
};

function checkValue(ctx: ObjectContext, field: DurationField, path: FieldPath, value: unknown): void {
  const { report } = ctx;
  if (field.digitsAreSeconds && typeof value === 'number') {
    if (value < 0) report({ messageId: 'negativePause', data: { value }, path });
    return;
  }
  // Numbers and other types are the type check's business (ML0011).
  if (typeof value !== 'string') return;
  // Argo treats an empty duration string as unset, and fills `{{args.name}}` placeholders in when
  // it creates the AnalysisRun: what is written in the template is not the duration yet.
  if (field.source === 'argo' && (value === '' || value.includes('{{'))) return;
  if (field.digitsAreSeconds && /^[+-]?\d+$/.test(value)) {
    if (Number(value) < 0) report({ messageId: 'negativePause', data: { value }, path });
    return;
  }
  const parsed = parseGoDuration(value);
  if (!parsed.ok) {
    report({ messageId: parsed.reason, data: { value, unit: parsed.unit ?? '' }, path });
    return;
  }
  if (field.digitsAreSeconds && parsed.nanos < 0n) {
    report({ messageId: 'negativePause', data: { value }, path });
    return;
  }
  if (field.minNanos !== undefined && parsed.nanos < field.minNanos) {
    report({ messageId: 'minimum', data: { value, minimum: formatNanos(field.minNanos), nanos: parsed.nanos.toString() }, path });
    return;
  }
  if (field.stepNanos !== undefined && parsed.nanos % field.stepNanos !== 0n) {
    const unit = field.stepNanos === 1_000_000_000n ? 'second' : 'millisecond';
    report({ messageId: 'step', data: { value, unit, nanos: parsed.nanos.toString() }, path });
  }
}

/**
 * A payload that is not valid OTLP. `path` names the field (`resourceSpans[0].scopeSpans[1]
 * .spans[3].traceId`), `message` says what was wrong with it. Receivers answer it with 400; the
 * decoders throw nothing else for bad input.
 */
export class OtlpDecodeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'OtlpDecodeError';
  }
}

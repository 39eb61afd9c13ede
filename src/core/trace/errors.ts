/**
 * A payload that is not valid OTLP. `path` names the field (`resourceSpans[0].scopeSpans[1]
 * .spans[3].traceId`), `message` says what was wrong with it. Receivers answer it with 400; the
 * decoders throw nothing else for bad input.
 */
export class OtlpDecodeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    /**
     * The item is well-formed but not acceptable (a required id absent or all zeros): the decoders
     * drop just that span or log record and report it as OTLP `partial_success`, not the request.
     */
    readonly itemOnly = false,
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'OtlpDecodeError';
  }
}

// logLevel 'error': the yaml package would otherwise print warnings to the console of the host.
// Shared by the full Document path (parse.ts) and the fast path (fast.ts), which must resolve
// scalars exactly alike.
export const PARSE_OPTIONS = { prettyErrors: false, merge: true, keepSourceTokens: false, logLevel: 'error' } as const;

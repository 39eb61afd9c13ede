import { InputLimits } from './limits';

/** Why a file's bytes were not turned into analysable text. */
export type InputProblem =
  | { kind: 'binary'; offset: number }
  | { kind: 'invalidUtf8'; offset: number }
  | { kind: 'tooLarge'; bytes: number; limit: number };

export interface DecodedInput {
  /** Text to analyse; undefined when the file must not be parsed at all. */
  text?: string;
  problem?: InputProblem;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8');

/**
 * Turns a file's bytes into text the way an editor would show it. Invalid UTF-8 is reported but
 * still decoded (with U+FFFD) so that the rest of the file is checked; binaries and oversized
 * files are reported and skipped.
 */
export function decodeManifestBytes(bytes: Uint8Array, limits: InputLimits): DecodedInput {
  if (bytes.length > limits.maxFileBytes) {
    return { problem: { kind: 'tooLarge', bytes: bytes.length, limit: limits.maxFileBytes } };
  }
  // Git's heuristic: a NUL byte near the start means binary.
  const probe = Math.min(bytes.length, 8000);
  for (let i = 0; i < probe; i++) {
    if (bytes[i] === 0) return { problem: { kind: 'binary', offset: 0 } };
  }
  try {
    return { text: fatalDecoder.decode(bytes) };
  } catch {
    const text = lossyDecoder.decode(bytes);
    return { text, problem: { kind: 'invalidUtf8', offset: Math.max(0, text.indexOf('\uFFFD')) } };
  }
}

/** The same size bound for text that arrives already decoded (an open editor buffer). */
export function checkTextSize(text: string, limits: InputLimits): InputProblem | undefined {
  // UTF-16 length is a lower bound of the UTF-8 size and cheap; exact enough for a limit.
  if (text.length > limits.maxFileBytes) {
    return { kind: 'tooLarge', bytes: text.length, limit: limits.maxFileBytes };
  }
  return undefined;
}

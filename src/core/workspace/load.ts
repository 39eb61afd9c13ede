import { checkTextSize, decodeManifestBytes, InputProblem } from '../yaml/decode';
import { InputLimits } from '../yaml/limits';
import { looksLikeManifest as textLooksLikeManifest, parseManifestText, ParsedFile, ParseOptions } from '../yaml/parse';

/**
 * A file's content as the caller has it: raw bytes from disk, an editor buffer's text, or only
 * the head of a file the caller did not read in full because its size is above the limit.
 */
export type FileInput = { bytes: Uint8Array } | { text: string } | { head: Uint8Array; size: number };

/** Bytes of a file's head that decide whether an unparsed file looks like a manifest. */
export const HEAD_BYTES = 65536;

/** A file decoded and parsed, before the index makes objects of it. */
export interface LoadedFile {
  problem: InputProblem | undefined;
  /** Undefined when the input was not parsed (binary, too large). */
  file: ParsedFile | undefined;
  looksLikeManifest: boolean;
}

/**
 * Decoding and parsing, with nothing of the workspace: the index runs it for one file, and the
 * parallel loader runs it on a worker thread for many.
 */
export function loadFile(input: FileInput, limits: InputLimits, previous: ParsedFile | undefined, options: ParseOptions): LoadedFile {
  let text: string | undefined;
  let problem: InputProblem | undefined;
  let looksLikeManifest = false;
  if ('head' in input) {
    problem = { kind: 'tooLarge', bytes: input.size, limit: limits.maxFileBytes };
    looksLikeManifest = textLooksLikeManifest(new TextDecoder().decode(input.head.subarray(0, HEAD_BYTES)));
  } else if ('bytes' in input) {
    const decoded = decodeManifestBytes(input.bytes, limits);
    text = decoded.text;
    problem = decoded.problem;
    if (text === undefined) looksLikeManifest = textLooksLikeManifest(new TextDecoder().decode(input.bytes.subarray(0, HEAD_BYTES)));
  } else {
    problem = checkTextSize(input.text, limits);
    if (problem) looksLikeManifest = textLooksLikeManifest(input.text.slice(0, HEAD_BYTES));
    else text = input.text;
  }
  if (text === undefined) return { problem, file: undefined, looksLikeManifest };
  const file = parseManifestText(text, limits, previous, options);
  return { problem, file, looksLikeManifest: file.isManifest };
}

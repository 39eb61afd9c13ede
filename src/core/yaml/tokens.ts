import { CST, Parser } from 'yaml';
import { version as yamlVersion } from 'yaml/package.json';

/**
 * The yaml version whose `Parser.prototype.next` QuietParser repeats. Any other version gets the
 * package's own parser: the copy below is only known to be the same code for this one.
 */
export const QUIET_PARSER_YAML_VERSION = '2.9.1';

interface ParserState {
  source: string;
  atScalar: boolean;
  atNewLine: boolean;
  type: string;
  indent: number;
  offset: number;
  onNewLine?: (offset: number) => void;
  step(): Generator<CST.Token, void>;
  pop(error?: CST.Token): Generator<CST.Token, void>;
}

/**
 * The yaml package's Parser without its debugging hook: its `next()` reads
 * `process.env.LOG_TOKENS` for every lexeme, and on Node that is a call into the runtime, about a
 * quarter of what parsing costs. This `next()` is the package's own (dist/parse/parser.js of the
 * version above) minus that line; everything else is inherited. test/unit/yaml/tokens.test.ts
 * checks that both parsers give the same tokens.
 */
class QuietParser extends Parser {
  override *next(source: string): Generator<CST.Token, void> {
    const p = this as unknown as ParserState;
    p.source = source;
    if (p.atScalar) {
      p.atScalar = false;
      yield* p.step();
      p.offset += source.length;
      return;
    }
    const type = CST.tokenType(source);
    if (!type) {
      const message = `Not a YAML token: ${source}`;
      yield* p.pop({ type: 'error', offset: p.offset, message, source });
      p.offset += source.length;
    } else if (type === 'scalar') {
      p.atNewLine = false;
      p.atScalar = true;
      p.type = 'scalar';
    } else {
      p.type = type;
      yield* p.step();
      switch (type) {
        case 'newline':
          p.atNewLine = true;
          p.indent = 0;
          if (p.onNewLine) p.onNewLine(p.offset + source.length);
          break;
        case 'space':
          if (p.atNewLine && source[0] === ' ') p.indent += source.length;
          break;
        case 'explicit-key-ind':
        case 'map-value-ind':
        case 'seq-item-ind':
          if (p.atNewLine) p.indent += source.length;
          break;
        case 'doc-mode':
        case 'flow-error-end':
          return;
        default:
          p.atNewLine = false;
      }
      p.offset += source.length;
    }
  }
}

/** True when the installed yaml package is the one QuietParser was written against. */
export const quietParserActive = yamlVersion === QUIET_PARSER_YAML_VERSION;

/** A parser for the fast path: QuietParser when it applies, else the package's own. */
export function newParser(): Parser {
  return quietParserActive ? new QuietParser() : new Parser();
}

// QuietParser (src/core/yaml/tokens.ts) is the yaml package's Parser with one line of `next()`
// left out; it must give exactly the package's tokens, on the shared corpus (read from
// ../shared/corpus, never copied), the bench workspace and malformed input.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Parser } from 'yaml';
import { version } from 'yaml/package.json';
import { buildWorkspace } from '../../../bench/generate-workspace';
import { newParser, QUIET_PARSER_YAML_VERSION, quietParserActive } from '../../../src/core/yaml/tokens';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

const MALFORMED = ['a: [b\n', 'a: "b\n', '- - - x\n', 'a:\n\t- b\n', '? a\n: b\n', '%YAML 1.2\n---\na: *x\n', 'a: b: c\n', '[a, b]]\n', '"\\q"\n', '!!set\n? a\n', 'a: |\n x\n  y\n'];

function sameTokens(text: string, where: string, offset = 0): void {
  const stock = new Parser();
  const quiet = newParser();
  stock.offset = offset;
  quiet.offset = offset;
  assert.deepEqual([...quiet.parse(text)], [...stock.parse(text)], where);
}

describe('QuietParser', function () {
  this.timeout(120_000);

  it(`is in use with the installed yaml package (${version}); for another version, re-check its next() against the package's`, () => {
    assert.equal(version, QUIET_PARSER_YAML_VERSION);
    assert.ok(quietParserActive);
  });

  it('gives the same tokens as the package parser on the corpus, the bench workspace and malformed input', function () {
    const texts: Array<[string, string]> = buildWorkspace(1).map((f) => [f.path, f.text]);
    if (existsSync(CORPUS)) for (const f of yamlFiles(CORPUS)) texts.push([f, readFileSync(f, 'utf8')]);
    else console.log(`    (the shared corpus is not at ${CORPUS}; bench workspace and malformed input only)`);
    for (const [where, text] of texts) sameTokens(text, where);
    MALFORMED.forEach((text, i) => sameTokens(text, `malformed ${i}`, 17));
  });
});

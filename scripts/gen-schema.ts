// Derives MeshLens's field catalog from the generated TypeScript models of maintained npm packages
// (@kubernetes-models/istio, @kubernetes-models/argo-rollouts, @kubernetes-models/gateway-api,
// kubernetes-models), whose types carry
// the CRD and OpenAPI fields, their descriptions, which are optional and which are enums. Nothing
// here is hand-written about any kind: the TypeScript checker reads the packages' .d.ts files.
//
// Output: src/core/schema/catalog.generated.json (not committed; `npm run gen` writes it and
// `prebuild` / `pretest` call this script, which does nothing when the output is up to date).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { KNOWN_KINDS } from '../src/core/k8s/kinds';
import type { Catalog, SchemaNode } from '../src/core/schema/types';

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'src', 'core', 'schema', 'catalog.generated.json');
const VALIDATORS_OUT = path.join(ROOT, 'src', 'core', 'schema', 'validators.generated.js');
const PACKAGES = ['@kubernetes-models/istio', '@kubernetes-models/argo-rollouts', '@kubernetes-models/gateway-api', 'kubernetes-models'];

function pkgDir(name: string): string {
  return path.join(ROOT, 'node_modules', ...name.split('/'));
}

function pkgVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(pkgDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where a kind's model lives, by the layout of each package. */
function modelFile(group: string, version: string, kind: string): string | undefined {
  const candidates = [
    path.join(pkgDir('@kubernetes-models/istio'), group, version, `${kind}.d.ts`),
    path.join(pkgDir('@kubernetes-models/argo-rollouts'), group, version, `${kind}.d.ts`),
    path.join(pkgDir('@kubernetes-models/gateway-api'), group, version, `${kind}.d.ts`),
    path.join(pkgDir('kubernetes-models'), group === '' ? version : path.join(group, version), `${kind}.d.ts`),
  ];
  return candidates.find((f) => existsSync(f));
}

const inputs: Array<{ key: string; file: string; kind: string }> = [];
const missing: string[] = [];
for (const k of KNOWN_KINDS) {
  for (const v of k.versions) {
    const file = modelFile(k.group, v, k.kind);
    const key = `${k.group}/${v}/${k.kind}`;
    if (file) inputs.push({ key, file, kind: k.kind });
    else missing.push(key);
  }
}

const stamp = createHash('sha256')
  .update(JSON.stringify({ inputs, versions: PACKAGES.map(pkgVersion), me: readFileSync(__filename, 'utf8') }))
  .digest('hex')
  .slice(0, 16);
if (!process.argv.includes('--force') && existsSync(OUT) && existsSync(VALIDATORS_OUT)) {
  try {
    if ((JSON.parse(readFileSync(OUT, 'utf8')) as Catalog).stamp === stamp) process.exit(0);
  } catch {
    // Unreadable: regenerate.
  }
}

const started = Date.now();
const program = ts.createProgram(
  inputs.map((i) => i.file),
  { noEmit: true, skipLibCheck: true, strict: true, target: ts.ScriptTarget.ES2022, moduleResolution: ts.ModuleResolutionKind.Node10 },
);
const checker = program.getTypeChecker();

// Identical subtrees (the same struct in v1, v1beta1 and v1alpha3) are stored once.
const nodes: SchemaNode[] = [];
const byHash = new Map<string, number>();
const inProgress = new Set<ts.Type>();

function intern(node: SchemaNode): number {
  const h = JSON.stringify(node);
  let id = byHash.get(h);
  if (id === undefined) {
    id = nodes.length;
    nodes.push(node);
    byHash.set(h, id);
  }
  return id;
}

function describe(symbol: ts.Symbol | undefined): string | undefined {
  if (!symbol) return undefined;
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  return text || undefined;
}

/** The sentence of a description that says a field is deprecated (and usually what replaces it). */
function deprecation(description: string | undefined): string | undefined {
  const sentences = (description ?? '').replace(/\s+/g, ' ').split(/(?<=\.)\s+/);
  // "will eventually be deprecated" is a plan, not a deprecation.
  const i = sentences.findIndex((x) => /\bdeprecated\b/i.test(x) && !/\bwill (\w+ )?be deprecated\b/i.test(x));
  if (i < 0) return undefined;
  const next = sentences[i + 1];
  // "Deprecated." alone says nothing; the sentence after it says why or names the replacement.
  const keepNext = next && (sentences[i] === 'Deprecated.' || /\b(use|instead|replaced)\b/i.test(next));
  return [sentences[i], keepNext ? next : ''].join(' ').trim();
}

/**
 * The sentence that states a field's default ("Defaults to 600s.", "(default: 0)"). The models carry
 * no structured defaults, so the description's own words are what there is; hovers quote them.
 */
function defaultOf(description: string | undefined): string | undefined {
  const sentences = (description ?? '').replace(/\s+/g, ' ').split(/(?<=\.)\s+/);
  const s = sentences.find((x) => /\b(defaults? (to|is)\b|default value is\b|by default\b|\(default\b)/i.test(x));
  return s && s.length <= 300 ? s : undefined;
}

/** Description, deprecation and default: what every node takes from its field's doc comment. */
function docFields(description: string | undefined): Pick<SchemaNode, 'd' | 'dep' | 'def'> {
  if (!description) return {};
  const dep = deprecation(description);
  const def = defaultOf(description);
  return { d: description, ...(dep ? { dep } : {}), ...(def ? { def } : {}) };
}

function convert(type: ts.Type, description?: string): number {
  const withDesc = (n: SchemaNode) => intern({ ...n, ...docFields(description) });
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    if (parts.length && parts.every((t) => t.isStringLiteral())) return withDesc({ t: 'string', e: parts.map((t) => (t as ts.StringLiteralType).value) });
    if (parts.length && parts.every((t) => t.isNumberLiteral())) return withDesc({ t: 'number', e: parts.map((t) => (t as ts.NumberLiteralType).value) });
    if (parts.length === 1) return convert(parts[0], description);
    const flags = parts.reduce((f, t) => f | t.flags, 0);
    if (parts.every((t) => t.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral))) return withDesc({ t: 'boolean' });
    if (flags & ts.TypeFlags.NumberLike && flags & ts.TypeFlags.StringLike && parts.length === 2) return withDesc({ t: 'intOrString' });
    return withDesc({ t: 'any' });
  }
  if (type.flags & ts.TypeFlags.StringLike) return withDesc({ t: 'string' });
  if (type.flags & ts.TypeFlags.NumberLike) return withDesc({ t: 'number' });
  if (type.flags & ts.TypeFlags.BooleanLike) return withDesc({ t: 'boolean' });
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return withDesc({ t: 'any' });
  if (checker.isArrayType(type)) {
    const [item] = checker.getTypeArguments(type as ts.TypeReference);
    return withDesc({ t: 'array', i: convert(item) });
  }
  if (type.flags & ts.TypeFlags.Object) {
    if (inProgress.has(type)) return withDesc({ t: 'any' }); // recursive type: stop here
    inProgress.add(type);
    try {
      const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
      const props = checker.getPropertiesOfType(type).filter((p) => !(p.flags & ts.SymbolFlags.Method));
      if (index && props.length === 0) return withDesc({ t: 'map', i: convert(index.type) });
      if (props.length === 0) return withDesc({ t: 'object', open: true });
      const p: Record<string, number> = {};
      const r: string[] = [];
      for (const prop of props) {
        const decl = prop.valueDeclaration ?? prop.declarations?.[0];
        if (!decl) continue;
        p[prop.name] = convertDeclared(decl, describe(prop)) ?? convert(checker.getTypeOfSymbolAtLocation(prop, decl), describe(prop));
        if (!(prop.flags & ts.SymbolFlags.Optional)) r.push(prop.name);
      }
      return withDesc({ t: 'object', p, ...(r.length ? { r } : {}), ...(index ? { open: true } : {}) });
    } finally {
      inProgress.delete(type);
    }
  }
  return withDesc({ t: 'any' });
}

/**
 * The models write a CRD `oneOf` as `{ ...every field } & (Exclude<...> | ...)`. The checker
 * normalizes that into a union of intersections, which `convert` can only call `any` (and merging
 * the alternatives through the checker explodes combinatorially). The object literal before the `&`
 * already lists every field, so it is read from the declaration itself; the exclusivity is left to
 * the compiled validators (ML0014).
 */
function convertDeclared(decl: ts.Declaration, description: string | undefined): number | undefined {
  if (!ts.isPropertySignature(decl) || !decl.type) return undefined;
  const base = (node: ts.TypeNode): ts.TypeLiteralNode | undefined => {
    while (ts.isParenthesizedTypeNode(node)) node = node.type;
    return ts.isIntersectionTypeNode(node) && ts.isTypeLiteralNode(node.types[0]) ? node.types[0] : undefined;
  };
  let node: ts.TypeNode = decl.type;
  while (ts.isParenthesizedTypeNode(node)) node = node.type;
  // Lists (`Array<...>`, `T[]`) and free-form maps (`{ [key: string]: ... }`) of such objects too.
  let item: ts.TypeNode | undefined;
  if (ts.isArrayTypeNode(node)) item = node.elementType;
  else if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text === 'Array' && node.typeArguments?.length === 1) {
    item = node.typeArguments[0];
  }
  let map = false;
  if (!item && ts.isTypeLiteralNode(node) && node.members.length === 1 && ts.isIndexSignatureDeclaration(node.members[0])) {
    item = node.members[0].type;
    map = true;
  }
  if (item) {
    const literal = base(item);
    if (!literal) return undefined;
    const items = convert(checker.getTypeFromTypeNode(literal));
    return intern({ t: map ? 'map' : 'array', i: items, ...docFields(description) });
  }
  const literal = base(node);
  return literal ? convert(checker.getTypeFromTypeNode(literal), description) : undefined;
}

const kinds: Record<string, number> = {};
for (const input of inputs) {
  const source = program.getSourceFile(input.file);
  const iface = source?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `I${input.kind}`);
  if (!iface) {
    missing.push(`${input.key} (no interface I${input.kind} in ${path.relative(ROOT, input.file)})`);
    continue;
  }
  kinds[input.key] = convert(checker.getTypeAtLocation(iface.name));
}

// The packages also ship compiled JSON-schema validators (one per kind) that enforce what the types
// cannot say: lengths, ranges, patterns, sizes. Each model's .js names its validator; the
// generated module imports them by file so that esbuild bundles exactly these.
const validatorImports: string[] = [];
const validatorEntries: string[] = [];
for (const input of inputs) {
  if (!(input.key in kinds)) continue;
  const js = input.file.replace(/\.d\.ts$/, '.js');
  const m = existsSync(js) ? /["'](?:\.\.\/)+_schemas\/(\w+)\.js["']/.exec(readFileSync(js, 'utf8')) : null;
  if (!m) continue;
  const target = path.resolve(path.dirname(js), m[0].slice(1, -1));
  const rel = path.relative(path.dirname(VALIDATORS_OUT), target).split(path.sep).join('/');
  validatorImports.push(`import { validate as v${validatorImports.length} } from '${rel}';`);
  validatorEntries.push(`  '${input.key}': v${validatorEntries.length},`);
}
// The validators are ESM that import an import-only package; bundled once here into CommonJS so
// that tests, the CLI and the extension load them alike.
const entry = [...validatorImports, '', 'export const VALIDATORS = {', ...validatorEntries, '};', ''].join('\n');
esbuild.buildSync({
  stdin: { contents: entry, resolveDir: path.dirname(VALIDATORS_OUT), loader: 'js' },
  bundle: true,
  minify: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  outfile: VALIDATORS_OUT,
  logLevel: 'warning',
});
writeFileSync(
  VALIDATORS_OUT.replace(/\.js$/, '.d.ts'),
  '// Generated by scripts/gen-schema.ts.\nimport type { SchemaValidator } from "./types";\nexport declare const VALIDATORS: Record<string, SchemaValidator>;\n',
);

const catalog: Catalog = {
  stamp,
  sources: Object.fromEntries(PACKAGES.map((p) => [p, pkgVersion(p)])),
  missing,
  kinds,
  nodes,
};
writeFileSync(OUT, JSON.stringify(catalog));
console.log(
  `schema catalog: ${Object.keys(kinds).length} kind versions, ${nodes.length} distinct nodes, ${(statSync(OUT).size / 1024).toFixed(0)} KiB in ${Date.now() - started} ms` +
    (missing.length ? `; no model for ${missing.join(', ')}` : ''),
);

// Hostile and broken inputs, shared by the bad-input tests and the bad-input bench so that both
// measure the same bytes.
const enc = new TextEncoder();

/** Service default/reviews, lines 0-6. */
export const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  ports:\n  - {name: http, port: 9080}\n';

export const configMap = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;

/** How deep the nesting inputs go. */
export const DEPTH = 10_000;

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be reproduced. */
export function noise(n: number, seed = 0x2545f491): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A PNG signature and IHDR chunk header (NUL bytes at offset 8) followed by 4 KiB of noise. */
export function binaryPng(): Uint8Array {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52];
  return new Uint8Array([...head, ...noise(4096)]);
}

/** At least `bytes` of valid ConfigMap documents: a generated bundle. */
export function bundle(bytes: number): Uint8Array {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\n  namespace: shop\ndata:\n  value: "${'x'.repeat(200)}"\n---\n`;
    docs.push(doc);
    size += doc.length;
  }
  return enc.encode(docs.join(''));
}

/**
 * The classic 9x9 "billion laughs": `a` holds nine strings, each next key nine aliases of the one
 * before, so `i` expands to 9^9 strings. Line k is `<key>: &<key> [...]`; the first alias, `*a`, is
 * on line 1 at column 7 (+ indent).
 */
export function laughs(indent = ''): string {
  const keys = 'abcdefghi';
  const lines = [`${indent}a: &a [${Array(9).fill('"lol"').join(', ')}]`];
  for (let k = 1; k < keys.length; k++) lines.push(`${indent}${keys[k]}: &${keys[k]} [${Array(9).fill(`*${keys[k - 1]}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

/** A Service whose label value holds the invalid UTF-8 sequence 0xC3 0x28 (line 5: `    app: re` + bytes). */
export function invalidUtf8(): Uint8Array {
  const before = enc.encode('apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  labels:\n    app: re');
  const after = enc.encode('views\nspec:\n  ports:\n  - {name: http, port: 9080}\n');
  return new Uint8Array([...before, 0xc3, 0x28, ...after]);
}

/** A Service indented with tabs (an editor set to tabs), then a valid ConfigMap. */
export const TABS =
  'apiVersion: v1\nkind: Service\nmetadata:\n\tname: reviews\n\tlabels:\n\t\tapp: reviews\nspec:\n\tports:\n\t- port: 9080\n' +
  '---\n' +
  configMap('settings', '  mode: canary\n');

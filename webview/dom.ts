// The only way the viewer makes DOM: elements with attributes and text children. Every string from
// a span goes in through textContent (a Text node), never as markup, so a span name that holds
// `<img onerror=…>` shows those characters and nothing else.
type Child = Node | string | number | false | null | undefined;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    // Event handlers are attached with addEventListener by the caller, never as attributes.
    if (k.startsWith('on')) throw new Error(`el(): ${k} is not allowed`);
    // Through the CSSOM: the CSP (no 'unsafe-inline') refuses style attributes, not style objects.
    if (k === 'style') e.style.cssText = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(e: Node): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

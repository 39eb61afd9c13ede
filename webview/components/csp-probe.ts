// Imported before the toolkit, undone right after it has loaded (components/index.ts).
//
// While the toolkit's modules load, @microsoft/fast-web-utilities tests once whether the browser knows
// `:focus-visible`, by appending an empty inline <style> to <head> and inserting a rule into its
// sheet. Our CSP has no 'unsafe-inline' for styles (and must not get it), so the browser refuses the
// element and logs a violation, and the toolkit concludes "no" (focus rings on every mouse click).
// For that load only, an empty <style> given to <head> gets a constructable stylesheet as its sheet
// instead of being attached: insertRule still throws for a selector the browser does not know, so
// the test means the same, and no inline style is ever applied.
type Head = HTMLHeadElement & { appendChild: <T extends Node>(node: T) => T; removeChild: <T extends Node>(node: T) => T };

const head = document.head as Head;
const probes = new WeakSet<Node>();
const constructable = typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype;

if (constructable) {
  head.appendChild = function <T extends Node>(this: Head, node: T): T {
    if (node instanceof HTMLStyleElement && !node.textContent) {
      Object.defineProperty(node, 'sheet', { value: new CSSStyleSheet(), configurable: true });
      probes.add(node);
      return node;
    }
    return HTMLHeadElement.prototype.appendChild.call(this, node) as T;
  };
  head.removeChild = function <T extends Node>(this: Head, node: T): T {
    if (probes.delete(node)) return node;
    return HTMLHeadElement.prototype.removeChild.call(this, node) as T;
  };
}

/** Back to the browser's own appendChild/removeChild, once the toolkit has loaded. */
export function endStyleProbe(): void {
  if (!constructable) return;
  delete (head as Partial<Head>).appendChild;
  delete (head as Partial<Head>).removeChild;
}

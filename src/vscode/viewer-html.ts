// The webview's HTML, made from the viewer's own index.html (dist/webview/index.html, the page
// `meshlens serve` also serves) so that the two hosts load the same page. Pure: a template and a
// few strings in, HTML out; no vscode, so it is unit-tested in plain mocha.
//
// What it guarantees, whatever the template holds (DESIGN.md house rule 11):
// - exactly one Content-Security-Policy, the first thing in <head>: nothing but our own files from
//   the extension (cspSource) and scripts carrying this load's nonce;
// - every script that survives has a `src` and the nonce; inline scripts (a body, or a `src` with a
//   body) and inline event handlers (`onclick=`) are removed, not just blocked by the CSP;
// - the template's relative URLs (viewer.js, viewer.css) point at webview URIs.

export interface ViewerHtmlOptions {
  /** Fresh for every load of the page (newNonce()): a nonce that repeats is no protection. */
  readonly nonce: string;
  /** `webview.cspSource`: the origin the webview loads the extension's files from. */
  readonly cspSource: string;
  /** The webview URI of a file of dist/webview, by its path relative to that folder ("viewer.js"). */
  readonly assetUri: (relativePath: string) => string;
}

const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i;

/** 128 random bits, base64: the nonce of one page load. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function viewerCsp(nonce: string, cspSource: string): string {
  if (!NONCE.test(nonce)) throw new Error('viewerCsp: the nonce must be at least 16 base64 characters');
  // A cspSource is one or more sources separated by spaces: https://*.vscode-cdn.net in VS Code,
  // "<extension URL>/ https://*.vscode-cdn.net" when the extension is served over http(s) as in
  // code-server. Anything that could end the directive or the attribute would let the template
  // widen the policy, so each source is checked.
  const sources = cspSource.trim().split(/\s+/);
  if (cspSource.trim() === '' || !sources.every((src) => src === "'self'" || /^[^\s;,'"<>]+$/.test(src))) throw new Error(`viewerCsp: not a CSP source: ${JSON.stringify(cspSource)}`);
  cspSource = sources.join(' ');
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    // default-src does not cover these two: a <base> or a <form> injected into the page could
    // otherwise redirect our relative URLs or post the page's data away.
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function viewerHtml(template: string, options: ViewerHtmlOptions): string {
  const { nonce } = options;
  const csp = viewerCsp(nonce, options.cspSource);
  const ours = `<script nonce="${escapeAttr(nonce)}" src=`;
  const url = (value: string): string => {
    if (ABSOLUTE.test(value)) return value;
    return options.assetUri(value.replace(/^(?:\.\/|\/)+/, ''));
  };

  let html = template
    // The template's own policy (the browser's) is replaced, never merged: two policies would
    // both apply, and ours must be the only one that matters.
    .replace(/<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/gi, '')
    .replace(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi, (_all, attrs: string, body: string) => {
      const a = attributes(attrs);
      const src = a.get('src');
      if (!src || body.trim() !== '' || /^\s*javascript:/i.test(src)) return '';
      const kept = [`nonce="${escapeAttr(nonce)}"`, `src="${escapeAttr(url(src))}"`];
      const type = a.get('type');
      if (type === 'module') kept.push('type="module"');
      for (const flag of ['defer', 'async']) if (a.has(flag)) kept.push(flag);
      return `<script ${kept.join(' ')}></script>`;
    })
    // An opening tag left without its end (or an end tag without its start) is dropped: only the
    // tags made just above, with this load's nonce, stay.
    .replace(/<script\b[^>]*>/gi, (tag) => (tag.startsWith(ours) ? tag : ''));

  // Inline handlers and javascript: URLs in any remaining tag; relative src/href to webview URIs.
  html = html.replace(/<([a-z][a-z0-9-]*)\b([^>]*)>/gi, (all, tag: string, attrs: string) => {
    if (tag.toLowerCase() === 'script') return all;
    const rewritten = attrs
      .replace(/\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, '')
      .replace(/(\s(?:src|href)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi, (_m, lead: string, d?: string, s?: string, bare?: string) => {
        const value = decodeEntities(d ?? s ?? bare ?? '');
        if (/^\s*javascript:/i.test(value)) return '';
        return `${lead}"${escapeAttr(url(value))}"`;
      });
    return `<${tag}${rewritten}>`;
  });

  const meta = `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">`;
  const head = /<head\b[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
  return meta + html;
}

/** Attribute names (lower case) to values ('' for a bare flag) of one tag. */
function attributes(attrs: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let m = re.exec(attrs); m; m = re.exec(attrs)) out.set(m[1].toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|quot|#39|lt|gt);/g, (_m, e: string) => ({ amp: '&', quot: '"', '#39': "'", lt: '<', gt: '>' })[e] ?? _m);
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

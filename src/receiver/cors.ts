// Which browser origins may post spans. By default only pages served from this machine: a web
// page elsewhere must not be able to fill (or flood) the developer's local trace store. A list
// given instead names each origin exactly; there is no wildcard (`*` matches nothing), since "any
// page on the web" is the one answer this check exists to refuse.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isAllowedOrigin(origin: string, allowed: readonly string[] | undefined): boolean {
  if (allowed) return origin !== '*' && allowed.includes(origin);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return LOOPBACK.has(url.hostname) || url.hostname.endsWith('.localhost');
}

export class CorsOriginError extends Error {
  override readonly name = 'CorsOriginError';
}

/**
 * A configured origin as browsers send it (`https://app.example:8443`), or a CorsOriginError that
 * says why not: `*`, a path, or a scheme other than http(s) never match an Origin header.
 */
export function parseCorsOrigin(value: string): string {
  const v = value.trim();
  if (v === '*' || v.includes('*')) throw new CorsOriginError(`CORS origin ${JSON.stringify(value)}: wildcards are not allowed; list each origin, e.g. https://app.example`);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new CorsOriginError(`CORS origin ${JSON.stringify(value)} is not an origin; give scheme://host[:port], e.g. http://localhost:5173`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw new CorsOriginError(`CORS origin ${JSON.stringify(value)} is not an origin; give scheme://host[:port] only, e.g. https://app.example`);
  }
  return url.origin;
}

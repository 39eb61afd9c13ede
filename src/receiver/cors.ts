// Which browser origins may post spans. By default only pages served from this machine: a web
// page elsewhere must not be able to fill (or flood) the developer's local trace store.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isAllowedOrigin(origin: string, allowed: readonly string[] | undefined): boolean {
  if (allowed) return allowed.includes('*') || allowed.includes(origin);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return LOOPBACK.has(url.hostname) || url.hostname.endsWith('.localhost');
}

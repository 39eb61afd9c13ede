/**
 * The parts of Go's `url.ParseRequestURI` that the CRD's CEL `url()` / `isURL()` and Istio's
 * webhook rely on: a scheme (lower-cased), and whether the text parses at all. Go refuses control
 * characters, a relative reference without a scheme, bad `%` escapes, and characters that may not
 * appear in a user name or host.
 */
export type ParsedUrl = { ok: true; scheme: string } | { ok: false; reason: string };

const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
// Go's validUserinfo and the host characters shouldEscape lets through in encodeHost mode.
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;
const HOST = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%]*$/;

export function parseRequestUri(raw: string): ParsedUrl {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what Go refuses
  if (/[\x00-\x1f\x7f]/.test(raw)) return { ok: false, reason: 'invalid control character in URL' };
  if (raw === '') return { ok: false, reason: 'empty url' };
  let scheme = '';
  let rest = raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (c === ':') {
      if (i === 0) return { ok: false, reason: 'missing protocol scheme' };
      scheme = raw.slice(0, i).toLowerCase();
      rest = raw.slice(i + 1);
      break;
    }
    // A digit or + - . may continue a scheme but not start one; anything else means there is none.
    if (i > 0 && SCHEME_CHAR.test(c)) continue;
    break;
  }
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { ok: true, scheme }; // opaque, such as `mailto:x`
    return { ok: false, reason: 'invalid URI for request' };
  }
  if (rest.startsWith('//') && !(scheme === '' && rest.startsWith('///'))) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    const authority = slash < 0 ? afterSlashes : afterSlashes.slice(0, slash);
    const path = slash < 0 ? '' : afterSlashes.slice(slash);
    const at = authority.lastIndexOf('@');
    const host = at < 0 ? authority : authority.slice(at + 1);
    if (at >= 0 && !USERINFO.test(authority.slice(0, at))) return { ok: false, reason: 'invalid userinfo' };
    if (!HOST.test(host) || !validEscapes(host)) return { ok: false, reason: 'invalid character in host name' };
    const colon = host.startsWith('[') ? host.indexOf(']:') + 1 : host.lastIndexOf(':');
    if (colon > 0 && !/^\d*$/.test(host.slice(colon + 1))) return { ok: false, reason: 'invalid port' };
    rest = path;
  }
  if (!validEscapes(rest)) return { ok: false, reason: 'invalid URL escape' };
  return { ok: true, scheme };
}

function validEscapes(s: string): boolean {
  for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
    if (!/^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) return false;
  }
  return true;
}

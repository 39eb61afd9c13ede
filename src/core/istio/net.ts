/**
 * Addresses and host names the way Istio's Go validation reads them (`netip.ParseAddr`,
 * `netip.ParsePrefix`, `labels.IsDNS1123Label`, `agent.ValidateWildcardDomain`, `host.Name.Matches`).
 */

/** Dotted-decimal IPv4 as netip reads it: four fields, 0-255, no leading zeros. */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6 as netip reads it: `::` at most once, hex groups of 1-4 digits, an optional IPv4 tail and zone. */
export function isIPv6(s: string, allowZone = true): boolean {
  let text = s;
  const pct = text.indexOf('%');
  if (pct >= 0) {
    if (!allowZone || pct === text.length - 1) return false;
    text = text.slice(0, pct);
  }
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(text.slice(lastColon + 1))) return false;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (![...head, ...tail].every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = head.length + tail.length;
  // `::` stands for at least one group of zeros.
  return halves.length === 2 ? count < 8 : count === 8;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** `a.b.c.d/n` or `x::/n`, as netip.ParsePrefix reads it (no zone, bits in range, no leading zeros). */
export function isCIDR(s: string): boolean {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return false;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^(0|[1-9]\d*)$/.test(bits)) return false;
  if (isIPv4(addr)) return Number(bits) <= 32;
  if (isIPv6(addr, false)) return Number(bits) <= 128;
  return false;
}

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

export function isDNS1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** Why a domain name is refused, in the words of Istio's validation; undefined when it is fine. */
export function domainProblem(domain: string, wildcard: boolean): string | undefined {
  if (domain.length === 0) return 'empty domain name not allowed';
  if (domain.length > 255) return 'domain name too long (max 255)';
  let rest = domain;
  if (wildcard) {
    const dot = domain.indexOf('.');
    const first = dot < 0 ? domain : domain.slice(0, dot);
    if (!(first.length <= 63 && WILDCARD_LABEL.test(first))) return `label "${first}" invalid`;
    if (dot < 0) return undefined;
    rest = domain.slice(dot + 1);
  }
  const labels = rest.split('.');
  const top = labels[labels.length - 1];
  if (/^[+-]?\d+$/.test(top)) return `top level domain "${top}" cannot be all-numeric`;
  for (let i = 0; i < labels.length; i++) {
    // A trailing dot (`istio.io.`) is allowed.
    if (i === labels.length - 1 && labels[i] === '') return undefined;
    if (!isDNS1123Label(labels[i])) return `label "${labels[i]}" invalid`;
  }
  return undefined;
}

/** Istio's `host.Name.Matches`: equal, or one wildcard host covering the other. */
export function hostsOverlap(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

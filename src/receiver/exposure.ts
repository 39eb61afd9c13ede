// Whether an address the receivers (and serve's API) listen on keeps them on this machine, and the
// warning people get when it does not. The receivers take spans from anyone who can connect, and
// serve's API hands every stored span to anyone who can connect: on an address other networks reach,
// that is whoever is on the same Wi-Fi. The default is loopback; a host set by hand is the user's
// choice, and the warning says what it exposes so that it is made knowingly.
import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1, `localhost` (and its subdomains, which resolvers keep on loopback), ::ffff:127.x. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    if (h === '::1' || /^0*:(0*:)*0*1$/.test(h) || /^(0*:){7}0*1$/.test(h)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1].startsWith('127.');
  }
  return false;
}

/** What listens on the host: a port and what it gives anyone who connects. */
export interface ExposedListener {
  readonly label: string;
  readonly port: number;
  /** True for serve's API and viewer, which answer with the stored spans. */
  readonly readsData?: boolean;
}

/**
 * The warning for a host that is not loopback, or undefined for loopback. `setting` names where
 * the user changes it (`meshlens.receiver.host`, `--host`).
 */
export function exposureWarning(host: string, listeners: readonly ExposedListener[], setting: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const all = host === '0.0.0.0' || host === '::' || host === '' || host === '[::]';
  const where = all ? `${host || '0.0.0.0'} (every network interface of this machine)` : host;
  const ports = listeners.map((l) => `${l.label} ${l.port}`).join(', ');
  const reads = listeners.some((l) => l.readsData);
  return (
    `listening on ${where}, not only on this machine: anyone who can reach it on the network can send spans to ${ports}` +
    (reads ? ', and read every stored trace (span names, attributes, logs) through the API and viewer' : '') +
    `. There is no authentication. Set ${setting} to 127.0.0.1 unless apps in containers or on other machines must reach it, and then allow only them in a firewall.`
  );
}

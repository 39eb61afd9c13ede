// One wording for every listener that cannot bind (OTLP/HTTP, OTLP/gRPC, Zipkin, the API server):
// what happened, on which port, who probably holds it, and what the user can do about it without
// knowing our process.
import * as fs from 'node:fs';

/** Listening failed: the port is taken or not ours to take. `code` is the system's (EADDRINUSE, EACCES). */
export class ReceiverListenError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly code: string,
    message: string,
    /** The listener, as in the message: "OTLP/HTTP receiver", "API server". */
    readonly label = '',
    /** Who holds the port, when the system tells us: "process 4242 (otelcol)". */
    readonly owner?: string,
  ) {
    super(message);
    this.name = 'ReceiverListenError';
  }
}

/**
 * The error for `label` (e.g. "OTLP/HTTP receiver") failing to listen on host:port with the system
 * error `code`; `other` names what probably holds the port ("OTLP receiver", "process").
 */
export function listenError(label: string, host: string, port: number, code: string, detail: string, other: string): ReceiverListenError {
  const owner = code === 'EADDRINUSE' ? portOwner(port) : undefined;
  const why =
    code === 'EADDRINUSE'
      ? owner
        ? `port ${port} on ${host} is already in use (EADDRINUSE) by ${owner}; stop it or choose another port`
        : `port ${port} on ${host} is already in use (EADDRINUSE); stop the other ${other} or choose another port`
      : code === 'EACCES'
        ? `not allowed to listen on port ${port} on ${host} (EACCES); choose a port above 1023`
        : `cannot listen on ${host}:${port}: ${detail}`;
  return new ReceiverListenError(host, port, code, `${label}: ${why}`, label, owner);
}

/** At most this many descriptors are looked at: the search runs once, on a failure, and must stay quick. */
const MAX_FDS_SCANNED = 20_000;

/**
 * "process 4242 (otelcol)" for the process of this user that listens on TCP `port`, from Linux's
 * /proc; undefined elsewhere, when the holder belongs to another user (its descriptors are not
 * readable), or when it is this very process (another listener of ours: the label says which).
 * Best effort, never throws.
 */
export function portOwner(port: number): string | undefined {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text: string;
      try {
        text = fs.readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        // sl local_address rem_address st ... uid timeout inode
        const f = line.trim().split(/\s+/);
        if (f.length < 10 || f[3] !== '0A') continue; // 0A: LISTEN
        if (parseInt(f[1].slice(f[1].lastIndexOf(':') + 1), 16) === port && f[9] !== '0') inodes.add(`socket:[${f[9]}]`);
      }
    }
    if (inodes.size === 0) return undefined;
    let scanned = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let fds: string[];
      try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        if (++scanned > MAX_FDS_SCANNED) return undefined;
        let target: string;
        try {
          target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        if (!inodes.has(target)) continue;
        if (Number(pid) === process.pid) return undefined;
        let name = '';
        try {
          name = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        } catch {
          // Gone meanwhile: the pid is all there is.
        }
        return name ? `process ${pid} (${name})` : `process ${pid}`;
      }
    }
  } catch {
    // Not Linux, or /proc not mounted: no hint.
  }
  return undefined;
}

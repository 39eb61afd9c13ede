// Which local addresses a port is listened on, read from the kernel's socket tables: what the
// process really bound, not what it says it bound. Linux only (this machine and CI).
import * as fs from 'node:fs';

function ipv4(hex: string): string {
  // Little-endian bytes: 0100007F is 127.0.0.1.
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

function ipv6(hex: string): string {
  // Four little-endian 32-bit words.
  const words: string[] = [];
  for (let w = 0; w < 4; w++) {
    const b = hex.slice(w * 8, w * 8 + 8);
    const le = b.slice(6, 8) + b.slice(4, 6) + b.slice(2, 4) + b.slice(0, 2);
    words.push(le.slice(0, 4), le.slice(4, 8));
  }
  const full = words.map((x) => parseInt(x, 16).toString(16)).join(':');
  if (full === '0:0:0:0:0:0:0:0') return '::';
  if (full === '0:0:0:0:0:0:0:1') return '::1';
  return full;
}

/** The local addresses of the TCP sockets listening on `port` (e.g. ['127.0.0.1'], ['0.0.0.0']). */
export function listeningAddresses(port: number): string[] {
  const out: string[] = [];
  for (const [file, decode] of [['/proc/net/tcp', ipv4], ['/proc/net/tcp6', ipv6]] as const) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== '0A') continue; // 0A: LISTEN
      const [addr, p] = f[1].split(':');
      if (parseInt(p, 16) === port) out.push(decode(addr));
    }
  }
  return out.sort();
}

// A plain node:http client for the receiver tests: one connection per request (agent: false), so a
// connection the receiver closes on purpose cannot leak into the next request.
import * as http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Send {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Uint8Array;
}

export function send(port: number, opts: Send): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/v1/traces', headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Starts a request and hands back the request stream unfinished, for a client that stalls or sends
 * more than it may. The reply promise settles with the response, or with the socket's error if the
 * server closed the connection first (only acceptable where the test says so).
 */
export function open(port: number, opts: Send): { req: http.ClientRequest; reply: Promise<Reply> } {
  const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/v1/traces', headers: opts.headers, agent: false });
  const reply = new Promise<Reply>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { req, reply };
}

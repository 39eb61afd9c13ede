// A minimal Server-Sent Events reader for the tests: resolves `connect` once the server's
// `: connected` comment arrives (from then on, changes reach this client), and hands out events in
// arrival order through `next(type)`, so tests await events instead of sleeping.
import * as http from 'node:http';

export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  private consumed = 0;
  private waiter: (() => void) | undefined;

  private constructor(
    readonly req: http.ClientRequest,
    readonly res: http.IncomingMessage,
  ) {
    res.on('close', () => this.waiter?.());
  }

  /** Resolves with the client once subscribed, or with the status and body when refused. */
  static connect(port: number, path = '/api/stream'): Promise<SseClient | { status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          return;
        }
        const client = new SseClient(req, res);
        let connected = false;
        res.setEncoding('utf8');
        // Chunks are kept apart until an event ends: a multi-megabyte event must not be copied or
        // rescanned per chunk.
        let parts: string[] = [];
        let tail = ''; // the last character received, for a "\n\n" split across chunks
        res.on('data', (chunk: string) => {
          if ((tail + chunk).indexOf('\n\n') < 0) {
            parts.push(chunk);
            tail = chunk.slice(-1) || tail;
            return;
          }
          let text = parts.join('') + chunk;
          parts = [];
          let end: number;
          while ((end = text.indexOf('\n\n')) >= 0) {
            const block = text.slice(0, end);
            text = text.slice(end + 2);
            if (!connected && block.includes(': connected')) {
              connected = true;
              resolve(client);
            }
            client.parse(block);
          }
          if (text) parts.push(text);
          tail = text.slice(-1);
        });
      });
      req.on('error', reject);
    });
  }

  /** The next event not handed out yet; fails the test if it is of another type. */
  async next(type?: string): Promise<SseEvent> {
    while (this.consumed >= this.events.length) {
      if (this.res.complete || this.res.destroyed) throw new Error('stream ended');
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    const e = this.events[this.consumed++];
    if (type !== undefined && e.event !== type) throw new Error(`expected a ${type} event, got ${e.event}: ${JSON.stringify(e.data).slice(0, 200)}`);
    return e;
  }

  close(): void {
    this.req.destroy();
  }

  private parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    this.events.push({ event, data: JSON.parse(data.join('\n')) });
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

// The live channel over Server-Sent Events: the store's change events, coalesced and throttled to
// one `changed` event per window for all clients, a heartbeat comment so proxies and browsers keep
// (or notice a dead) connection, and a bound on clients.
//
// Slow readers: `res.write` returning false means the socket is backed up. That client's events
// are then dropped (not queued: a reader that never reads must not grow our memory) until its
// socket drains; then it gets one `resync` event, upon which the viewer refetches its snapshot.
// The event that hit the limit is still delivered, so at most one event per client sits in memory
// beyond the socket's buffers.
//
// Reconnects: the preamble carries an `id`, so a browser's EventSource that lost the connection
// (a closed laptop lid, a restarted server) sends Last-Event-ID when it reconnects. Whatever
// changed in between was never sent, so such a client gets a `resync` at once and refetches its
// snapshot: nothing that arrived while it was away is missing from its list.
import type * as http from 'node:http';
import { ChangeCoalescer, type StoreChange } from '../core/trace';
import type { LiveMessage } from '../shared/protocol';

export const DEFAULT_THROTTLE_MS = 250;
export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_STREAM_CLIENTS = 32;

export interface LiveStreamOptions {
  /** Where changes come from: the TraceStore. */
  readonly source: { subscribe(listener: (change: StoreChange) => void): () => void };
  readonly throttleMs?: number;
  readonly heartbeatMs?: number;
  readonly maxClients?: number;
}

interface Client {
  readonly res: http.ServerResponse;
  /** The socket is backed up: write nothing until it drains. */
  blocked: boolean;
  /** Something was dropped while blocked: send `resync` on drain. */
  dropped: boolean;
}

export class LiveStream {
  private readonly clients = new Set<Client>();
  private readonly coalescer = new ChangeCoalescer();
  private readonly throttleMs: number;
  private readonly maxClients: number;
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = -Infinity;
  /** Connections accepted: the preamble's id. */
  private connections = 0;

  constructor(options: LiveStreamOptions) {
    this.throttleMs = options.throttleMs ?? DEFAULT_THROTTLE_MS;
    this.maxClients = options.maxClients ?? DEFAULT_MAX_STREAM_CLIENTS;
    this.unsubscribe = options.source.subscribe((change) => this.onChange(change));
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n', false), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over the response as an event stream; false (nothing written) when the bound is reached. */
  accept(res: http.ServerResponse): boolean {
    if (this.clients.size >= this.maxClients) return false;
    const client: Client = { res, blocked: false, dropped: false };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    // The comment tells the client it is subscribed: changes from here on will reach it.
    this.write(client, `retry: 3000\nid: ${++this.connections}\n: connected\n\n`, false);
    if (res.req?.headers['last-event-id'] !== undefined) this.write(client, event({ type: 'resync' }));
    return true;
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private onChange(change: StoreChange): void {
    // Nobody listens: a client that connects later starts from a snapshot anyway.
    if (this.clients.size === 0) return;
    this.coalescer.add(change);
    if (this.timer) return;
    // Never synchronously inside the store's ingest call: a burst in the same tick is one event.
    const wait = Math.max(0, this.lastSentAt + this.throttleMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const msg = this.coalescer.take();
    if (!msg) return;
    this.lastSentAt = Date.now();
    this.broadcast(event(msg));
  }

  private broadcast(chunk: string, isEvent = true): void {
    for (const c of this.clients) this.write(c, chunk, isEvent);
  }

  /** `isEvent` false: a comment, whose loss needs no resync. */
  private write(c: Client, chunk: string, isEvent = true): void {
    if (c.res.destroyed || c.res.writableEnded) return;
    if (c.blocked) {
      if (isEvent) c.dropped = true;
      return;
    }
    if (c.res.write(chunk)) return;
    c.blocked = true;
    c.res.once('drain', () => {
      c.blocked = false;
      if (c.dropped) {
        c.dropped = false;
        this.write(c, event({ type: 'resync' }));
      }
    });
  }
}

function event(msg: LiveMessage): string {
  return `event: ${msg.type}\ndata: ${JSON.stringify(msg)}\n\n`;
}

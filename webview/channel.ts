// The viewer's side of the protocol (src/shared/protocol.ts), over whichever transport it runs on:
// postMessage in a VS Code webview, HTTP (POST /api/rpc) and Server-Sent Events (/api/stream) in a
// browser served by `meshlens serve`. The views see one interface and never know which.
import type { DebugSessionsMessage, HostToViewer, LiveMessage, ViewerMethod, ViewerMethods, ViewerRequest, ViewerResponse, ViewerState } from '../src/shared/protocol';

export interface Channel {
  request<M extends ViewerMethod>(method: M, params: ViewerMethods[M]['params']): Promise<ViewerMethods[M]['result']>;
  onLive(listener: (msg: LiveMessage) => void): void;
  /** The host's debug sessions (VS Code only: a browser served by `meshlens serve` has no debugger). */
  onDebugSessions(listener: (msg: DebugSessionsMessage) => void): void;
  /** Where the viewer runs: links to code differ (a command in VS Code, vscode:// in a browser). */
  readonly inVsCode: boolean;
  getState(): ViewerState | undefined;
  setState(state: ViewerState): void;
}

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

const STATE_KEY = 'meshlens.viewer';

export function createChannel(): Channel {
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const listeners: ((msg: LiveMessage) => void)[] = [];
  const live = (msg: LiveMessage) => {
    for (const l of listeners) l(msg);
  };
  let nextId = 1;
  const sessionListeners: ((msg: DebugSessionsMessage) => void)[] = [];

  if (api) {
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    window.addEventListener('message', (e: MessageEvent<HostToViewer>) => {
      const msg = e.data;
      if (!msg || typeof msg !== 'object') return;
      if (msg.type === 'response') {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if ('error' in msg) p.reject(new Error(msg.error));
        else p.resolve(msg.result);
      } else if (msg.type === 'changed' || msg.type === 'resync') live(msg);
      else if (msg.type === 'debugSessions' && Array.isArray(msg.sessions)) for (const l of sessionListeners) l(msg);
    });
    api.postMessage({ type: 'ready' });
    return {
      inVsCode: true,
      request(method, params) {
        const id = nextId++;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          api.postMessage({ type: 'request', id, method, params } as ViewerRequest);
        });
      },
      onLive: (l) => void listeners.push(l),
      onDebugSessions: (l) => void sessionListeners.push(l),
      getState: () => (api.getState() as ViewerState | undefined) ?? undefined,
      setState: (s) => api.setState(s),
    };
  }

  const stream = new EventSource('api/stream');
  for (const type of ['changed', 'resync'] as const) {
    stream.addEventListener(type, (e) => {
      try {
        live(JSON.parse((e as MessageEvent<string>).data) as LiveMessage);
      } catch {
        // A malformed event is the server's bug; the next snapshot repairs the view.
      }
    });
  }
  return {
    inVsCode: false,
    async request(method, params) {
      const id = nextId++;
      const res = await fetch('api/rpc', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'request', id, method, params }) });
      const body = (await res.json()) as ViewerResponse | { error: string };
      if ('error' in body) throw new Error(body.error);
      return (body as { result: ViewerMethods[typeof method]['result'] }).result;
    },
    onLive: (l) => void listeners.push(l),
    onDebugSessions: (l) => void sessionListeners.push(l),
    getState() {
      try {
        const raw = sessionStorage.getItem(STATE_KEY);
        return raw ? (JSON.parse(raw) as ViewerState) : undefined;
      } catch {
        return undefined;
      }
    },
    setState(s) {
      try {
        sessionStorage.setItem(STATE_KEY, JSON.stringify(s));
      } catch {
        // Storage may be off (private windows); the state is a convenience.
      }
    },
  };
}

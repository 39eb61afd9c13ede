import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenError } from '../receiver/listen-error';

/**
 * Listens and resolves with the real port (0 picks one). A failure is a ReceiverListenError whose
 * message says what to do, prefixed by `label`, so the CLI reports every listener the same way.
 */
export function listen(server: http.Server, host: string, port: number, label: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(listenError(label, host, port, e.code ?? 'UNKNOWN', e.message, 'process'));
    };
    const onListening = (): void => {
      server.off('error', onError);
      // After listening, a server error (rare: EMFILE on accept) must not crash the process.
      server.on('error', () => undefined);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

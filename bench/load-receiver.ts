// The receiver process of bench/load.ts and bench/soak.ts: the trace service as the extension runs
// it (receivers, store, service graph in a worker thread, started by startTraceService), alone in a
// process so that its RSS is its own. Bundled with the worker by bench/load.ts, as the extension
// ships. Talks to the bench over IPC: 'ready' with the ports, 'rss' samples, 'stats' on request.
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { startTraceService } from '../src/receiver/trace-service';

type FromBench = { type: 'stats'; id: number } | { type: 'stop' };

async function main(): Promise<void> {
  const sampleMs = Number(process.argv[2] ?? 1000);
  const worker = path.join(__dirname, 'load-worker.js');
  const svc = await startTraceService(() => new Worker(worker), { httpPort: 0, grpcPort: 0 });
  const port = (name: string) => svc.listeners.find((l) => l.name === name)!.port;
  const send = (m: unknown) => process.send!(m);
  const t0 = Date.now();
  const sample = () => send({ type: 'rss', t: (Date.now() - t0) / 1000, rssMb: process.memoryUsage.rss() / 2 ** 20 });
  sample();
  const timer = setInterval(sample, sampleMs);
  send({ type: 'ready', httpPort: port('otlpHttp'), grpcPort: port('otlpGrpc') });
  process.on('message', (m: FromBench) => {
    if (m.type === 'stats') {
      void svc.request('stats', {}).then((stats) => send({ type: 'stats', id: m.id, stats, rssMb: process.memoryUsage.rss() / 2 ** 20 }));
    } else if (m.type === 'stop') {
      clearInterval(timer);
      void svc.close().then(() => process.disconnect());
    }
  });
  // The bench went away without a stop: do not linger.
  process.on('disconnect', () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

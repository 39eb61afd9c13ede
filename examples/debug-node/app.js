// A small Node program instrumented with the OpenTelemetry SDK, to try MeshLens's debugger path:
// it serves a few HTTP requests to itself (a client span, the server span it causes, and a child
// span for the "database" work), then flushes and exits. It sets no endpoint or service name of its
// own: the SDK reads the OTEL_* variables, which MeshLens adds when the debugger launches it
// (launch configuration "Debug Node example (MeshLens)" in examples/.vscode/launch.json).
//
// Plain JavaScript run by node, no build step. The OpenTelemetry packages come from the repository's
// node_modules (the launch configuration sets NODE_PATH to it).
'use strict';
const http = require('node:http');
const { context, propagation, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { defaultResource, detectResources, envDetector } = require('@opentelemetry/resources');

// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (with MeshLens's debug-session attribute) come in
// through the environment detector; the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT itself.
const provider = new NodeTracerProvider({
  resource: defaultResource().merge(detectResources({ detectors: [envDetector] })),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 200 })],
});
provider.register();
const tracer = trace.getTracer('meshlens-debug-example');

// What auto-instrumentation would record about the code: where the handler is, so MeshLens's
// "Show Trace of Current Request" can match a breakpoint here to its span.
const codeAttributes = (line) => ({ 'code.file.path': __filename, 'code.line.number': line, 'code.function.name': 'handle' });

const ORDERS = { 1: { id: 1, item: 'book', qty: 2 }, 2: { id: 2, item: 'lamp', qty: 1 } };

function lookUp(id) {
  return tracer.startActiveSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'memory', 'db.query.text': 'SELECT * FROM orders WHERE id = ?' } }, (span) => {
    const order = ORDERS[id];
    span.end();
    return order;
  });
}

function handle(req, res) {
  const parent = propagation.extract(context.active(), req.headers);
  const route = req.url.startsWith('/orders/') ? '/orders/:id' : req.url;
  const span = tracer.startSpan(`GET ${route}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': route, 'url.path': req.url, ...codeAttributes(39) } }, parent);
  context.with(trace.setSpan(parent, span), () => {
    const order = route === '/orders/:id' ? lookUp(req.url.slice('/orders/'.length)) : undefined; // a breakpoint here pauses a request
    const status = route === '/orders/:id' && !order ? 404 : 200;
    span.setAttribute('http.response.status_code', status);
    if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: 'no such order' });
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(order ?? { ok: status === 200 }));
    span.end();
  });
}

function get(port, path) {
  return tracer.startActiveSpan(`GET ${path.startsWith('/orders/') ? '/orders/:id' : path}`, { kind: SpanKind.CLIENT, attributes: { 'url.full': `http://127.0.0.1:${port}${path}` } }, (span) =>
    new Promise((resolve, reject) => {
      const headers = {};
      propagation.inject(context.active(), headers);
      http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          span.setAttribute('http.response.status_code', res.statusCode);
          if (res.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          resolve(res.statusCode);
        });
      }).on('error', (e) => {
        span.recordException(e);
        span.end();
        reject(e);
      });
    }),
  );
}

async function main() {
  const server = http.createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  for (const path of ['/orders/1', '/orders/2', '/orders/3', '/health']) {
    console.log(`GET ${path} -> ${await get(port, path)}`);
  }
  server.close();
  // Everything is exported before the process ends.
  await provider.shutdown();
  console.log(`sent to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'the default endpoint'} as ${process.env.OTEL_SERVICE_NAME ?? 'unknown_service'}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

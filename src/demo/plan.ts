// One simulated Bookinfo request as data: every span with its workload, kind, times, attributes,
// status and exception, before anything touches the SDK. Times are ms from the request's start;
// the runner shifts them to the wall clock, so no span waits for its own duration.
//
// The request (names as in examples/bookinfo/app/):
//   user -> productpage GET /productpage (SERVER)
//     -> details GET /details/{id} (HTTP CLIENT + SERVER)
//     -> reviews GET /reviews/{id} (HTTP CLIENT + SERVER), version by user and split
//          v2, v3 -> ratings ratings.Ratings/GetRating (gRPC CLIENT + SERVER)
//                      -> MongoDB find ratings (CLIENT only: databases are not traced)
//          -> Kafka publish review-events (PRODUCER) -> notifications process (CONSUMER, child)
import { CODE, FRAMES, hostOf, KAFKA_PORT, KAFKA_TOPIC, MONGODB_DATABASE, MONGODB_PORT, PUBLIC_HOST, RATINGS_GRPC_PORT, SERVICE_PORT, WORKLOADS, type CodeKey, type ReviewsVersion, type Workload } from './mesh';
import { chance, lognormal, type Random } from './random';

export type PlanKind = 'server' | 'client' | 'producer' | 'consumer';
export type PlanAttributes = Record<string, string | number | boolean | string[]>;

export interface PlannedException {
  readonly type: string;
  readonly message: string;
  readonly stacktrace: string;
}

export interface PlannedSpan {
  readonly workload: Workload;
  readonly name: string;
  readonly kind: PlanKind;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: PlanAttributes;
  /** Status ERROR with this description. */
  readonly error?: string;
  /** An `exception` event at the span's end. */
  readonly exception?: PlannedException;
  readonly children: readonly PlannedSpan[];
}

export interface PlannedRequest {
  readonly root: PlannedSpan;
  readonly user: string;
  readonly reviewsVersion: ReviewsVersion;
  readonly spans: number;
  /** The last end of any span (the Kafka consumer may finish after the page). */
  readonly endMs: number;
}

export interface PlanOptions {
  /** Share of requests (not jason's) that reviews v1 gets, 0..1; v2 gets the rest. */
  readonly v1Share: number;
  /** Share of requests made by the user jason, whom the mesh sends to reviews v3. */
  readonly jasonShare: number;
  /** How code.file.path names the folder of examples/bookinfo/app (relative or absolute). */
  readonly codeRoot: string;
}

const USERS = ['', '', '', 'alice', 'bob', 'carol', 'dave'];

/** A latency (ms) with an occasional slow call: `slowShare` of calls take 5 to 25 times longer. */
function latency(r: Random, medianMs: number, sigma: number, slowShare = 0.01): number {
  const ms = lognormal(r, medianMs, sigma);
  return chance(r, slowShare) ? ms * (5 + 20 * r.next()) : ms;
}

/** Network and sidecar time on one way of a hop. */
function hop(r: Random): number {
  return lognormal(r, 0.35, 0.35);
}

export function planRequest(r: Random, o: PlanOptions): PlannedRequest {
  const code = (key: CodeKey): PlanAttributes => {
    const c = CODE[key];
    const file = `${o.codeRoot}/${c.file}`;
    return {
      'code.function.name': c.fn,
      'code.file.path': file,
      'code.line.number': c.line,
      // The names before semconv 1.30, still what many SDKs and viewers read.
      'code.function': c.fn,
      'code.filepath': file,
      'code.lineno': c.line,
    };
  };
  const frame = (key: keyof typeof FRAMES, async: boolean) => {
    const f = FRAMES[key];
    return `    at ${async ? 'async ' : ''}${f.fn} (${o.codeRoot}/${f.file}:${f.line}:${f.column})`;
  };

  const jason = chance(r, o.jasonShare);
  const user = jason ? 'jason' : USERS[Math.floor(r.next() * USERS.length)];
  const version: ReviewsVersion = jason ? 'v3' : r.next() < o.v1Share ? 'v1' : 'v2';
  const productId = 0;
  let spans = 0;
  let lastEnd = 0;
  const span = (s: PlannedSpan): PlannedSpan => {
    spans++;
    lastEnd = Math.max(lastEnd, s.endMs);
    return s;
  };
  const userHeader: PlanAttributes = user !== '' ? { 'http.request.header.end-user': [user] } : {};

  /** An HTTP call from `from` to `to`: the client span around the server span `serve` builds. */
  const http = (from: Workload, to: Workload, route: string, path: string, startMs: number, fromCode: CodeKey, serve: (serverStartMs: number) => { endMs: number; status: number; attributes?: PlanAttributes; children: PlannedSpan[]; codeKey: CodeKey }) => {
    const serverStart = startMs + hop(r);
    const s = serve(serverStart);
    const end = s.endMs + hop(r);
    const host = hostOf(to.service);
    const failed = s.status >= 500;
    const server = span({
      workload: to,
      name: `GET ${route}`,
      kind: 'server',
      startMs: serverStart,
      endMs: s.endMs,
      attributes: {
        'http.request.method': 'GET',
        'url.scheme': 'http',
        'url.path': path,
        'http.route': route,
        'http.response.status_code': s.status,
        'server.address': host,
        'server.port': SERVICE_PORT,
        'network.protocol.version': '1.1',
        'user_agent.original': 'python-requests/2.31.0',
        ...userHeader,
        ...s.attributes,
        ...code(s.codeKey),
      },
      ...(failed && { error: `HTTP ${s.status}` }),
      children: s.children,
    });
    const client = span({
      workload: from,
      name: `GET ${route}`,
      kind: 'client',
      startMs,
      endMs: end,
      attributes: {
        'http.request.method': 'GET',
        'url.full': `http://${host}:${SERVICE_PORT}${path}`,
        'url.template': route,
        'server.address': host,
        'server.port': SERVICE_PORT,
        'http.response.status_code': s.status,
        'network.protocol.version': '1.1',
        ...(failed && { 'error.type': String(s.status) }),
        ...userHeader,
        ...code(fromCode),
      },
      ...(failed && { error: `HTTP ${s.status}` }),
      children: [server],
    });
    return { client, endMs: end, status: s.status };
  };

  const t0 = 0;
  let t = t0 + lognormal(r, 1.5, 0.3);

  // details: quick, slow now and then (a cold cache), 0.5% answered 503 by an overloaded pod.
  const details = http(WORKLOADS.productpage, WORKLOADS.details, '/details/{id}', `/details/${productId}`, t, 'getProductDetails', (start) => {
    const unavailable = chance(r, 0.005);
    return { endMs: start + (unavailable ? lognormal(r, 0.4, 0.3) : latency(r, 2.5, 0.5, 0.01)), status: unavailable ? 503 : 200, children: [], codeKey: 'getDetails' };
  });
  t = details.endMs + lognormal(r, 0.3, 0.3);

  const reviewsWorkload = WORKLOADS.reviews[version];
  const reviews = http(WORKLOADS.productpage, reviewsWorkload, '/reviews/{id}', `/reviews/${productId}`, t, 'getProductReviews', (start) => {
    const children: PlannedSpan[] = [];
    let rt = start + lognormal(r, 1.2, 0.4);
    if (version !== 'v1') {
      const grpc = ratingsCall(rt);
      children.push(grpc.client);
      rt = grpc.endMs;
      // v2 draws black stars the slow way (the point of its canary); v3's red stars are cheaper.
      rt += version === 'v2' ? latency(r, 14, 0.35, 0.02) : latency(r, 4, 0.4);
    } else {
      rt += latency(r, 3, 0.4);
    }
    const producer = publish(rt);
    children.push(producer.span);
    rt = producer.endMs + lognormal(r, 0.4, 0.3);
    return { endMs: rt, status: 200, children, codeKey: 'getReviews' };
  });
  t = reviews.endMs + lognormal(r, 3.5, 0.4);

  const root = span({
    workload: WORKLOADS.productpage,
    name: 'GET /productpage',
    kind: 'server',
    startMs: t0,
    endMs: t,
    attributes: {
      'http.request.method': 'GET',
      'url.scheme': 'https',
      'url.path': '/productpage',
      'http.route': '/productpage',
      // The page renders without details or stars when those fail: 200 either way, as Bookinfo does.
      'http.response.status_code': 200,
      // As the browser asked for it (Host header), through the Gateway of examples/bookinfo/gateway.yaml.
      'server.address': PUBLIC_HOST,
      'server.port': 443,
      'client.address': '10.244.0.1',
      'network.protocol.version': '1.1',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      ...(user !== '' && { 'enduser.id': user }),
      ...userHeader,
      ...code('productPage'),
    },
    children: [details.client, reviews.client],
  });
  return { root, user, reviewsVersion: version, spans, endMs: lastEnd };

  /** reviews -> ratings over gRPC, and ratings -> MongoDB; 2% of the finds time out. */
  function ratingsCall(startMs: number): { client: PlannedSpan; endMs: number } {
    const serverStart = startMs + hop(r);
    const findStart = serverStart + lognormal(r, 0.4, 0.3);
    const timeout = chance(r, 0.02);
    // maxTimeMS 200 in ratings.ts: a timed-out find takes that long and a little more.
    const findEnd = findStart + (timeout ? 200 + lognormal(r, 2, 0.5) : latency(r, 1.6, 0.5, 0.01));
    const mongoMessage = 'operation exceeded time limit';
    const mongoStack = [`MongoServerError: ${mongoMessage}`, frame('findOne', false), frame('awaitFind', true)].join('\n');
    const find = span({
      workload: WORKLOADS.ratings,
      name: `find ${MONGODB_DATABASE}.ratings`,
      kind: 'client',
      startMs: findStart,
      endMs: findEnd,
      attributes: {
        'db.system.name': 'mongodb',
        'db.system': 'mongodb',
        'db.namespace': MONGODB_DATABASE,
        'db.name': MONGODB_DATABASE,
        'db.collection.name': 'ratings',
        'db.operation.name': 'find',
        'db.query.text': '{"find":"ratings","filter":{"productId":"?"},"maxTimeMS":200}',
        'server.address': hostOf('mongodb'),
        'server.port': MONGODB_PORT,
        ...(timeout && { 'error.type': 'MongoServerError', 'db.response.status_code': '50' }),
        ...code('findRatings'),
      },
      ...(timeout && { error: mongoMessage, exception: { type: 'MongoServerError', message: mongoMessage, stacktrace: mongoStack } }),
      children: [],
    });
    const serverEnd = findEnd + lognormal(r, 0.5, 0.3);
    const grpcAttributes: PlanAttributes = {
      'rpc.system': 'grpc',
      'rpc.service': 'ratings.Ratings',
      'rpc.method': 'GetRating',
      'rpc.grpc.status_code': timeout ? 13 : 0,
      'server.address': hostOf('ratings'),
      'server.port': RATINGS_GRPC_PORT,
    };
    const server = span({
      workload: WORKLOADS.ratings,
      name: 'ratings.Ratings/GetRating',
      kind: 'server',
      startMs: serverStart,
      endMs: serverEnd,
      attributes: { ...grpcAttributes, ...(timeout && { 'error.type': 'MongoServerError' }), ...code('GetRating') },
      ...(timeout && { error: mongoMessage, exception: { type: 'MongoServerError', message: mongoMessage, stacktrace: mongoStack } }),
      children: [find],
    });
    const endMs = serverEnd + hop(r);
    const clientMessage = `13 INTERNAL: ${mongoMessage}`;
    const client = span({
      workload: reviewsWorkload,
      name: 'ratings.Ratings/GetRating',
      kind: 'client',
      startMs,
      endMs,
      attributes: { ...grpcAttributes, ...(timeout && { 'error.type': '13' }), ...code('getRatings') },
      ...(timeout && {
        error: clientMessage,
        exception: { type: 'Error', message: clientMessage, stacktrace: [`Error: ${clientMessage}`, frame('getRating', false), frame('awaitRatings', true)].join('\n') },
      }),
      children: [server],
    });
    return { client, endMs };
  }

  /** reviews publishes review.viewed to Kafka; notifications consumes it a little later. */
  function publish(startMs: number): { span: PlannedSpan; endMs: number } {
    const endMs = startMs + lognormal(r, 1.1, 0.5);
    const consumeStart = endMs + latency(r, 6, 0.8, 0.02);
    const messaging: PlanAttributes = {
      'messaging.system': 'kafka',
      'messaging.destination.name': KAFKA_TOPIC,
      'messaging.destination.partition.id': String(Math.floor(r.next() * 3)),
      'messaging.kafka.message.key': String(productId),
      'server.address': hostOf('kafka'),
      'server.port': KAFKA_PORT,
    };
    const consumer = span({
      workload: WORKLOADS.notifications,
      name: `process ${KAFKA_TOPIC}`,
      kind: 'consumer',
      startMs: consumeStart,
      endMs: consumeStart + latency(r, 2.5, 0.5),
      attributes: { ...messaging, 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.consumer.group.name': 'notifications', ...code('onReviewEvent') },
      children: [],
    });
    const producer = span({
      workload: reviewsWorkload,
      name: `publish ${KAFKA_TOPIC}`,
      kind: 'producer',
      startMs,
      endMs,
      attributes: { ...messaging, 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish', ...code('publishReviewViewed') },
      children: [consumer],
    });
    return { span: producer, endMs };
  }
}

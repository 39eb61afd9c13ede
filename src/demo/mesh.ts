// The Bookinfo mesh the demo simulates. These names are a contract with the manifests in
// examples/bookinfo/*.yaml (Deployments `<service>-<version>`, Services, the reviews
// VirtualService and Rollout): the bridge puts the split the traces show next to the split the
// manifests ask for only when both name the same services and versions.

export const NAMESPACE = 'bookinfo';

export type ServiceName = 'productpage' | 'details' | 'reviews' | 'ratings' | 'notifications';
export type ReviewsVersion = 'v1' | 'v2' | 'v3';

export interface Workload {
  readonly service: ServiceName;
  readonly version: string;
  /** `<service>-<version>`: the Deployment (or Rollout) name. */
  readonly deployment: string;
  readonly pod: string;
}

/** One pod per workload; the hashes look like a ReplicaSet's and a pod's, and never change. */
const POD_SUFFIX: Record<string, string> = {
  'productpage-v1': '6b746f74dc-9stfz',
  'details-v1': '79f774bdb9-hmzzm',
  'reviews-v1': '5b5d6494f4-c6q7x',
  'reviews-v2': '5b667bcbf8-pr9lm',
  'reviews-v3': '5b9bd44f4-t4wbh',
  'ratings-v1': 'b6994bb9-kc6bz',
  'notifications-v1': '7c9d5b4f8d-2xq8w',
};

function workload(service: ServiceName, version: string): Workload {
  const deployment = `${service}-${version}`;
  return { service, version, deployment, pod: `${deployment}-${POD_SUFFIX[deployment]}` };
}

export const WORKLOADS = {
  productpage: workload('productpage', 'v1'),
  details: workload('details', 'v1'),
  reviews: { v1: workload('reviews', 'v1'), v2: workload('reviews', 'v2'), v3: workload('reviews', 'v3') } as Record<ReviewsVersion, Workload>,
  ratings: workload('ratings', 'v1'),
  notifications: workload('notifications', 'v1'),
} as const;

export const ALL_WORKLOADS: readonly Workload[] = [
  WORKLOADS.productpage,
  WORKLOADS.details,
  WORKLOADS.reviews.v1,
  WORKLOADS.reviews.v2,
  WORKLOADS.reviews.v3,
  WORKLOADS.ratings,
  WORKLOADS.notifications,
];

/** The resource attributes of a workload's spans (service.*, k8s.*), as the OTel operator would set them. */
export function resourceAttributes(w: Workload): Record<string, string> {
  return {
    'service.name': w.service,
    'service.version': w.version,
    'service.namespace': NAMESPACE,
    'service.instance.id': w.pod,
    'k8s.namespace.name': NAMESPACE,
    'k8s.deployment.name': w.deployment,
    'k8s.pod.name': w.pod,
    'k8s.container.name': w.service,
    'deployment.environment.name': 'demo',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
  };
}

/** In-cluster address of a service, as the callers' spans name it in server.address. */
export function hostOf(service: ServiceName | 'mongodb' | 'kafka'): string {
  return `${service}.${NAMESPACE}.svc.cluster.local`;
}

/** The HTTP services listen on 9080, as in Istio's Bookinfo; ratings serves gRPC on 9090 (examples/bookinfo/ratings.yaml). */
export const SERVICE_PORT = 9080;
export const RATINGS_GRPC_PORT = 9090;
/** The public name productpage is reached by (the Gateway's host, TLS ended at the ingress gateway). */
export const PUBLIC_HOST = 'bookinfo.demo.example';
export const MONGODB_PORT = 27017;
export const KAFKA_PORT = 9092;
export const KAFKA_TOPIC = 'review-events';
export const MONGODB_DATABASE = 'ratings';

/**
 * Where each simulated operation lives in examples/bookinfo/app/, for code.* attributes and stack
 * frames. test/unit/demo.test.ts reads the files and checks each line names what it says.
 */
export const CODE = {
  productPage: { file: 'productpage.ts', fn: 'productPage', line: 16 },
  getProductDetails: { file: 'productpage.ts', fn: 'getProductDetails', line: 24 },
  getProductReviews: { file: 'productpage.ts', fn: 'getProductReviews', line: 34 },
  getDetails: { file: 'details.ts', fn: 'getDetails', line: 11 },
  getReviews: { file: 'reviews.ts', fn: 'getReviews', line: 19 },
  getRatings: { file: 'reviews.ts', fn: 'getRatings', line: 32 },
  publishReviewViewed: { file: 'reviews.ts', fn: 'publishReviewViewed', line: 38 },
  GetRating: { file: 'ratings.ts', fn: 'GetRating', line: 12 },
  findRatings: { file: 'ratings.ts', fn: 'findRatings', line: 18 },
  onReviewEvent: { file: 'notifications.ts', fn: 'onReviewEvent', line: 10 },
} as const;

export type CodeKey = keyof typeof CODE;

/** Calls inside the functions, for stack frames: the column is the called name's, as V8 reports it. */
export const FRAMES = {
  findOne: { file: 'ratings.ts', fn: 'findRatings', line: 20, column: 18, text: 'findOne(' },
  awaitFind: { file: 'ratings.ts', fn: 'GetRating', line: 13, column: 24, text: 'findRatings(' },
  getRating: { file: 'reviews.ts', fn: 'getRatings', line: 33, column: 37, text: 'getRating(' },
  awaitRatings: { file: 'reviews.ts', fn: 'getReviews', line: 23, column: 25, text: 'getRatings(' },
} as const;

/** The folder examples/bookinfo/app is named by in code.file.path unless a run says otherwise. */
export const DEFAULT_CODE_ROOT = 'examples/bookinfo/app';

// productpage v1 — the front door of the Bookinfo demo mesh.
//
// Not run: `meshlens demo` (src/demo/) simulates what this handler does, and its spans point here
// through code.function.name / code.file.path / code.line.number, so "jump to code" in the trace
// viewer lands on these lines. Keep the functions where they are or update src/demo/mesh.ts
// (test/unit/demo.test.ts checks that every line the spans name is the function they name).
//
// One request: GET /productpage (SERVER span), then details (HTTP CLIENT span) and reviews (HTTP
// CLIENT span), one after the other as the original Bookinfo productpage does.
import type { Details, Headers, Review } from './types';

const DETAILS = 'http://details.bookinfo.svc.cluster.local:9080';
const REVIEWS = 'http://reviews.bookinfo.svc.cluster.local:9080';

/** GET /productpage: the page for product 0, as the signed-in user (cookie `user`) sees it. */
export async function productPage(headers: Headers): Promise<string> {
  const productId = 0;
  const details = await getProductDetails(productId, headers);
  const reviews = await getProductReviews(productId, headers);
  return render(details, reviews);
}

/** HTTP CLIENT span `GET /details/{id}`; a slow details answer makes the whole page slow. */
export async function getProductDetails(productId: number, headers: Headers): Promise<Details> {
  const res = await fetch(`${DETAILS}/details/${productId}`, { headers: forwarded(headers) });
  if (!res.ok) return { id: productId, error: 'Sorry, product details are currently unavailable for this book.' };
  return (await res.json()) as Details;
}

/**
 * HTTP CLIENT span `GET /reviews/{id}`. The mesh picks the reviews version: the VirtualService
 * sends the user `jason` (header `end-user`) to v3 and splits everyone else between v1 and v2.
 */
export async function getProductReviews(productId: number, headers: Headers): Promise<Review[]> {
  const res = await fetch(`${REVIEWS}/reviews/${productId}`, { headers: forwarded(headers) });
  if (!res.ok) return [];
  return ((await res.json()) as { reviews: Review[] }).reviews;
}

/** The trace context and the end-user header go along, so the mesh can route on the user. */
function forwarded(headers: Headers): Record<string, string> {
  const keep = ['traceparent', 'tracestate', 'end-user', 'user-agent'];
  return Object.fromEntries(Object.entries(headers).filter(([k]) => keep.includes(k.toLowerCase())));
}

function render(details: Details, reviews: Review[]): string {
  return `<h1>${details.id}</h1>${reviews.map((r) => `<p>${r.text} ${r.stars ?? ''}</p>`).join('')}`;
}

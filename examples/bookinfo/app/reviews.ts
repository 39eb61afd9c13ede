// reviews v1, v2 and v3 — one code base, three deployments (not run; see productpage.ts).
//
// GET /reviews/{id} (SERVER span). v1 shows no stars; v2 (black stars) and v3 (red stars) ask
// ratings over gRPC (CLIENT span `ratings.Ratings/GetRating`), which makes them slower. Every
// version then publishes a `review.viewed` event to Kafka (PRODUCER span `publish review-events`)
// that notifications consumes.
import type { Review, ReviewEvent } from './types';

declare const VERSION: 'v1' | 'v2' | 'v3';
declare const ratingsClient: { getRating(request: { productId: number }): Promise<{ ratings: Record<string, number> }> };
declare const producer: { send(record: { topic: string; messages: { key: string; value: string }[] }): Promise<void> };

const REVIEWS: Review[] = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
];

/** GET /reviews/{id} */
export async function getReviews(productId: number, user: string): Promise<Review[]> {
  let reviews = REVIEWS.map((r) => ({ ...r }));
  if (VERSION !== 'v1') {
    // When ratings fails, the page still shows the reviews: only the stars are missing.
    const stars = await getRatings(productId).catch(() => undefined);
    const color = VERSION === 'v2' ? 'black' : 'red';
    reviews = reviews.map((r) => ({ ...r, stars: stars?.[r.reviewer], color }));
  }
  await publishReviewViewed({ productId, user, version: VERSION });
  return reviews;
}

/** gRPC CLIENT span ratings.Ratings/GetRating */
export async function getRatings(productId: number): Promise<Record<string, number>> {
  const reply = await ratingsClient.getRating({ productId });
  return reply.ratings;
}

/** PRODUCER span `publish review-events` (Kafka) */
export async function publishReviewViewed(event: ReviewEvent): Promise<void> {
  await producer.send({ topic: 'review-events', messages: [{ key: String(event.productId), value: JSON.stringify(event) }] });
}

// notifications v1 — consumes the `review-events` Kafka topic (not run; see productpage.ts).
//
// One CONSUMER span `process review-events` per event, a child of the reviews PRODUCER span (the
// trace context travels in the message headers), so it is part of the page request's trace.
import type { ReviewEvent } from './types';

declare const mailer: { notify(user: string, text: string): Promise<void> };

/** CONSUMER span `process review-events` (consumer group notifications) */
export async function onReviewEvent(message: { key: string; value: string }): Promise<void> {
  const event = JSON.parse(message.value) as ReviewEvent;
  if (event.user !== '') await mailer.notify(event.user, `You looked at the reviews of book ${event.productId}.`);
}

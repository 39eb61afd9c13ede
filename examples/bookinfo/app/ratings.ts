// ratings v1 — the stars of a book, from MongoDB (not run; see productpage.ts).
//
// gRPC SERVER span ratings.Ratings/GetRating, and a CLIENT span `find ratings` to MongoDB (a
// database: no server span on the other side). About 2% of the finds time out: the find span and
// the GetRating span end with status ERROR and an `exception` event whose stack trace names the
// lines below.
import type { Rating } from './types';

declare const db: { collection(name: string): { findOne(filter: object, options: { maxTimeMS: number }): Promise<Rating | null> } };

/** gRPC ratings.Ratings/GetRating */
export async function GetRating(request: { productId: number }): Promise<{ ratings: Record<string, number> }> {
  const rating = await findRatings(request.productId);
  return { ratings: rating?.ratings ?? {} };
}

/** MongoDB `find` on ratings.ratings */
export async function findRatings(productId: number): Promise<Rating | null> {
  const ratings = db.collection('ratings');
  return ratings.findOne({ productId }, { maxTimeMS: 200 });
}

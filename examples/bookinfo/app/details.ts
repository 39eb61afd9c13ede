// details v1 — facts about a book (not run; see productpage.ts for what these files are).
//
// One SERVER span per request: GET /details/{id}. Now and then a call is slow (a cold cache).
import type { Details } from './types';

const BOOKS: Record<number, Details> = {
  0: { id: 0, author: 'William Shakespeare', year: 1595, pages: 200 },
};

/** GET /details/{id} */
export function getDetails(id: number): { status: number; body: Details } {
  const book = BOOKS[id];
  if (book === undefined) return { status: 404, body: { id, error: 'book not found' } };
  return { status: 200, body: book };
}

// Shapes shared by the Bookinfo demo handlers (not run; see productpage.ts).

export type Headers = Record<string, string>;

export interface Details {
  id: number;
  author?: string;
  year?: number;
  pages?: number;
  error?: string;
}

export interface Review {
  reviewer: string;
  text: string;
  /** v2 and v3 only: from ratings. */
  stars?: number;
  color?: 'black' | 'red';
}

export interface Rating {
  productId: number;
  ratings: Record<string, number>;
}

export interface ReviewEvent {
  productId: number;
  user: string;
  version: string;
}

// Row virtualisation: which rows of a long list are worth putting in the page. Only those in the
// viewport plus `overscan` rows on each side, so 50,000 rows cost what 50 do.

export interface RowWindow {
  /** First row index to render. */
  readonly first: number;
  /** Last row index to render (inclusive); `last < first` when there is nothing to render. */
  readonly last: number;
}

export function visibleWindow(scrollTop: number, rowHeight: number, viewportHeight: number, rowCount: number, overscan = 0): RowWindow {
  if (rowCount <= 0 || !(rowHeight > 0)) return { first: 0, last: -1 };
  const top = Math.max(0, Number.isFinite(scrollTop) ? scrollTop : 0);
  const height = Math.max(0, Number.isFinite(viewportHeight) ? viewportHeight : 0);
  const extra = Math.max(0, Math.floor(overscan));
  const firstShown = Math.min(rowCount - 1, Math.floor(top / rowHeight));
  // A row partly visible at the bottom counts: ceil, minus one for the inclusive end.
  const lastShown = Math.min(rowCount - 1, Math.max(firstShown, Math.ceil((top + height) / rowHeight) - 1));
  return { first: Math.max(0, firstShown - extra), last: Math.min(rowCount - 1, lastShown + extra) };
}

/** The scrollTop that brings row `index` into view, or the current one when it is already visible. */
export function scrollToRow(index: number, scrollTop: number, rowHeight: number, viewportHeight: number): number {
  const rowTop = index * rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowTop + rowHeight > scrollTop + viewportHeight) return Math.max(0, rowTop + rowHeight - viewportHeight);
  return scrollTop;
}

// Coalesces the store's change events between two live messages, so a sender can throttle (one
// message per window) without losing or contradicting anything. The net effect of a window, for a
// viewer that was up to date at its start:
// - added then updated             -> added
// - added then evicted             -> evicted only (the viewer may never have seen it: it ignores it)
// - added, evicted, added again    -> added
// - known, evicted, added again    -> updated (the id exists, with other content)
// Each id ends up in exactly one list. Memory is bounded by the ids touched in one window.
import type { ChangedMessage } from '../../shared/protocol';
import { toChangedMessage } from './dto';
import type { StoreChange, StoreStats } from './store';

export class ChangeCoalescer {
  private added = new Set<string>();
  private updated = new Set<string>();
  private evicted = new Set<string>();
  /** Evicted ids that were added in this window: if they come back, they are new again. */
  private transient = new Set<string>();
  private stats: StoreStats | undefined;

  get pending(): boolean {
    return this.stats !== undefined;
  }

  add(change: StoreChange): void {
    // Within one StoreChange eviction happens last (the store evicts after storing the batch).
    for (const id of change.added) {
      if (this.evicted.delete(id)) {
        if (this.transient.delete(id)) this.added.add(id);
        else this.updated.add(id);
      } else this.added.add(id);
    }
    for (const id of change.updated) if (!this.added.has(id)) this.updated.add(id);
    for (const id of change.evicted) {
      if (this.added.delete(id)) this.transient.add(id);
      this.updated.delete(id);
      this.evicted.add(id);
    }
    this.stats = change.stats;
  }

  /** The window's message, and a fresh window; undefined when nothing changed. */
  take(): ChangedMessage | undefined {
    if (!this.stats) return undefined;
    const msg = toChangedMessage({ added: [...this.added], updated: [...this.updated], evicted: [...this.evicted], stats: this.stats });
    this.added.clear();
    this.updated.clear();
    this.evicted.clear();
    this.transient.clear();
    this.stats = undefined;
    return msg;
  }
}

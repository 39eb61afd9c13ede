// Keeps an engine in step with a stream of file events (a file watcher, editor buffers), in
// batches: a `git checkout` that touches 1,000 files is a few analysis rounds and ONE publish of
// diagnostics, not one per file. Pure: the caller reads the files, schedules turns and publishes.
//
// Invariants:
// - a later event about a file replaces an earlier one not processed yet (one job per file);
// - a file that cannot be read (gone between the event and the read) is deleted from the engine,
//   so a vanished file never keeps its diagnostics;
// - affected files are collected over the rounds and published when the queue is empty (or every
//   `maxRoundsPerPublish` rounds, so a scan of many thousand files still shows progress): half a
//   checkout (the new branch's references against the old branch's targets) is never shown.
import type { FileInput } from './index';

/** Read the file again from disk, or forget it; callers add their own kinds (an editor's text). */
export type DiskJob = { readonly kind: 'read' } | { readonly kind: 'delete' };

/** What the sync needs of a ManifestEngine. */
export interface SyncEngine {
  setFile(uri: string, input: FileInput): void;
  deleteFile(uri: string): void;
  readonly pending: boolean;
  analyze(): Set<string>;
}

export interface WorkspaceSyncOptions<J extends { readonly kind: string }> {
  readonly engine: () => SyncEngine;
  /** Reads a file; undefined or a rejection (ENOENT, EISDIR, EACCES): it is gone. */
  read(uri: string): Promise<FileInput | undefined>;
  /** Reads at once, at most; default 8: enough to hide disk latency, few enough not to exhaust descriptors. */
  readonly readConcurrency?: number;
  /** Applies a job that is neither `read` nor `delete` (an editor buffer's text). */
  apply?(uri: string, job: J): void;
  /** The files whose findings may have changed since the last publish. */
  publish(affected: Set<string>): void;
  /** The next turn of the event loop: between two rounds, so a large change never blocks it. */
  nextTurn(): Promise<void>;
  onError?(uri: string | undefined, error: unknown): void;
  /** Called when a drain ends with nothing left to do. */
  onIdle?(): void;
  /** Files applied per round; default 200. */
  readonly batch?: number;
  /** Rounds after which what is affected so far is published even though more is queued; default 25. */
  readonly maxRoundsPerPublish?: number;
}

export const DEFAULT_SYNC_BATCH = 200;
export const DEFAULT_ROUNDS_PER_PUBLISH = 25;

export class WorkspaceSync<J extends { readonly kind: string } = DiskJob> {
  private readonly queue = new Map<string, J | DiskJob>();
  private draining = false;
  private readonly batch: number;
  private readonly maxRounds: number;
  /** Analysis rounds and publishes since this sync was made: what the tests bound. */
  readonly counters = { rounds: 0, publishes: 0 };

  constructor(private readonly o: WorkspaceSyncOptions<J>) {
    this.batch = Math.max(1, o.batch ?? DEFAULT_SYNC_BATCH);
    this.maxRounds = Math.max(1, o.maxRoundsPerPublish ?? DEFAULT_ROUNDS_PER_PUBLISH);
  }

  /** Queues a job for `uri`, replacing one not processed yet, and starts a drain on the next turn. */
  enqueue(uri: string, job: J | DiskJob): void {
    // Re-inserted at the end: the queue stays in arrival order of the latest events.
    this.queue.delete(uri);
    this.queue.set(uri, job);
    this.kick();
  }

  get(uri: string): J | DiskJob | undefined {
    return this.queue.get(uri);
  }

  /** Takes a queued job back (an editor applied newer text directly). */
  remove(uri: string): void {
    this.queue.delete(uri);
  }

  has(uri: string): boolean {
    return this.queue.has(uri);
  }

  keys(): IterableIterator<string> {
    return this.queue.keys();
  }

  get size(): number {
    return this.queue.size;
  }

  /** Nothing queued, nothing being applied, nothing left to analyze. */
  get idle(): boolean {
    return !this.draining && this.queue.size === 0 && !this.o.engine().pending;
  }

  /** Starts a drain if there is work (queued jobs, or files set on the engine directly). */
  kick(): void {
    if (this.draining || (this.queue.size === 0 && !this.o.engine().pending)) return;
    this.draining = true;
    void this.o.nextTurn().then(() => this.drain());
  }

  private async drain(): Promise<void> {
    const affected = new Set<string>();
    let rounds = 0;
    try {
      while (this.queue.size > 0 || this.o.engine().pending) {
        const batch: [string, J | DiskJob][] = [];
        for (const entry of this.queue) {
          batch.push(entry);
          if (batch.length >= this.batch) break;
        }
        for (const [uri] of batch) this.queue.delete(uri);
        const toRead = batch.filter(([, j]) => j.kind === 'read').map(([uri]) => uri);
        const reads = await this.readAll(toRead);
        const engine = this.o.engine();
        for (const [uri, job] of batch) {
          try {
            if (job.kind === 'delete') engine.deleteFile(uri);
            else if (job.kind === 'read') {
              const input = reads.get(uri);
              if (input) engine.setFile(uri, input);
              else engine.deleteFile(uri);
            } else this.o.apply?.(uri, job as J);
          } catch (e) {
            // One file the parser cannot cope with must not cost the rest of the batch.
            this.o.onError?.(uri, e);
          }
        }
        for (const uri of engine.analyze()) affected.add(uri);
        this.counters.rounds++;
        if (++rounds >= this.maxRounds && affected.size) {
          this.flush(affected);
          rounds = 0;
        }
        await this.o.nextTurn();
      }
    } catch (e) {
      this.o.onError?.(undefined, e);
    } finally {
      this.draining = false;
      if (affected.size) this.flush(affected);
      if (this.queue.size > 0 || this.o.engine().pending) this.kick();
      else this.o.onIdle?.();
    }
  }

  private async readAll(uris: readonly string[]): Promise<Map<string, FileInput>> {
    const out = new Map<string, FileInput>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < uris.length) {
        const uri = uris[next++];
        try {
          const input = await this.o.read(uri);
          if (input) out.set(uri, input);
        } catch {
          // Gone between the event and the read: left out, so it is deleted.
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, this.o.readConcurrency ?? 8), uris.length) }, worker));
    return out;
  }

  private flush(affected: Set<string>): void {
    const list = new Set(affected);
    affected.clear();
    this.counters.publishes++;
    try {
      this.o.publish(list);
    } catch (e) {
      this.o.onError?.(undefined, e);
    }
  }
}

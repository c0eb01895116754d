/**
 * The composite recording's chunks in IndexedDB, until the server's receipt lists them
 * (docs/recording.md, "Capture"). One database per origin, two object stores:
 * - `recordings`: one entry per recording this browser captures and has not finished uploading
 *   (where it goes, its type, how many chunks it made, whether the capture stopped);
 * - `chunks`: the chunks' bytes (Blobs, which Chromium keeps on disk), keyed `[recordingId, seq]`.
 * A chunk is written before anything else happens to it, and deleted only once the server has it.
 */

/** A recording this browser captures (or captured), as IndexedDB keeps it. */
export interface StoredRecording {
  id: string;
  /** The ConsultKit server (origin) it is uploaded to. */
  server: string;
  /** Its `Content-Type` (`video/mp4` or `video/webm`). */
  type: string;
  /** How many chunks were made (the next chunk's sequence number). */
  made: number;
  /** The bytes made so far. */
  bytes: number;
  /** The capture ended: once every chunk is stored, the upload is finished with `made` chunks. */
  stopped: boolean;
  /** When the capture started here (ISO 8601). */
  createdAt: string;
}

const DB_NAME = 'consultkit-recordings';
const DB_VERSION = 1;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** The IndexedDB side of the chunk queue. Every method is one transaction. */
export class ChunkStore {
  readonly #db: IDBDatabase;

  private constructor(db: IDBDatabase) {
    this.#db = db;
  }

  /** Opens (creating on first use) the database. `name` is for tests. */
  static async open(name = DB_NAME): Promise<ChunkStore> {
    const req = indexedDB.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('recordings')) db.createObjectStore('recordings', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('chunks')) db.createObjectStore('chunks', { keyPath: ['recordingId', 'seq'] });
    };
    return new ChunkStore(await request(req));
  }

  close(): void {
    this.#db.close();
  }

  /** Starts keeping a recording (nothing happens when it is already kept: a resumed page). */
  async begin(recording: Omit<StoredRecording, 'made' | 'bytes' | 'stopped' | 'createdAt'>): Promise<StoredRecording> {
    const tx = this.#db.transaction('recordings', 'readwrite');
    const store = tx.objectStore('recordings');
    const existing = (await request(store.get(recording.id))) as StoredRecording | undefined;
    const kept = existing ?? {
      ...recording,
      made: 0,
      bytes: 0,
      stopped: false,
      createdAt: new Date().toISOString(),
    };
    if (!existing) store.put(kept);
    await done(tx);
    return kept;
  }

  /** The recording, or undefined when it is not (or no longer) kept. */
  async recording(id: string): Promise<StoredRecording | undefined> {
    const tx = this.#db.transaction('recordings', 'readonly');
    return (await request(tx.objectStore('recordings').get(id))) as StoredRecording | undefined;
  }

  /** Every recording kept for `server` (unfinished uploads). */
  async recordings(server: string): Promise<StoredRecording[]> {
    const tx = this.#db.transaction('recordings', 'readonly');
    const all = (await request(tx.objectStore('recordings').getAll())) as StoredRecording[];
    return all.filter((r) => r.server === server);
  }

  /**
   * Stores the next chunk and counts it, in one transaction: its sequence number is the
   * recording's `made` before. Resolves once it is on disk (the transaction committed).
   */
  async append(id: string, blob: Blob): Promise<number> {
    const tx = this.#db.transaction(['recordings', 'chunks'], 'readwrite');
    const recordings = tx.objectStore('recordings');
    const recording = (await request(recordings.get(id))) as StoredRecording | undefined;
    if (!recording) {
      tx.abort();
      throw new Error(`recording ${id} is not kept here`);
    }
    const seq = recording.made;
    tx.objectStore('chunks').put({ recordingId: id, seq, blob });
    recordings.put({ ...recording, made: seq + 1, bytes: recording.bytes + blob.size });
    await done(tx);
    return seq;
  }

  /** Marks the capture over: no chunk follows. */
  async stop(id: string): Promise<StoredRecording | undefined> {
    const tx = this.#db.transaction('recordings', 'readwrite');
    const store = tx.objectStore('recordings');
    const recording = (await request(store.get(id))) as StoredRecording | undefined;
    const stopped = recording ? { ...recording, stopped: true } : undefined;
    if (stopped) store.put(stopped);
    await done(tx);
    return stopped;
  }

  /** The sequence numbers still kept (not yet acknowledged), ascending. */
  async pending(id: string): Promise<number[]> {
    const tx = this.#db.transaction('chunks', 'readonly');
    const range = IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]);
    const keys = (await request(tx.objectStore('chunks').getAllKeys(range))) as [string, number][];
    return keys.map(([, seq]) => seq);
  }

  /** One kept chunk's bytes (a Blob backed by IndexedDB's files, not by this page's memory). */
  async chunk(id: string, seq: number): Promise<Blob | undefined> {
    const tx = this.#db.transaction('chunks', 'readonly');
    const row = (await request(tx.objectStore('chunks').get([id, seq]))) as { blob: Blob } | undefined;
    return row?.blob;
  }

  /** Forgets the chunks the server acknowledged. */
  async acknowledge(id: string, seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    const tx = this.#db.transaction('chunks', 'readwrite');
    const store = tx.objectStore('chunks');
    for (const seq of seqs) store.delete([id, seq]);
    await done(tx);
  }

  /** Forgets the recording and any chunk of it (the upload finished, or it is abandoned). */
  async forget(id: string): Promise<void> {
    const tx = this.#db.transaction(['recordings', 'chunks'], 'readwrite');
    tx.objectStore('recordings').delete(id);
    tx.objectStore('chunks').delete(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
    await done(tx);
  }
}

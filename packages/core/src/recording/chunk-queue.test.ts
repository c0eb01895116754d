/**
 * The chunk queue in real Chromium with its real IndexedDB: order, retry, and a page's chunks
 * found again by another queue (a reload). The server is a transport kept in the page (the real
 * recording API is exercised end to end in e2e/recording-composite.test.ts): it can be made to
 * fail, to be slow, or to lose its receipt.
 */
import { expect } from '@open-wc/testing';
import type { ChunkReceipt } from '../contract/recording.js';
import { ChunkQueue, RecordingError, type ChunkTransport } from './chunk-queue.js';
import { ChunkStore } from './chunk-store.js';

let dbCount = 0;
const stores: ChunkStore[] = [];
async function freshStore(name = `ck-test-recordings-${Date.now()}-${dbCount++}`) {
  const store = await ChunkStore.open(name);
  stores.push(store);
  return { store, name };
}

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A server in the page: what it stored, in the order the puts came, and knobs to misbehave. */
class PageServer implements ChunkTransport {
  readonly stored = new Map<number, string>();
  readonly puts: number[] = [];
  finished: number | null = null;
  /** Failing: every call throws a retryable error (the server unreachable). */
  down = false;
  /** The next puts answer without the chunk in the receipt (a lost write). */
  forget = 0;
  /** Refuses for good (403). */
  refuse = false;
  /** Holds every put until released. */
  gate: Promise<void> | null = null;

  #check(): void {
    if (this.refuse) throw new RecordingError('refused', 403, false);
    if (this.down) throw new RecordingError('unreachable', 0, true);
  }

  #receipt(id: string): ChunkReceipt {
    return { recordingId: id, received: [...this.stored.keys()].sort((a, b) => a - b) };
  }

  async put(id: string, seq: number, chunk: Blob): Promise<ChunkReceipt> {
    await this.gate;
    this.#check();
    this.puts.push(seq);
    if (this.forget > 0) {
      this.forget--;
      return this.#receipt(id);
    }
    this.stored.set(seq, await chunk.text());
    return this.#receipt(id);
  }

  async receipt(id: string): Promise<ChunkReceipt> {
    this.#check();
    return this.#receipt(id);
  }

  async finish(_id: string, chunks: number): Promise<void> {
    this.#check();
    for (let seq = 0; seq < chunks; seq++) if (!this.stored.has(seq)) throw new RecordingError('missing', 409, false);
    this.finished = chunks;
  }
}

const open = (store: ChunkStore, transport: ChunkTransport, recordingId = 'rec-1') =>
  ChunkQueue.open({
    store,
    transport,
    recordingId,
    server: 'http://127.0.0.1:1',
    type: 'video/webm',
    retryDelays: [10, 20, 40],
  });

const chunk = (n: number) => new Blob([`chunk-${n}-`.padEnd(100, String(n % 10))], { type: 'video/webm' });

describe('ChunkQueue (a composite recording’s chunks: IndexedDB first, then the server)', () => {
  it('sends the chunks in order, forgets each once acknowledged, and finishes with the count', async () => {
    const { store } = await freshStore();
    const server = new PageServer();
    let release!: () => void;
    server.gate = new Promise((resolve) => (release = resolve));
    const queue = await open(store, server);
    for (let n = 0; n < 5; n++) await queue.add(chunk(n));
    // All five are on disk before the server has taken any.
    expect(await store.pending('rec-1')).to.deep.equal([0, 1, 2, 3, 4]);
    expect(queue.state.get()).to.include({ chunks: 5, uploaded: 0, pending: 5 });
    release();
    await queue.stop();
    expect(server.puts).to.deep.equal([0, 1, 2, 3, 4]);
    expect([...server.stored.values()]).to.deep.equal([0, 1, 2, 3, 4].map((n) => `chunk-${n}-`.padEnd(100, String(n))));
    expect(server.finished).to.equal(5);
    expect(queue.state.get()).to.include({ status: 'saved', chunks: 5, uploaded: 5, pending: 0, bytes: 500 });
    expect(await store.pending('rec-1')).to.deep.equal([]);
    expect(await store.recording('rec-1')).to.equal(undefined);
  });

  it('retries while the server is unreachable, keeping every chunk, then sends them all in order', async () => {
    const { store } = await freshStore();
    const server = new PageServer();
    server.down = true;
    const queue = await open(store, server);
    const statuses: string[] = [];
    queue.state.subscribe((s) => statuses.push(s.status));
    for (let n = 0; n < 3; n++) await queue.add(chunk(n));
    await until(() => queue.state.get().attempt >= 3, 'three failed tries');
    expect(queue.state.get().status).to.equal('retrying');
    expect(queue.state.get().error?.retry).to.equal(true);
    expect(await store.pending('rec-1')).to.deep.equal([0, 1, 2]);
    await queue.add(chunk(3));
    server.down = false;
    await queue.stop();
    expect(server.puts).to.deep.equal([0, 1, 2, 3]);
    expect(server.finished).to.equal(4);
    expect(statuses).to.include('retrying');
    expect(queue.state.get()).to.include({ status: 'saved', attempt: 0, error: null });
  });

  it('keeps a chunk the receipt does not list, and sends it again', async () => {
    const { store } = await freshStore();
    const server = new PageServer();
    server.forget = 1;
    const queue = await open(store, server);
    await queue.add(chunk(0));
    await queue.add(chunk(1));
    await queue.stop();
    expect(server.puts).to.deep.equal([0, 0, 1]);
    expect(server.finished).to.equal(2);
  });

  it('a new queue for the same recording (a reloaded page) sends only what the server lacks, then finishes', async () => {
    const { store, name } = await freshStore();
    const first = new PageServer();
    const queue = await open(store, first, 'rec-reload');
    await queue.add(chunk(0));
    await until(() => queue.state.get().uploaded === 1, 'chunk 0 acknowledged');
    first.down = true;
    for (let n = 1; n < 4; n++) await queue.add(chunk(n));
    await until(() => queue.state.get().status === 'retrying', 'the server lost');
    // The page goes away mid-recording: its queue stops, its database connection closes.
    queue.close();
    store.close();

    const { store: again } = await freshStore(name);
    const kept = await again.recording('rec-reload');
    expect(kept).to.include({ made: 4, bytes: 400, stopped: false, type: 'video/webm' });
    expect(await again.pending('rec-reload')).to.deep.equal([1, 2, 3]);
    // The server got chunk 2 somehow before the page went (a receipt lost on the way).
    const second = new PageServer();
    second.stored.set(0, 'old');
    second.stored.set(2, await chunk(2).text());
    const resumed = await open(again, second, 'rec-reload');
    expect(resumed.state.get()).to.include({ chunks: 4 });
    await resumed.stop();
    expect(second.puts).to.deep.equal([1, 3]);
    expect(second.finished).to.equal(4);
    expect(second.stored.get(3)).to.equal(await chunk(3).text());
    expect(await again.recording('rec-reload')).to.equal(undefined);
  });

  it('a refusal fails the upload and keeps the chunks in IndexedDB', async () => {
    const { store } = await freshStore();
    const server = new PageServer();
    server.refuse = true;
    const queue = await open(store, server, 'rec-refused');
    await queue.add(chunk(0));
    let error: unknown;
    await queue.stop().catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(RecordingError);
    expect((error as RecordingError).status).to.equal(403);
    expect(queue.state.get().status).to.equal('failed');
    expect(await store.pending('rec-refused')).to.deep.equal([0]);
    expect(await store.recording('rec-refused')).to.include({ stopped: true, made: 1 });
  });

  it('refuses a chunk after the stop', async () => {
    const { store } = await freshStore();
    const queue = await open(store, new PageServer(), 'rec-after');
    await queue.add(chunk(0));
    await queue.stop();
    let error: unknown;
    await queue.add(chunk(1)).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(RecordingError);
  });
});

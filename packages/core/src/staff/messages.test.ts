import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { BookingClient } from '../booking/booking-client.js';
import { FhirError } from '../booking/fhir-error.js';
import { STAFF_CHAT_TEXT_MAX, type StaffMessage } from '../contract/staff-chat.js';
import { ConsultKitError } from '../errors.js';
import { StaffDirectory } from './directory.js';
import { StaffMessages } from './messages.js';
import { StaffStream } from './stream.js';

// The run's real ConsultKit server: two members of staff of each test's own, acting through the
// staff key with the acting-practitioner header (as a vendor backend does).

const LONG = { timeout: 30_000, interval: 20 };

async function colleagues(...families: string[]): Promise<{ ids: string[]; key: string }> {
  return (await executeServerCommand('ck-staff-colleagues', { families })) as { ids: string[]; key: string };
}

/**
 * A staff client whose live stream the test can cut (as a network drop does) and keep down until
 * `reopen()`: the stream's body errors, and the next openings wait for the gate.
 */
function cuttableClient(key: string, practitioner: string) {
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let opened = 0;
  const client = new BookingClient({
    baseUrl: '/fhir',
    headers: () => ({ authorization: `Bearer ${key}`, 'consultkit-acting-practitioner': practitioner }),
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!String(input).includes('/api/presence/events')) return fetch(input, init);
      if (gate) await gate;
      const response = await fetch(input, init);
      const reader = response.body!.getReader();
      opened++;
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => void streams.push(controller),
        async pull(controller) {
          try {
            const { value, done } = await reader.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch (error) {
            controller.error(error);
          }
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return new Response(body, { status: response.status, headers: response.headers });
    },
  });
  return {
    client,
    get opened() {
      return opened;
    },
    /** Breaks the open stream; it stays down until `reopen`. */
    cut() {
      gate = new Promise((resolve) => (open = resolve));
      for (const controller of streams.splice(0)) controller.error(new TypeError('network connection lost'));
    },
    reopen() {
      gate = undefined;
      open?.();
    },
  };
}

const staffClient = (key: string, practitioner: string) =>
  new BookingClient({
    baseUrl: '/fhir',
    headers: () => ({ authorization: `Bearer ${key}`, 'consultkit-acting-practitioner': practitioner }),
  });

describe('staff: StaffMessages', () => {
  it('catches up after its stream was cut: what was posted meanwhile arrives once, in order', async function () {
    this.timeout(90_000);
    const { ids, key } = await colleagues('Reader', 'Writer');
    const [reader, writer] = ids as [string, string];
    const cuttable = cuttableClient(key, reader);
    const mine = new StaffMessages({
      client: cuttable.client,
      stream: new StaffStream({ client: cuttable.client, retryMs: 50 }),
    });
    const theirs = new StaffMessages({ client: staffClient(key, writer) });
    const told: StaffMessage[] = [];
    const unread: number[] = [];
    mine.on('message', (message) => told.push(message));
    mine.on('unread', ({ total }) => unread.push(total));
    try {
      await mine.start();
      await waitUntil(() => mine.state.get().live === 'streaming', 'the stream open', LONG);
      expect(mine.me).to.equal(reader);
      const conversation = await theirs.startConversation({ members: [reader] });
      await waitUntil(
        () => mine.state.get().conversations.some((c) => c.id === conversation.id),
        'the conversation, told live',
        LONG,
      );
      expect(await mine.load(conversation.id)).to.deep.equal([]);
      await theirs.post(conversation.id, 'one');
      await waitUntil(() => mine.state.get().messages[conversation.id]?.length === 1, 'the first, live', LONG);

      cuttable.cut();
      await waitUntil(() => mine.state.get().live !== 'streaming', 'the stream down', LONG);
      for (const text of ['two', 'three', 'four']) await theirs.post(conversation.id, text);
      const opensBefore = cuttable.opened;
      cuttable.reopen();
      await waitUntil(() => cuttable.opened > opensBefore, 'the stream reopened', LONG);
      await waitUntil(() => mine.state.get().messages[conversation.id]?.length === 4, 'caught up', LONG);
      // Once live again, a new message comes live; the store and the events hold each once.
      await theirs.post(conversation.id, 'five');
      await waitUntil(() => mine.state.get().messages[conversation.id]?.length === 5, 'the fifth, live', LONG);
      const held = mine.state.get().messages[conversation.id]!;
      expect(held.map((m) => m.text)).to.deep.equal(['one', 'two', 'three', 'four', 'five']);
      expect(held.map((m) => m.seq)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(told.map((m) => m.text)).to.deep.equal(['one', 'two', 'three', 'four', 'five']);
      // Unread: five from the colleague; reading them all brings it to none.
      const listed = mine.state.get().conversations.find((c) => c.id === conversation.id)!;
      expect(listed.unread).to.equal(5);
      expect(mine.state.get().unread).to.equal(5);
      expect(unread.at(-1)).to.equal(5);
      const mark = await mine.markRead(conversation.id);
      expect(mark).to.deep.equal({ conversation: conversation.id, upTo: 5, unread: 0 });
      expect(mine.state.get().unread).to.equal(0);
      expect(unread.at(-1)).to.equal(0);
    } finally {
      mine.stop();
      theirs.stop();
    }
  });

  it('a list answered before a conversation started, arriving after the stream told it, does not lose it', async function () {
    this.timeout(60_000);
    const { ids, key } = await colleagues('Lister', 'Starter');
    const [me, other] = ids as [string, string];
    // The list's answer, once made by the server, is held back until the test lets it through.
    let holdList: Promise<void> | undefined;
    let answered: (() => void) | undefined;
    const made = new Promise<void>((resolve) => (answered = resolve));
    const client = new BookingClient({
      baseUrl: '/fhir',
      headers: () => ({ authorization: `Bearer ${key}`, 'consultkit-acting-practitioner': me }),
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const response = await fetch(input, init);
        const list =
          (init?.method ?? 'GET') === 'GET' &&
          new URL(String(input), location.href).pathname.endsWith('/staff-conversations');
        if (list && holdList) {
          const body = await response.text();
          answered?.();
          await holdList;
          return new Response(body, { status: response.status, headers: response.headers });
        }
        return response;
      },
    });
    const messages = new StaffMessages({ client });
    const theirs = new StaffMessages({ client: staffClient(key, other) });
    try {
      await messages.start();
      await waitUntil(() => messages.state.get().live === 'streaming', 'the stream open', LONG);
      // A list asked for (a reconnection's catch-up) and answered, still on its way…
      let release!: () => void;
      holdList = new Promise((resolve) => (release = resolve));
      const refreshed = messages.refresh();
      await made;
      // …when a colleague starts a conversation, which the stream tells.
      const conversation = await theirs.startConversation({ members: [me] });
      await waitUntil(
        () => messages.state.get().conversations.some((c) => c.id === conversation.id),
        'the conversation, told live',
        LONG,
      );
      release();
      const list = await refreshed;
      expect(list.map((c) => c.id)).to.include(conversation.id);
      expect(messages.state.get().conversations.map((c) => c.id)).to.include(conversation.id);
      expect(messages.state.get().status).to.equal('ready');
    } finally {
      messages.stop();
      theirs.stop();
    }
  });

  it('posts once when the answer was lost: the same id is sent again and the stored message answered', async function () {
    this.timeout(60_000);
    const { ids, key } = await colleagues('Poster', 'Peer');
    const [poster, peer] = ids as [string, string];
    let lost = 0;
    const bodies: string[] = [];
    const client = new BookingClient({
      baseUrl: '/fhir',
      headers: () => ({ authorization: `Bearer ${key}`, 'consultkit-acting-practitioner': poster }),
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const response = await fetch(input, init);
        if (init?.method === 'POST' && String(input).endsWith('/messages')) {
          bodies.push(String(init.body));
          // The server stored it; the answer never arrives.
          if (lost++ === 0) throw new TypeError('Failed to fetch');
        }
        return response;
      },
    });
    const messages = new StaffMessages({ client, retryDelayMs: 10 });
    const conversation = await messages.startConversation({ members: [peer] });
    await messages.load(conversation.id);
    const sent = await messages.post(conversation.id, 'Bloods are back');
    expect(sent.seq).to.equal(1);
    expect(bodies).to.have.length(2);
    expect(bodies[0]).to.equal(bodies[1]);
    const page = await new StaffMessages({ client: staffClient(key, peer) }).page(conversation.id);
    expect(page.messages.map((m) => m.text)).to.deep.equal(['Bloods are back']);
    expect(messages.state.get().messages[conversation.id]!.map((m) => m.id)).to.deep.equal([sent.id]);
    expect(messages.state.get().sending).to.deep.equal([]);
  });

  it('refuses what cannot be posted before sending, and reports the server refusing as a FhirError', async () => {
    const { ids, key } = await colleagues('Careful', 'Other');
    const [me, other] = ids as [string, string];
    const messages = new StaffMessages({ client: staffClient(key, me) });
    const conversation = await messages.startConversation({ members: [other] });
    const refused = await messages.post(conversation.id, 'x'.repeat(STAFF_CHAT_TEXT_MAX + 1)).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(ConsultKitError);
    expect((refused as ConsultKitError).code).to.equal('chat-too-long');
    const blank = await messages.post(conversation.id, '   ').catch((e: unknown) => e);
    expect((blank as ConsultKitError).code).to.equal('invalid-argument');
    // Not a member of this one: the server says it does not exist.
    const { ids: stranger } = await colleagues('Stranger');
    const outsider = new StaffMessages({ client: staffClient(key, stranger[0]!) });
    const notFound = await outsider.post(conversation.id, 'hello').catch((e: unknown) => e);
    expect(notFound).to.be.instanceOf(FhirError);
    expect((notFound as FhirError).status).to.equal(404);
    expect((notFound as FhirError).code).to.equal('fhir-error');
    expect(outsider.state.get().error).to.equal(notFound);
  });

  it('shares one stream with StaffDirectory: one connection for both', async function () {
    this.timeout(60_000);
    const { ids, key } = await colleagues('Sharer', 'Friend');
    const [me, friend] = ids as [string, string];
    let opened = 0;
    const client = new BookingClient({
      baseUrl: '/fhir',
      headers: () => ({ authorization: `Bearer ${key}`, 'consultkit-acting-practitioner': me }),
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        if (String(input).includes('/api/presence/events')) opened++;
        return fetch(input, init);
      },
    });
    const stream = new StaffStream({ client });
    const directory = new StaffDirectory({ client, stream });
    const messages = new StaffMessages({ client, stream });
    try {
      directory.start();
      await messages.start();
      await waitUntil(() => directory.state.get().live === 'streaming', 'the directory streaming', LONG);
      await waitUntil(() => messages.state.get().live === 'streaming', 'messages streaming', LONG);
      const conversation = await new StaffMessages({ client: staffClient(key, friend) }).startConversation({
        members: [me],
      });
      await waitUntil(
        () => messages.state.get().conversations.some((c) => c.id === conversation.id),
        'the conversation, told on the shared stream',
        LONG,
      );
      expect(opened).to.equal(1);
      // The directory letting go does not close it for messages.
      directory.stop();
      expect(stream.state.get().live).to.equal('streaming');
      messages.stop();
      expect(stream.state.get().live).to.equal('off');
    } finally {
      directory.stop();
      messages.stop();
    }
  });
});

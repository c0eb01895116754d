import { expect } from '@open-wc/testing';
import { Chat, ConsultKitError, type ChatMessage, type Consultation } from '@consultkit/core';
import type { ChatCommand } from '../contract/chat.js';
import {
  consultations as useConsultations,
  consultationId,
  until,
  untilStatus,
} from '../../../../test-support/browser.js';

const ME = { peerId: 'ck-me', name: 'Me', role: 'patient' as const };

function message(seq: number, patch: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    author: 'ck-gp',
    name: 'Dr Gp',
    role: 'clinician',
    text: `message ${seq}`,
    sentAt: '2026-03-02T10:00:00.000Z',
    ...patch,
  };
}

function chat() {
  const sent: ChatCommand[] = [];
  sessionStorage.clear();
  const c = new Chat(ME, (command) => (sent.push(command), true));
  return { chat: c, sent };
}

describe('Chat (this page’s view of a consultation’s chat)', () => {
  it('keeps the server’s order whatever the arrival order, and holds each message once', () => {
    const { chat: c } = chat();
    c.setOnline(true);
    for (const seq of [2, 1, 3, 2, 1]) c.receive({ type: 'CK-CHAT-MESSAGE', payload: message(seq) });
    expect(c.messages.map((m) => m.seq)).to.deep.equal([1, 2, 3]);
  });

  it('a gap asks for what is missing after the last held; a long history comes a page at a time', () => {
    const { chat: c, sent } = chat();
    c.setOnline(true);
    expect(sent).to.deep.equal([{ type: 'CK-CHAT-SYNC', payload: { after: 0 } }]);
    c.receive({
      type: 'CK-CHAT-HISTORY',
      payload: { after: 0, messages: [message(1), message(2)], more: true, marks: [] },
    });
    expect(sent.at(-1)).to.deep.equal({ type: 'CK-CHAT-SYNC', payload: { after: 2 } });
    c.receive({ type: 'CK-CHAT-HISTORY', payload: { after: 2, messages: [message(3)], more: false, marks: [] } });
    c.receive({ type: 'CK-CHAT-MESSAGE', payload: message(6) });
    expect(sent.at(-1)).to.deep.equal({ type: 'CK-CHAT-SYNC', payload: { after: 3 } });
    c.receive({
      type: 'CK-CHAT-HISTORY',
      payload: { after: 3, messages: [message(4), message(5), message(6)], more: false, marks: [] },
    });
    expect(c.messages.map((m) => m.seq)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(c.state.get().synced).to.equal(true);
  });

  it('offline posts wait as "sending", leave with the same id once online, and become "sent" once stored', () => {
    const { chat: c, sent } = chat();
    const id = c.send('Hello');
    expect(sent).to.deep.equal([]);
    expect(c.messages.map((m) => [m.text, m.delivery, m.seq])).to.deep.equal([['Hello', 'sending', null]]);
    c.setOnline(true);
    expect(sent).to.deep.include({ type: 'CK-CHAT', payload: { id, text: 'Hello' } });
    // Lost again before the server answered: sent again, same id, on the next reconnection.
    c.setOnline(false);
    c.setOnline(true);
    expect(sent.filter((s) => s.type === 'CK-CHAT')).to.have.length(2);
    c.receive({ type: 'CK-CHAT-MESSAGE', payload: message(1, { id, author: 'ck-me', text: 'Hello' }) });
    expect(c.messages.map((m) => [m.text, m.delivery, m.seq, m.mine])).to.deep.equal([['Hello', 'sent', 1, true]]);
  });

  it('the outbox survives a reload (sessionStorage) and is stored once', () => {
    const { chat: first } = chat();
    const id = first.send('typed before the reload');
    const sent: ChatCommand[] = [];
    const second = new Chat(ME, (command) => (sent.push(command), true));
    expect(second.messages.map((m) => [m.id, m.delivery])).to.deep.equal([[id, 'sending']]);
    second.setOnline(true);
    expect(sent).to.deep.include({ type: 'CK-CHAT', payload: { id, text: 'typed before the reload' } });
    second.receive({ type: 'CK-CHAT-MESSAGE', payload: message(1, { id, author: 'ck-me' }) });
    expect(new Chat(ME, () => true).messages).to.deep.equal([]);
  });

  it('4,000 characters pass; more throws chat-too-long; blank throws invalid-argument', () => {
    const { chat: c } = chat();
    expect(() => c.send('x'.repeat(4000))).not.to.throw();
    let error: unknown;
    try {
      c.send('x'.repeat(4001));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConsultKitError);
    expect((error as ConsultKitError).code).to.equal('chat-too-long');
    expect(() => c.send('  \n'))
      .to.throw(ConsultKitError)
      .with.property('code', 'invalid-argument');
  });

  it('a refused post is "failed" with its reason, and can be sent again', () => {
    const { chat: c, sent } = chat();
    c.setOnline(true);
    const id = c.send('too fast');
    const errors: ConsultKitError[] = [];
    c.on('error', (e) => errors.push(e));
    c.receive({ type: 'CK-CHAT-REFUSED', payload: { id, code: 'too-many', reason: 'slow down' } });
    expect(c.messages[0]!.delivery).to.equal('failed');
    expect(errors).to.have.length(1);
    c.retry(id);
    expect(c.messages[0]!.delivery).to.equal('sending');
    expect(sent.filter((s) => s.type === 'CK-CHAT')).to.have.length(2);
  });

  it('unread counts others’ messages after the read mark; markRead tells the server; marks show who read', () => {
    const { chat: c, sent } = chat();
    c.setOnline(true);
    c.receive({
      type: 'CK-CHAT-HISTORY',
      payload: {
        after: 0,
        messages: [message(1), message(2, { author: 'ck-me' }), message(3)],
        more: false,
        marks: [{ peerId: 'ck-me', received: 1, read: 1 }],
      },
    });
    expect(c.unread).to.equal(1);
    c.markRead();
    expect(c.unread).to.equal(0);
    expect(sent.at(-1)).to.deep.equal({ type: 'CK-CHAT-READ', payload: { upTo: 3 } });
    c.receive({ type: 'CK-CHAT-MARKS', payload: { peerId: 'ck-gp', received: 2, read: 2 } });
    expect(c.messages.find((m) => m.seq === 2)!.readBy).to.deep.equal(['ck-gp']);
  });
});

/** Records the page's websockets, so a test can drop one (a lost signalling connection). */
function socketTap(): { sockets: WebSocket[]; restore(): void } {
  const Original = window.WebSocket;
  const sockets: WebSocket[] = [];
  class Tapped extends Original {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  window.WebSocket = Tapped;
  return { sockets, restore: () => (window.WebSocket = Original) };
}

describe('Chat in a consultation (real signalling server)', () => {
  const consultations = useConsultations();
  const texts = (c: Consultation) => c.chat?.messages.map((m) => m.text) ?? [];

  it('both sides see every message once, in the same order, with author and role; unread and read', async () => {
    const { patient, clinician } = await consultations.pair();
    const loaded: string[] = [];
    patient.on('part-loaded', ({ part }) => loaded.push(part));
    // The clinician's page opens its chat; the patient's is made when the first message arrives.
    await clinician.loadChat();
    await until(() => clinician.chat!.state.get().available, 'chat available');
    clinician.chat!.send('Hello, can you see me?');
    await until(() => patient.chat?.messages.length === 1, 'the first message');
    expect(loaded).to.deep.equal(['chat']);
    await until(() => patient.chat!.state.get().available, 'chat available to the patient');
    patient.chat!.send('Yes. <b>not bold</b>');
    clinician.chat!.send('Good.');
    await until(() => patient.chat!.messages.filter((m) => m.delivery === 'sent').length === 3, 'three at the patient');
    await until(
      () => clinician.chat!.messages.filter((m) => m.delivery === 'sent').length === 3,
      'three at the clinician',
    );
    expect(texts(patient)).to.deep.equal(texts(clinician));
    expect(patient.chat!.messages.map((m) => m.seq)).to.deep.equal([1, 2, 3]);
    expect(patient.chat!.messages[0]!.role).to.equal('clinician');
    expect(patient.chat!.messages.find((m) => m.mine)?.text).to.equal('Yes. <b>not bold</b>');
    expect(patient.chat!.unread).to.be.greaterThan(0);
    patient.chat!.markRead();
    expect(patient.chat!.unread).to.equal(0);
    const reader = patient.state.get().self!.peerId;
    await until(
      () => clinician.chat!.messages.filter((m) => m.author !== reader).every((m) => m.readBy.includes(reader)),
      'the clinician sees the patient read everything',
    );
  });

  it('a waiting patient cannot chat yet: their post waits, and leaves once admitted', async () => {
    const { patient, clinician } = await consultations.waiting();
    await Promise.all([patient.loadChat(), clinician.loadChat()]);
    clinician.chat!.send('before you are in');
    const id = patient.chat!.send('may I come in?');
    expect(patient.chat!.state.get().available).to.equal(false);
    expect(patient.chat!.messages.map((m) => m.delivery)).to.deep.equal(['sending']);
    clinician.admit();
    await until(() => clinician.chat!.messages.some((m) => m.id === id && m.delivery === 'sent'), 'the post arrives');
    await until(() => patient.chat!.messages.length === 2, 'the patient gets the history');
    expect(texts(patient)).to.deep.equal(['before you are in', 'may I come in?']);
  });

  it('a dropped signalling socket: posts made meanwhile on both sides arrive once, in one order', async () => {
    const tap = socketTap();
    try {
      const id = consultationId();
      const patient = await consultations.create(id, 'patient');
      const clinician = await consultations.create(id, 'clinician');
      const patientSockets = tap.sockets.length;
      await patient.join();
      const patientSocket = tap.sockets[patientSockets]!;
      await clinician.join();
      await until(() => clinician.state.get().participants[0]?.presence === 'waiting', 'waiting');
      clinician.admit();
      await untilStatus(patient, 'in-call');
      await patient.loadChat();
      await until(() => patient.chat!.state.get().available, 'chat available');
      patient.chat!.send('one');
      await until(() => clinician.chat?.messages.length === 1, 'one');
      patientSocket.close();
      await until(() => patient.state.get().signalling === 'reconnecting', 'the patient reconnecting');
      patient.chat!.send('two (while away)');
      clinician.chat!.send('three (while the patient is away)');
      await until(() => patient.state.get().signalling === 'connected', 'back');
      await until(
        () => [patient, clinician].every((c) => c.chat?.messages.filter((m) => m.delivery === 'sent').length === 3),
        'all three on both sides',
      );
      expect(texts(patient)).to.deep.equal(texts(clinician));
      expect(new Set(patient.chat!.messages.map((m) => m.id)).size).to.equal(3);
      expect(texts(patient)[0]).to.equal('one');
    } finally {
      tap.restore();
    }
  });

  it('a reload (a new page with the same ticket) gets the history, and the outbox is stored once', async () => {
    const { id, patient, clinician } = await consultations.pair();
    await Promise.all([patient.loadChat(), clinician.loadChat()]);
    await until(() => patient.chat!.state.get().available, 'chat available');
    clinician.chat!.send('before the reload');
    await until(() => patient.chat!.messages.length === 1, 'before the reload arrived');
    const posted = patient.chat!.send('sent as the page reloads');
    // The reload: a new page for the same participant (same peer id; its socket replaces the old).
    const again = await consultations.create(id, 'patient');
    await again.join();
    await until(
      () => again.chat?.messages.filter((m) => m.delivery === 'sent').length === 2,
      'the history after the reload',
    );
    await until(() => clinician.chat!.messages.some((m) => m.id === posted), 'the post at the clinician');
    expect(clinician.chat!.messages.filter((m) => m.id === posted)).to.have.length(1);
    expect(again.chat!.messages.map((m) => m.text)).to.deep.equal(['before the reload', 'sent as the page reloads']);
  });

  it('after a reload with nothing waiting, the history makes the chat: the unread count is right at once', async () => {
    const { id, patient, clinician } = await consultations.pair();
    const gp = await clinician.loadChat();
    await until(() => gp.state.get().available, 'chat available');
    gp.send('Please have your medication list ready.');
    await until(() => patient.chat?.messages.length === 1, 'the message at the patient');
    // The reload: nothing in this page's outbox; the chat is made by the history the page asks for.
    const again = await consultations.create(id, 'patient');
    await again.join();
    await until(() => again.chat?.state.get().synced === true, 'the history after the reload');
    expect(again.chat!.unread).to.equal(1);
  });

  it('a call where nobody writes makes no chat (the history the page asks for is empty)', async () => {
    const tap = socketTap();
    try {
      const id = consultationId();
      const patient = await consultations.create(id, 'patient');
      const clinician = await consultations.create(id, 'clinician');
      const loaded: string[] = [];
      patient.on('part-loaded', ({ part }) => loaded.push(part));
      const before = tap.sockets.length;
      await patient.join();
      // What the patient's page receives: the answer to its history request shows there.
      const received: string[] = [];
      tap.sockets[before]!.addEventListener('message', (event: MessageEvent<string>) =>
        received.push(String((JSON.parse(event.data) as { type?: unknown }).type)),
      );
      await clinician.join();
      await until(() => clinician.state.get().participants[0]?.presence === 'waiting', 'waiting');
      clinician.admit();
      await untilStatus(patient, 'in-call');
      await until(() => received.includes('CK-CHAT-HISTORY'), 'the (empty) history at the patient');
      expect(patient.chat).to.equal(null);
      expect(loaded).to.deep.equal([]);
      // Opened (the room's chat toggle): made then, synced and empty.
      const chat = await patient.loadChat();
      expect(patient.chat).to.equal(chat);
      await until(() => chat.state.get().synced, 'synced');
      expect(chat.messages).to.deep.equal([]);
      expect(loaded).to.deep.equal(['chat']);
    } finally {
      tap.restore();
    }
  });
});

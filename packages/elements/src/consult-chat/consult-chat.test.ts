import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { Chat, type ChatMessage } from '@consultkit/core';
import type { ChatCommand } from '@consultkit/core/contract';
import './define.js';
import type { ConsultChat } from './consult-chat.js';
import { useLocale } from '../localization.js';
import { until } from '../../../../test-support/browser.js';

const ME = { peerId: 'ck-me', name: 'Grace Hopper', role: 'patient' as const };

function message(seq: number, patch: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    author: 'ck-gp',
    name: 'Dr Ada Test',
    role: 'clinician',
    text: `message ${seq}`,
    sentAt: '2026-03-02T10:05:00.000Z',
    ...patch,
  };
}

/** A real core Chat, online, whose commands are kept (the server's side is played by the test). */
function chat() {
  sessionStorage.clear();
  const sent: ChatCommand[] = [];
  const c = new Chat(ME, (command) => (sent.push(command), true));
  c.setOnline(true);
  c.receive({ type: 'CK-CHAT-HISTORY', payload: { after: 0, messages: [], more: false, marks: [] } });
  return { chat: c, sent };
}

const part = (el: ConsultChat, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: ConsultChat, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const field = (el: ConsultChat) => el.shadowRoot!.querySelector('textarea')!;

describe('<consult-chat>', () => {
  afterEach(() => useLocale('en-GB'));

  it('empty: a labelled polite log, "No messages yet.", a labelled field; accessible', async () => {
    const { chat: c } = chat();
    const el = await fixture<ConsultChat>(html`<consult-chat .chat=${c}></consult-chat>`);
    const log = part(el, 'log')!;
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-live')).to.equal('polite');
    expect(log.getAttribute('aria-labelledby')).to.equal('ck-chat-heading');
    expect(part(el, 'empty')!.textContent!.trim()).to.equal('No messages yet.');
    expect(field(el).labels![0]!.textContent!.trim()).to.equal('Message');
    expect(part(el, 'notice')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('messages: text stays text (markup and scripts inert), http(s) links need a click, each its own direction; accessible', async () => {
    const { chat: c } = chat();
    const hostile = '<img src=x onerror="window.__chatXss=1"><script>window.__chatXss=2</script><b>bold?</b>';
    c.receive({
      type: 'CK-CHAT-HISTORY',
      payload: {
        after: 0,
        more: false,
        marks: [],
        messages: [
          message(1, { text: hostile }),
          message(2, { text: 'Results: https://example.org/r?a=1&b=<2>. And javascript:alert(1) or data:text/html,x' }),
          message(3, { text: 'مرحبا، كيف حالك؟', author: 'ck-in', name: 'أمينة', role: 'guest', kind: 'interpreter' }),
          message(4, { text: 'Thank you', author: 'ck-me', name: 'Grace Hopper', role: 'patient' }),
        ],
      },
    });
    const el = await fixture<ConsultChat>(html`<consult-chat .chat=${c}></consult-chat>`);
    const texts = parts(el, 'text');
    expect(texts.map((t) => t.textContent)).to.deep.equal([
      hostile,
      'Results: https://example.org/r?a=1&b=<2>. And javascript:alert(1) or data:text/html,x',
      'مرحبا، كيف حالك؟',
      'Thank you',
    ]);
    expect(el.shadowRoot!.querySelectorAll('img, script, b')).to.have.length(0);
    expect((window as unknown as { __chatXss?: number }).__chatXss).to.equal(undefined);
    const links = parts(el, 'link') as HTMLAnchorElement[];
    // A link ends where markup characters begin: `<2>` stays text beside it.
    expect(links.map((a) => a.href)).to.deep.equal(['https://example.org/r?a=1&b=']);
    expect(links[0]!.rel).to.equal('noopener noreferrer');
    expect(links[0]!.target).to.equal('_blank');
    for (const t of texts) expect(t.getAttribute('dir')).to.equal('auto');
    expect(getComputedStyle(texts[2]!).direction).to.equal('rtl');
    expect(parts(el, 'author').map((a) => a.textContent!.replace(/[\u2068\u2069]/g, ''))).to.deep.equal([
      'Dr Ada Test, clinician',
      'Dr Ada Test, clinician',
      'أمينة, interpreter',
      'You, patient',
    ]);
    expect(parts(el, 'time')[0]!.getAttribute('datetime')).to.equal('2026-03-02T10:05:00.000Z');
    expect(part(el, 'mine')!.querySelector('[part~="delivery"]')!.textContent!.trim()).to.equal('Sent');
    await expect(el).to.be.accessible();
  });

  it('unread: counted in the heading while the log is off screen; read once it is on screen', async () => {
    const { chat: c, sent } = chat();
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style="block-size: 300px; overflow: auto">
        <div style="block-size: 3000px"></div>
        <consult-chat .chat=${c}></consult-chat>
      </div>`,
    );
    const el = wrapper.querySelector('consult-chat')!;
    for (const seq of [1, 2, 3]) c.receive({ type: 'CK-CHAT-MESSAGE', payload: message(seq) });
    await el.updateComplete;
    expect(part(el, 'unread')!.textContent!.trim()).to.equal('3 unread messages');
    expect(part(el, 'heading')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Chat 3 unread messages');
    expect(sent.some((s) => s.type === 'CK-CHAT-READ')).to.equal(false);
    await expect(el).to.be.accessible();
    c.receive({ type: 'CK-CHAT-MESSAGE', payload: message(4) });
    await until(() => part(el, 'unread')?.textContent?.trim() === '4 unread messages', 'four unread');
    el.scrollIntoView();
    await until(() => part(el, 'unread') === null, 'read once on screen');
    expect(sent.at(-1)).to.deep.equal({ type: 'CK-CHAT-READ', payload: { upTo: 4 } });
  });

  it('error: a paste past 4,000 characters stays in the field with a visible alert, and is not sent; 4,000 is', async () => {
    const { chat: c, sent } = chat();
    const el = await fixture<ConsultChat>(html`<consult-chat .chat=${c}></consult-chat>`);
    const input = field(el);
    input.focus();
    input.value = 'x'.repeat(4001);
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertFromPaste' }));
    await el.updateComplete;
    const error = part(el, 'error')!;
    expect(error.getAttribute('role')).to.equal('alert');
    expect(error.textContent!.trim()).to.equal(
      'This message is too long to send: 4,001 of at most 4,000 characters. Shorten it, or send it in parts.',
    );
    expect(error.getBoundingClientRect().height).to.be.greaterThan(0);
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(part(el, 'count')!.textContent!.trim()).to.equal('4,001 of 4,000 characters');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(sent.filter((s) => s.type === 'CK-CHAT')).to.have.length(0);
    expect(input.value).to.have.length(4001);
    expect(error.textContent!.trim()).to.match(/too long to send/);
    // Shortened to the limit: it goes, and the field empties.
    input.value = 'x'.repeat(4000);
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(error.textContent!.trim()).to.equal('');
    part(el, 'send')!.click();
    await el.updateComplete;
    expect(sent.filter((s) => s.type === 'CK-CHAT')).to.have.length(1);
    expect(input.value).to.equal('');
    expect(part(el, 'mine')!.querySelector('[part~="delivery"]')!.textContent!.trim()).to.equal('Sending…');
  });

  it('error: a post the server refuses is "Not sent." with Try again; blank text asks for a message', async () => {
    const { chat: c, sent } = chat();
    const el = await fixture<ConsultChat>(html`<consult-chat .chat=${c}></consult-chat>`);
    part(el, 'send')!.click();
    await el.updateComplete;
    expect(part(el, 'error')!.textContent!.trim()).to.equal('Write a message first.');
    const id = c.send('hello');
    c.receive({ type: 'CK-CHAT-REFUSED', payload: { id, code: 'too-many', reason: 'slow down' } });
    await el.updateComplete;
    expect(part(el, 'delivery')!.textContent!.trim()).to.equal('Not sent.');
    await expect(el).to.be.accessible();
    part(el, 'retry')!.click();
    await el.updateComplete;
    expect(sent.filter((s) => s.type === 'CK-CHAT' && s.payload.id === id)).to.have.length(2);
    expect(part(el, 'delivery')!.textContent!.trim()).to.equal('Sending…');
  });

  it('waiting or reconnecting: says messages wait; accessible', async () => {
    sessionStorage.clear();
    const c = new Chat(ME, () => true);
    const el = await fixture<ConsultChat>(html`<consult-chat .chat=${c}></consult-chat>`);
    expect(part(el, 'notice')!.textContent!.trim()).to.equal(
      'Messages you write now are sent once you are in the call and connected.',
    );
    await expect(el).to.be.accessible();
  });

  it('right to left (Arabic): translated, mirrored (own messages at the inline end, on the left), accessible', async () => {
    const { chat: c } = chat();
    c.receive({ type: 'CK-CHAT-MESSAGE', payload: message(1, { text: 'Hello' }) });
    c.receive({ type: 'CK-CHAT-MESSAGE', payload: message(2, { author: 'ck-me', text: 'شكراً' }) });
    const wrapper = await fixture<HTMLDivElement>(
      html`<div lang="ar" dir="rtl" style="inline-size: 480px"><consult-chat .chat=${c}></consult-chat></div>`,
    );
    const el = wrapper.querySelector('consult-chat')!;
    await until(() => part(el, 'heading')?.textContent?.trim().startsWith('المحادثة') === true, 'Arabic');
    expect(getComputedStyle(el).direction).to.equal('rtl');
    const [theirs, mine] = parts(el, 'message').map((m) => m.getBoundingClientRect());
    expect(mine!.left).to.be.lessThan(theirs!.left);
    expect(part(el, 'send')!.textContent!.trim()).to.equal('إرسال');
    await expect(el).to.be.accessible();
  });
});

import { expect, oneEvent } from '@open-wc/testing';
import { html, render } from 'lit';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import { StaffMessages } from '@consultkit/core';
import { StaffClient } from '@consultkit/core/booking';
import { until } from '../../../../test-support/browser.js';
import {
  fakeColleagues,
  fakeDirectory,
  fakeMessage,
  fakeStaffMessages,
  mountStaffChat,
  RHYS,
  SAM,
} from '../internal/fake-staff-chat.js';
import type { StaffChat } from './staff-chat.js';

const part = (el: StaffChat, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: StaffChat, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
/** The text a person reads (without the isolation marks round people's names). */
const words = (node: Element | null | undefined) =>
  (node?.textContent ?? '')
    .replace(/[\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
/** The focused element, through shadow roots. */
function focused(): Element | null {
  let at: Element | null = document.activeElement;
  while (at?.shadowRoot?.activeElement) at = at.shadowRoot.activeElement;
  return at;
}

describe('<staff-chat> over a core store', function () {
  this.timeout(60_000);
  const box = document.createElement('div');
  before(() => document.body.append(box));
  afterEach(() => render(html``, box));
  after(() => box.remove());

  it('lists conversations with names, last messages, unread badges in words, and what they are about; accessible', async () => {
    const fake = fakeStaffMessages();
    const el = await mountStaffChat(box, fake);
    const rows = parts(el, 'conversation').map(words);
    expect(rows).to.have.length(3);
    expect(rows[0]).to.contain('Dr Rhys Jones').and.contain('2 unread messages');
    expect(rows[1]).to.contain('Diabetes clinic').and.contain('About Test Patient').and.contain('1 unread message');
    expect(rows[2]).to.contain('About a patient you cannot see').and.not.contain('unread');
    // The badge's digits are hidden from screen readers; the words are said instead.
    const badge = part(el, 'badge')!;
    expect(badge.querySelector('[aria-hidden="true"]')!.textContent).to.equal('3');
    expect(words(badge.querySelector('.visually-hidden'))).to.equal('3 unread messages');
    expect(el.unread).to.equal(3);
    await expect(el).to.be.accessible();
  });

  it('opens a conversation: messages in order, author and time, text as text, links only http(s); marks read; accessible', async () => {
    const fake = fakeStaffMessages();
    const el = await mountStaffChat(box, fake);
    const unread = oneEvent(el, 'ck-unread-changed');
    parts(el, 'conversation')[0]!.click();
    await fake.load('1');
    await until(() => parts(el, 'message').length === 3, 'the three messages');
    expect(parts(el, 'author').map(words)).to.deep.equal(['You', 'Dr Rhys Jones', 'Dr Rhys Jones']);
    expect(parts(el, 'time').every((t) => /\d/.test(t.textContent!))).to.equal(true);
    const link = part(el, 'link') as HTMLAnchorElement;
    expect(link.href).to.equal('https://www.nhs.uk/conditions/');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(part(el, 'log')!.getAttribute('role')).to.equal('log');
    // Read while shown and the page visible: up to the last message.
    expect((await unread).detail.unread).to.equal(1);
    expect(fake.reads).to.deep.equal([{ conversation: '1', upTo: 3 }]);
    expect(words(parts(el, 'conversation')[0])).to.not.contain('unread');
    await expect(el).to.be.accessible();
  });

  it('shows markup as text', async () => {
    const fake = fakeStaffMessages();
    const evil = '<img src=x onerror="window.owned=1"><b>bold</b> javascript:alert(1)';
    fake.state.update({
      conversations: fake.state
        .get()
        .conversations.map((c) => (c.id === '1' ? { ...c, last: fakeMessage('1', 4, RHYS, evil), lastSeq: 4 } : c)),
    });
    const el = await mountStaffChat(box, fake, { open: '1' });
    fake.state.update({ messages: { '1': [...fake.state.get().messages['1']!, fakeMessage('1', 4, RHYS, evil)] } });
    await el.updateComplete;
    const last = parts(el, 'text').at(-1)!;
    expect(last.textContent).to.equal(evil);
    expect(last.querySelector('img, b, a')).to.equal(null);
    expect((window as { owned?: number }).owned).to.equal(undefined);
  });

  it('keyboard: arrows through conversations, Enter opens one with focus in the composer, Enter sends, Shift+Enter a new line', async () => {
    const fake = fakeStaffMessages();
    const el = await mountStaffChat(box, fake);
    parts(el, 'conversation')[0]!.focus();
    await sendKeys({ press: 'ArrowDown' });
    expect(focused() === parts(el, 'conversation')[1], 'the second conversation').to.equal(true);
    await sendKeys({ press: 'End' });
    expect(focused() === parts(el, 'conversation')[2], 'the last conversation').to.equal(true);
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' });
    expect(focused() === parts(el, 'conversation')[0], 'the first conversation').to.equal(true);
    const opened = oneEvent(el, 'ck-staff-conversation-opened');
    await sendKeys({ press: 'Enter' });
    expect((await opened).detail.conversation.id).to.equal('1');
    await until(() => focused() === part(el, 'field'), 'focus in the composer');
    await sendKeys({ type: 'First line' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    expect(fake.sent).to.deep.equal([]);
    const sent = oneEvent(el, 'ck-staff-message-sent');
    await sendKeys({ press: 'Enter' });
    expect((await sent).detail.message.text).to.equal('First line\nsecond line');
    expect(fake.sent).to.deep.equal([{ conversation: '1', text: 'First line\nsecond line' }]);
    await until(() => (part(el, 'field') as HTMLTextAreaElement).value === '', 'the composer cleared');
    expect(words(parts(el, 'text').at(-1))).to.equal('First line second line');
    expect(focused() === part(el, 'field'), 'focus in the composer').to.equal(true);
    // Tab from the log goes through its links, then reaches the composer.
    part(el, 'log')!.focus();
    for (const _ of parts(el, 'link')) await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(focused() === part(el, 'field'), 'focus in the composer after the log').to.equal(true);
  });

  it('a message that cannot leave stays in the composer, and the reason is announced; empty and too long refused', async () => {
    const fake = fakeStaffMessages();
    const el = await mountStaffChat(box, fake, { open: '1' });
    const field = part(el, 'field') as HTMLTextAreaElement;
    field.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => words(part(el, 'error')) === 'Write a message first.', 'the empty message refused');
    fake.failSends = true;
    await sendKeys({ type: 'Are you free at three?' });
    await sendKeys({ press: 'Enter' });
    await until(() => words(part(el, 'error')).startsWith('Your message was not sent:'), 'the failure');
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(field.value).to.equal('Are you free at three?');
    expect(field.getAttribute('aria-invalid')).to.equal('true');
    await expect(el).to.be.accessible();
    field.value = 'x'.repeat(4001);
    field.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(words(part(el, 'error'))).to.contain('too long');
    expect(words(part(el, 'count'))).to.equal('4,001 of 4,000 characters');
  });

  it('a message from a colleague elsewhere is told; in the open one it goes to the log; the unread total follows', async () => {
    const fake = fakeStaffMessages();
    const el = await mountStaffChat(box, fake, { open: '1' });
    await until(() => el.unread === 1, 'the open conversation read');
    const told = oneEvent(el, 'ck-staff-message');
    const total = oneEvent(el, 'ck-unread-changed');
    const message = fakeMessage('2', 2, SAM, 'A word from the other device.');
    fake.state.update({
      conversations: fake.state
        .get()
        .conversations.map((c) => (c.id === '2' ? { ...c, last: message, lastSeq: 2, unread: 2 } : c)),
      unread: 2,
    });
    const { detail } = await told;
    expect(detail).to.deep.include({ mine: false });
    expect(detail.message.id).to.equal(message.id);
    expect((await total).detail.unread).to.equal(2);
    await el.updateComplete;
    expect(words(part(el, 'status'))).to.equal('New message from Sam Patel.');
  });

  it('the conversations there when it opens are not news: no ck-staff-message for them, nothing announced', async () => {
    const fake = fakeStaffMessages({ status: 'idle', conversations: [] });
    const heard: string[] = [];
    box.addEventListener('ck-staff-message', (e) => heard.push(e.detail.message.text));
    const el = await mountStaffChat(box, fake);
    fake.state.update({ status: 'ready', conversations: fakeStaffMessages().state.get().conversations, unread: 3 });
    await el.updateComplete;
    // A message after the list (the sentinel): heard, and only it.
    const message = fakeMessage('3', 2, SAM, 'A word from the other device.');
    fake.state.update({
      conversations: fake.state
        .get()
        .conversations.map((c) => (c.id === '3' ? { ...c, last: message, lastSeq: 2 } : c)),
    });
    await until(() => heard.length > 0, 'the sentinel');
    expect(heard).to.deep.equal(['A word from the other device.']);
  });

  it('reconnecting is announced and shown; coming back is told', async () => {
    const fake = fakeStaffMessages();
    const el = await mountStaffChat(box, fake, { open: '2' });
    fake.state.update({ live: 'retrying' });
    await el.updateComplete;
    expect(words(part(el, 'status'))).to.equal('Reconnecting…');
    expect(words(part(el, 'notice'))).to.contain('Reconnecting…');
    await expect(el).to.be.accessible();
    fake.state.update({ live: 'streaming' });
    await el.updateComplete;
    expect(words(part(el, 'status'))).to.equal('Connected again.');
    expect(part(el, 'notice')).to.equal(null);
  });

  it('starts a group conversation with a title: focus moves into the form, then to the new conversation', async () => {
    const fake = fakeStaffMessages();
    const el = await mountStaffChat(box, fake, { allowPatient: true });
    part(el, 'new')!.click();
    await until(() => focused()?.id === 'ck-staff-chat-find', 'focus in the search');
    const boxes = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map((b) => b.value)).to.not.include('11'); // not oneself
    boxes[0]!.click();
    boxes[1]!.click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
    (el.shadowRoot!.querySelector('#ck-staff-chat-title') as HTMLInputElement).value = 'Rota';
    const started = oneEvent(el, 'ck-staff-conversation-started');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="start-form"] button[type="submit"]')!.click();
    const { detail } = await started;
    expect(detail.conversation.title).to.equal('Rota');
    expect(detail.conversation.members.map((m) => m.practitioner)).to.deep.equal(['11', '12', '13']);
    await until(() => focused() === part(el, 'field'), 'focus in the new conversation');
    expect(el.openConversation).to.equal(detail.conversation.id);
  });

  it('New conversation lists everyone with their role in words, reception too; a search asks by name; more and a failure are said; accessible', async () => {
    const colleagues = fakeColleagues();
    const el = await mountStaffChat(box, fakeStaffMessages(), { colleagues });
    part(el, 'new')!.click();
    await until(() => focused()?.id === 'ck-staff-chat-find', 'focus in the search');
    const labels = [...el.shadowRoot!.querySelectorAll('.colleagues label')].map(words);
    expect(labels).to.deep.equal([
      'Sam Patel, Registered nurse',
      'Dr Rhys Jones, General practitioner',
      'Jo Evans, Receptionist',
    ]);
    // Each checkbox is named by its label: the name and the role, as a screen reader says them.
    const jo = el.shadowRoot!.querySelector<HTMLInputElement>('#ck-staff-chat-who-14')!;
    expect(jo.labels?.[0] && words(jo.labels[0])).to.equal('Jo Evans, Receptionist');
    await expect(el).to.be.accessible();
    // Typing a name and Enter asks the search.
    const find = el.shadowRoot!.querySelector<HTMLInputElement>('#ck-staff-chat-find')!;
    find.focus();
    await sendKeys({ type: 'jo' });
    await sendKeys({ press: 'Enter' });
    await until(() => colleagues.searched.some((q) => q.name === 'jo'), 'the search asked for "jo"');
    jo.click();
    await el.updateComplete;
    expect(words(el.shadowRoot!.querySelector('[part~="start-form"] [role="status"]'))).to.equal('Chosen: Jo Evans');
    const started = oneEvent(el, 'ck-staff-conversation-started');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="start-form"] button[type="submit"]')!.click();
    expect(
      (await started).detail.conversation.members.map((m: { practitioner: string }) => m.practitioner),
    ).to.deep.equal(['11', '14']);

    // More people match than were given: said, as a hint.
    render(html``, box);
    const more = await mountStaffChat(box, fakeStaffMessages(), { colleagues: fakeColleagues({ more: true }) });
    part(more, 'new')!.click();
    await more.updateComplete;
    expect(words(more.shadowRoot!.querySelector('fieldset .hint'))).to.equal(
      'More colleagues match: type more of a name and choose Find.',
    );
    await expect(more).to.be.accessible();

    // The search failed: an alert, and not "Nobody matches".
    render(html``, box);
    const failed = await mountStaffChat(box, fakeStaffMessages(), {
      colleagues: fakeColleagues({ status: 'error', empty: true }),
    });
    part(failed, 'new')!.click();
    await failed.updateComplete;
    const alert = failed.shadowRoot!.querySelector('fieldset [role="alert"]');
    expect(words(alert)).to.equal('Colleagues could not be found. Choose Find to try again.');
    expect(words(failed.shadowRoot!.querySelector('fieldset'))).to.not.contain('Nobody matches');
    await expect(failed).to.be.accessible();
  });

  it("a host's `directory` (core's StaffDirectory) still lists colleagues with its role words; `people` wins when both are set", async () => {
    render(html`<staff-chat me="11" .messages=${fakeStaffMessages()} .directory=${fakeDirectory()}></staff-chat>`, box);
    const el = box.querySelector<StaffChat>('staff-chat')!;
    await el.updateComplete;
    part(el, 'new')!.click();
    await el.updateComplete;
    expect([...el.shadowRoot!.querySelectorAll('.colleagues label')].map(words)).to.deep.equal([
      'Sam Patel, General practitioner',
      'Dr Rhys Jones, General practitioner',
    ]);
    el.people = fakeColleagues();
    await el.updateComplete;
    expect([...el.shadowRoot!.querySelectorAll('.colleagues label')].map(words)).to.include('Jo Evans, Receptionist');
  });

  it('messageColleague opens the one-to-one that exists, and starts one otherwise', async () => {
    const fake = fakeStaffMessages();
    const el = await mountStaffChat(box, fake);
    const existing = await el.messageColleague({ practitioner: RHYS.practitioner });
    expect(existing?.id).to.equal('1');
    const made = await el.messageColleague({ practitioner: SAM.practitioner });
    expect(made?.members.map((m) => m.practitioner)).to.deep.equal(['11', '12']);
    expect(el.openConversation).to.equal(made!.id);
  });
});

/** Clinicians of their own on the run's server, and the staff key that may name each. */
async function colleagues(...families: string[]): Promise<{ ids: string[]; key: string }> {
  return (await executeServerCommand('ck-staff-colleagues', { families })) as { ids: string[]; key: string };
}

/** A receptionist of the test's own: a staff account, no role in the directory. */
async function receptionist(family: string): Promise<string> {
  const made = (await executeServerCommand('ck-staff-colleagues', { families: [family], roles: ['receptionist'] })) as {
    ids: string[];
  };
  return made.ids[0]!;
}

/** Core's `StaffMessages` acting as `practitioner` through the staff key (the other side of a conversation). */
function messagesAs(key: string, practitioner: string): StaffMessages {
  const client = new StaffClient({
    baseUrl: '/fhir',
    headers: () => ({ authorization: `Bearer ${key}`, 'consultkit-acting-practitioner': practitioner }),
  });
  return new StaffMessages({ client });
}

describe('<staff-chat> against the real server', function () {
  this.timeout(120_000);
  const LONG = 60_000;
  const box = document.createElement('div');
  const others: StaffMessages[] = [];
  before(() => document.body.append(box));
  afterEach(() => {
    render(html``, box);
    others.splice(0).forEach((o) => o.stop());
  });
  after(() => box.remove());

  /** `<staff-chat>` of its own (`fhir-base`, `me`, the staff key), as `me`. */
  async function mount(me: string, key: string): Promise<StaffChat> {
    render(html`<staff-chat fhir-base="/fhir" me=${me} .staffKey=${key}></staff-chat>`, box);
    const el = box.querySelector<StaffChat>('staff-chat')!;
    await el.updateComplete;
    await until(() => !el.shadowRoot!.querySelector('[aria-busy="true"]'), 'the conversations listed', LONG);
    return el;
  }

  it('New conversation finds a receptionist (no role in the directory) by name; the conversation reaches them live', async () => {
    const family = `Desk${crypto
      .randomUUID()
      .slice(0, 8)
      .replace(/[0-9-]/g, 'q')}`;
    const { ids, key } = await colleagues('Okafor');
    const gp = ids[0]!;
    const desk = await receptionist(family);
    const el = await mount(gp, key);
    const other = messagesAs(key, desk);
    others.push(other);
    await other.start();
    await until(() => other.state.get().live === 'streaming', "the receptionist's stream", LONG);

    part(el, 'new')!.click();
    await until(() => focused()?.id === 'ck-staff-chat-find', 'focus in the search', LONG);
    await sendKeys({ type: family.toLowerCase() });
    await sendKeys({ press: 'Enter' });
    const box = () => el.shadowRoot!.querySelector<HTMLInputElement>(`#ck-staff-chat-who-${desk}`);
    await until(() => !!box(), 'the receptionist listed', LONG);
    expect([...el.shadowRoot!.querySelectorAll('.colleagues label')].map(words)).to.deep.equal([
      `Test ${family}, Receptionist`,
    ]);
    await expect(el).to.be.accessible();
    box()!.click();
    await el.updateComplete;
    const started = oneEvent(el, 'ck-staff-conversation-started');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="start-form"] button[type="submit"]')!.click();
    const { detail } = await started;
    expect(detail.conversation.members.map((m: { practitioner: string }) => m.practitioner).sort()).to.deep.equal(
      [gp, desk].sort(),
    );
    await until(
      () => other.state.get().conversations.some((c) => c.id === detail.conversation.id),
      'the conversation told to the receptionist',
      LONG,
    );
  });

  it('a colleague writes: the message shows live, in the open conversation, read at once; a reply reaches them; accessible', async () => {
    const { ids, key } = await colleagues('Ashworth', 'Brennan');
    const [a, b] = ids as [string, string];
    const el = await mount(a, key);
    expect(words(el.shadowRoot!.querySelector('.empty'))).to.equal('No conversations yet.');
    await expect(el).to.be.accessible();

    const conversation = (await el.messageColleague({ practitioner: b }))!;
    await until(() => focused() === part(el, 'field'), 'focus in the composer', LONG);
    expect(words(part(el, 'conversation'))).to.contain('Dr Test Brennan');

    const other = messagesAs(key, b);
    others.push(other);
    await other.start();
    await until(() => other.state.get().live === 'streaming', "the colleague's stream", LONG);
    const told = oneEvent(el, 'ck-staff-message');
    await other.post(conversation.id, 'Seen the <b>bloods</b>? https://www.nhs.uk/conditions/');
    const { detail } = await told;
    expect(detail.mine).to.equal(false);
    await until(() => parts(el, 'message').length === 1, 'the message in the log', LONG);
    expect(words(part(el, 'author'))).to.equal('Dr Test Brennan');
    expect(part(el, 'text')!.textContent).to.equal('Seen the <b>bloods</b>? https://www.nhs.uk/conditions/');
    expect(part(el, 'text')!.querySelector('b')).to.equal(null);
    // Shown, the page visible: read, on the server too.
    await until(() => el.unread === 0, 'read', LONG);
    const [listed] = (await messagesAs(key, a).refresh()).filter((c) => c.id === conversation.id);
    expect(listed!.unread).to.equal(0);

    (part(el, 'field') as HTMLTextAreaElement).focus();
    await sendKeys({ type: 'Yes, all normal.' });
    await sendKeys({ press: 'Enter' });
    await until(
      () => (other.state.get().conversations.find((c) => c.id === conversation.id)?.unread ?? 0) === 1,
      'the reply unread on the other side',
      LONG,
    );
    expect(other.state.get().conversations.find((c) => c.id === conversation.id)!.last!.text).to.equal(
      'Yes, all normal.',
    );
    await until(() => parts(el, 'message').length === 2, 'the reply in the log', LONG);
    expect(words(parts(el, 'author')[1])).to.equal('You');
    await expect(el).to.be.accessible();
  });

  it('a message in a conversation not open counts as unread, in the heading and as an event, until it is opened', async () => {
    const { ids, key } = await colleagues('Carver', 'Dunmore');
    const [a, b] = ids as [string, string];
    const other = messagesAs(key, b);
    others.push(other);
    await other.start();
    const conversation = await other.startConversation({ members: [a] });
    const el = await mount(a, key);
    await until(() => parts(el, 'conversation').length === 1, 'the conversation listed', LONG);
    const counted = oneEvent(el, 'ck-unread-changed');
    await other.post(conversation.id, 'Are you free at three?');
    expect((await counted).detail.unread).to.equal(1);
    await until(() => words(part(el, 'heading')).includes('1 unread message'), 'the unread total in the heading', LONG);
    expect(words(part(el, 'status'))).to.equal('New message from Dr Test Dunmore.');
    parts(el, 'conversation')[0]!.click();
    await until(() => el.unread === 0, 'read once opened', LONG);
    expect(words(part(el, 'heading'))).to.equal('Messages');
  });

  it('a conversation the viewer is not in shows nothing (the server answers 404); an over-long message is refused before sending, the text kept', async () => {
    const { ids, key } = await colleagues('Ellery', 'Fairbanks', 'Goddard');
    const [a, b, c] = ids as [string, string, string];
    const bs = messagesAs(key, b);
    others.push(bs);
    const theirs = await bs.startConversation({ members: [c] });
    const el = await mount(a, key);
    el.openConversation = theirs.id;
    await el.updateComplete;
    // Not listed for a: nothing to show, no composer.
    expect(part(el, 'field')).to.equal(null);
    // A conversation of a's own: a message over the limit is refused before it leaves.
    await el.messageColleague({ practitioner: b });
    await until(() => !!part(el, 'field'), 'the composer', LONG);
    const field = part(el, 'field') as HTMLTextAreaElement;
    field.value = 'x'.repeat(4001);
    field.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => words(part(el, 'error')).includes('too long'), 'too long refused', LONG);
    expect(field.value).to.have.length(4001);
  });
});

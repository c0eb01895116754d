/** Test support (not exported): `<staff-chat>` in each state a person can see, for the checks over every element. */
import { render, html } from 'lit';
import type { ElementState } from './fake-element-states.js';
import { fakeColleagues, fakeStaffMessages, mountStaffChat, type FakeStaffMessages } from './fake-staff-chat.js';

function chatState(
  name: string,
  make: () => FakeStaffMessages,
  options: Parameters<typeof mountStaffChat>[2] = {},
  then?: (el: HTMLElement, fake: FakeStaffMessages) => Promise<void>,
): ElementState {
  return {
    name,
    async mount(box) {
      const fake = make();
      const el = await mountStaffChat(box, fake, options);
      await then?.(el, fake);
      return () => render(html``, box);
    },
  };
}

const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;

/** The states of `<staff-chat>`. */
export function staffChatStates(): ElementState[] {
  return [
    chatState('staff-chat: no conversations yet', () => fakeStaffMessages({ conversations: [] })),
    chatState('staff-chat: conversations, some unread', () => fakeStaffMessages()),
    chatState('staff-chat: a conversation open, with a link', () => fakeStaffMessages(), { open: '1' }),
    chatState('staff-chat: a group about a patient the viewer may see', () => fakeStaffMessages(), { open: '2' }),
    chatState('staff-chat: about a patient the viewer cannot see', () => fakeStaffMessages(), { open: '3' }),
    chatState(
      'staff-chat: composing, the message not sent',
      () => fakeStaffMessages(),
      { open: '1' },
      async (el, fake) => {
        fake.failSends = true;
        const field = part(el, 'field') as HTMLTextAreaElement;
        field.value = 'Are you free at three?';
        field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
        const deadline = performance.now() + 20_000;
        while (!part(el, 'error').textContent!.trim() && performance.now() < deadline)
          await new Promise((resolve) => requestAnimationFrame(resolve));
      },
    ),
    chatState('staff-chat: reconnecting', () => fakeStaffMessages({ live: 'retrying' }), { open: '2' }),
    chatState(
      'staff-chat: a new conversation, two colleagues chosen',
      () => fakeStaffMessages(),
      { allowPatient: true },
      async (el) => {
        part(el, 'new').click();
        await (el as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
        for (const box of [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')].slice(
          0,
          2,
        )) {
          box.click();
        }
        await (el as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      },
    ),
    chatState(
      'staff-chat: a new conversation, more colleagues match than are listed',
      () => fakeStaffMessages(),
      { colleagues: fakeColleagues({ more: true }) },
      async (el) => {
        part(el, 'new').click();
        await (el as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      },
    ),
    chatState(
      'staff-chat: a new conversation, colleagues could not be found',
      () => fakeStaffMessages(),
      { colleagues: fakeColleagues({ status: 'error', empty: true }) },
      async (el) => {
        part(el, 'new').click();
        await (el as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      },
    ),
  ];
}

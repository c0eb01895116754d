/**
 * Test support (not exported): `<staff-chat>` over a real core store with chosen values, for the
 * element states (accessibility, pseudo-locale) and the element's own tests.
 */
import { html, render } from 'lit';
import { createStore, type WritableStore } from '@consultkit/core';
import type { StaffConversation, StaffMessage } from '@consultkit/core/contract';
import '../staff-chat/define.js';
import type {
  ColleagueSearch,
  ColleagueSearchState,
  StaffChat,
  StaffChatState,
  StaffMessagesLike,
} from '../staff-chat/staff-chat.js';

export const ME = { practitioner: '11', name: 'Alex Morgan' };
export const SAM = { practitioner: '12', name: 'Sam Patel' };
export const RHYS = { practitioner: '13', name: 'Dr Rhys Jones' };
export const JO = { practitioner: '14', name: 'Jo Evans' };

/** What people wrote in the fake conversations (user data: a pseudo-locale leaves it alone). */
export const STAFF_CHAT_TEXTS = [
  'Could you look at the rash photo when you have a minute?',
  'Yes: it looks like eczema. Guidance: https://www.nhs.uk/conditions/',
  'Happy to join the call\nif you need me.',
  'Bloods are back, all normal.',
  'The patient called to rebook.',
  'Diabetes clinic',
  'Are you free at three?',
  'A word from the other device.',
];

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

/** A message `seq` of conversation `conversation` by `author`. */
export function fakeMessage(
  conversation: string,
  seq: number,
  author: { practitioner: string; name: string },
  text: string,
): StaffMessage {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(4, '0')}${conversation.padStart(8, '0').slice(-8)}`,
    conversation,
    seq,
    author,
    text,
    sentAt: minutesAgo(30 - seq),
  };
}

/** Three conversations: one-to-one with unread, a group about a named patient, one about a patient hidden from the viewer. */
export function fakeConversations(): { conversations: StaffConversation[]; messages: Record<string, StaffMessage[]> } {
  const one = [
    fakeMessage('1', 1, ME, 'Could you look at the rash photo when you have a minute?'),
    fakeMessage('1', 2, RHYS, 'Yes: it looks like eczema. Guidance: https://www.nhs.uk/conditions/'),
    fakeMessage('1', 3, RHYS, 'Happy to join the call\nif you need me.'),
  ];
  const group = [fakeMessage('2', 1, SAM, 'Bloods are back, all normal.')];
  const hidden = [fakeMessage('3', 1, JO, 'The patient called to rebook.')];
  const conversation = (
    id: string,
    members: { practitioner: string; name: string }[],
    messages: StaffMessage[],
    extra: Partial<StaffConversation>,
  ): StaffConversation => ({
    id,
    members,
    createdAt: minutesAgo(60),
    lastSeq: messages.length,
    ...(messages.length ? { last: messages.at(-1)! } : {}),
    unread: 0,
    readUpTo: messages.length,
    ...extra,
  });
  return {
    conversations: [
      conversation('1', [ME, RHYS], one, { unread: 2, readUpTo: 1 }),
      conversation('2', [SAM, ME, JO], group, {
        title: 'Diabetes clinic',
        patient: { reference: 'Patient/7', name: 'Test Patient' },
        unread: 1,
        readUpTo: 0,
      }),
      conversation('3', [JO, ME], hidden, { patientHidden: true }),
    ],
    messages: { '1': one, '2': group, '3': hidden },
  };
}

export interface FakeStaffMessages extends StaffMessagesLike {
  readonly state: WritableStore<StaffChatState>;
  /** What was sent, in order. */
  readonly sent: { conversation: string; text: string }[];
  /** Read marks asked for. */
  readonly reads: { conversation: string; upTo: number }[];
  /** Makes the next sends fail (as the network would). */
  failSends: boolean;
}

/** A `StaffMessagesLike` over a real core store: sends append, read marks clear the unread count. */
export function fakeStaffMessages(overrides: Partial<StaffChatState> = {}): FakeStaffMessages {
  const { conversations, messages } = fakeConversations();
  const state = createStore<StaffChatState>({
    status: 'ready',
    conversations,
    messages: {},
    unread: 0,
    sending: [],
    live: 'streaming',
    error: null,
    ...overrides,
  });
  /** The total follows the conversations, as core's does. */
  const update = (patch: Partial<StaffChatState>) => {
    const next = patch.conversations ?? state.get().conversations;
    state.update({ ...patch, unread: next.reduce((n, c) => n + c.unread, 0) });
  };
  update({});
  const sent: { conversation: string; text: string }[] = [];
  const reads: { conversation: string; upTo: number }[] = [];
  const fake: FakeStaffMessages = {
    state,
    sent,
    reads,
    failSends: false,
    start: async () => undefined,
    stop: () => undefined,
    async load(conversation) {
      if (!state.get().messages[conversation])
        update({ messages: { ...state.get().messages, [conversation]: messages[conversation] ?? [] } });
      return state.get().messages[conversation]!;
    },
    async post(conversation, text) {
      if (fake.failSends) throw Object.assign(new Error('offline'), { code: 'network' });
      sent.push({ conversation, text });
      const held = state.get().messages[conversation] ?? [];
      const message = fakeMessage(conversation, held.length + 1, ME, text);
      update({
        messages: { ...state.get().messages, [conversation]: [...held, message] },
        conversations: state
          .get()
          .conversations.map((c) => (c.id === conversation ? { ...c, last: message, lastSeq: message.seq } : c)),
      });
      return message;
    },
    async markRead(conversation, upTo) {
      reads.push({ conversation, upTo: upTo ?? 0 });
      update({
        conversations: state
          .get()
          .conversations.map((c) => (c.id === conversation ? { ...c, unread: 0, readUpTo: upTo ?? 0 } : c)),
      });
      return { conversation, upTo: upTo ?? 0, unread: 0 };
    },
    async startConversation(request) {
      const conversation: StaffConversation = {
        id: String(state.get().conversations.length + 1),
        members: [
          ME,
          ...request.members.map((p) => ({ practitioner: p, name: p === SAM.practitioner ? SAM.name : p })),
        ],
        ...(request.title ? { title: request.title } : {}),
        createdAt: new Date().toISOString(),
        lastSeq: 0,
        unread: 0,
        readUpTo: 0,
      };
      update({ conversations: [conversation, ...state.get().conversations] });
      return conversation;
    },
  };
  return fake;
}

/**
 * Colleagues to choose from, for "New conversation", as core's `StaffPeople` gives them: a job from
 * the directory, or only roles (Jo, at reception). `status` and `more` set the search's state.
 */
export function fakeColleagues(
  options: { status?: ColleagueSearchState['status']; more?: boolean; empty?: boolean } = {},
): ColleagueSearch & { searched: { name?: string | undefined }[] } {
  const state = createStore<ColleagueSearchState>({
    status: options.status ?? 'ready',
    more: options.more ?? false,
    entries: options.empty
      ? []
      : [
          { practitioner: ME.practitioner, name: ME.name, roles: ['clinician'], job: 'General practitioner' },
          { practitioner: SAM.practitioner, name: SAM.name, roles: ['clinician'], job: 'Registered nurse' },
          { practitioner: RHYS.practitioner, name: RHYS.name, roles: ['clinician'], job: 'General practitioner' },
          { practitioner: JO.practitioner, name: JO.name, roles: ['receptionist'] },
        ],
  });
  const searched: { name?: string | undefined }[] = [];
  return {
    state,
    searched,
    search: async (query) => {
      searched.push(query);
    },
  };
}

/** The directory's way (core's `StaffDirectory`): entries with their role already in words. */
export function fakeDirectory(): ColleagueSearch {
  const state = createStore<ColleagueSearchState>({
    status: 'ready',
    entries: [SAM, RHYS].map((p) => ({ ...p, role: 'General practitioner' })),
  });
  return { state, search: async () => undefined };
}

/** Mounts `<staff-chat>` over `messages` in `box`, as {@link ME}; `open` opens a conversation. */
export async function mountStaffChat(
  box: HTMLElement,
  messages: StaffMessagesLike,
  options: { open?: string; allowPatient?: boolean; colleagues?: ColleagueSearch } = {},
): Promise<StaffChat> {
  render(
    html`<staff-chat
      me=${ME.practitioner}
      ?allow-patient=${options.allowPatient ?? false}
      open-conversation=${options.open ?? ''}
      .messages=${messages}
      .people=${options.colleagues ?? fakeColleagues()}
    ></staff-chat>`,
    box,
  );
  const el = box.querySelector<StaffChat>('staff-chat')!;
  await el.updateComplete;
  if (options.open) await messages.load(options.open);
  await el.updateComplete;
  return el;
}

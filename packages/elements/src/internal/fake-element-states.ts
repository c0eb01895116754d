/**
 * Test support (not exported): every element in each of its states a person can see, mounted on
 * the page, for the checks that run over all of them (accessibility.test.ts, pseudo-locale.test.ts).
 * Real core objects where the state comes from them without a call (DeviceCheck with the fake
 * camera, the booking clients against the run's server); a real core store with chosen values
 * where a state needs a call (a room in a call, reconnecting, ended).
 */
import { html, render } from 'lit';
import {
  Chat,
  createStore,
  DeviceCheck,
  type Consultation,
  type Files,
  type FilesState,
  type ParticipantState,
  type SharedDocument,
} from '@consultkit/core';
import { FhirError, StaffClient } from '@consultkit/core/booking';
import { executeServerCommand } from '@web/test-runner-commands';
import '../booking-desk/define.js';
import '../consult-chat/define.js';
import '../consult-recorder/define.js';
import '../consult-room/define.js';
import '../device-check/define.js';
import '../file-share/define.js';
import '../guest-invite/define.js';
import '../clinician-directory/define.js';
import '../participant-grid/define.js';
import '../participant-tile/define.js';
import '../screen-share/define.js';
import '../slot-picker/define.js';
import '../waiting-room/define.js';
import type { ConsultRoom } from '../consult-room/consult-room.js';
import type { SlotPicker } from '../slot-picker/slot-picker.js';
import type { BookingDesk } from '../booking-desk/booking-desk.js';
import type { GuestInvite } from '../guest-invite/guest-invite.js';
import type { ClinicianDirectory, DirectoryLike } from '../clinician-directory/clinician-directory.js';
import type { StaffDirectoryState, WritableStore } from '@consultkit/core';
import { fakeParticipant, fakeRoomState, fakeSelf } from './fake-participants.js';
import { staffChatStates } from './fake-staff-chat-states.js';
import { STAFF_CHAT_TEXTS } from './fake-staff-chat.js';

/** Names the states give people (user data a pseudo-locale leaves alone). */
export const GIVEN_NAMES = ['Alex Morgan', 'Sam Patel', 'Jo Evans', 'Dr Rhys Jones', 'Test Patient'];

/**
 * What people typed or chose in the states (a link in a chat message, file names), and what a
 * practice's directory says of its staff (roles and specialties, from its PractitionerRoles): user data too.
 */
export const GIVEN_TEXTS = [
  'https://www.nhs.uk/conditions/',
  'scan.pdf',
  'rash.jpg',
  'General practitioner',
  'General practice',
  'Registered nurse',
  'Dermatologist',
  'Dermatology',
  'Pharmacist',
  ...STAFF_CHAT_TEXTS,
];

export interface ElementState {
  name: string;
  /** The state offers nothing to press (a call over, a patient waiting, a grid seen by a patient). */
  noControls?: boolean;
  /** Mounts the state in `box` and resolves once it shows; returns a clean-up. */
  mount(box: HTMLElement): Promise<() => void>;
}

const deep = async (root: Element): Promise<void> => {
  const pending: Element[] = [root];
  while (pending.length) {
    const el = pending.pop()!;
    const lit = el as Element & { updateComplete?: Promise<unknown> };
    if (lit.updateComplete) await lit.updateComplete;
    pending.push(...el.children);
    if (el.shadowRoot) pending.push(...el.shadowRoot.children);
  }
};

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const shadowPart = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** A consultation's state in a real core store, for a room or waiting room. */
function roomState(overrides: Record<string, unknown> = {}) {
  const state = createStore(fakeRoomState({ quality: { quality: 'good' }, ...overrides }));
  return {
    state,
    on: () => () => undefined,
    admit: () => undefined,
    remove: () => undefined,
    decline: () => undefined,
    setMuted: (muted: boolean) => state.set({ ...state.get(), muted }),
    setCameraOff: (cameraOff: boolean) => state.set({ ...state.get(), cameraOff }),
    setAudioOnly: () => undefined,
    hangUp: () => undefined,
    leave: () => undefined,
    join: async () => undefined,
  } as unknown as Consultation;
}

const named = (i: number, overrides: Partial<ParticipantState> = {}) => ({
  ...fakeParticipant(i, overrides),
  name: GIVEN_NAMES[i % GIVEN_NAMES.length]!,
});

function room(
  name: string,
  consultation: Consultation | undefined,
  after?: (el: ConsultRoom) => Promise<void>,
  noControls = false,
): ElementState {
  return {
    name,
    noControls,
    async mount(box: HTMLElement) {
      render(html`<consult-room .consultation=${consultation}></consult-room>`, box);
      const el = box.querySelector('consult-room')!;
      await deep(el);
      await after?.(el);
      await deep(el);
      return () => render(html``, box);
    },
  };
}

/** A screen shared by participant 1 ("Sam Patel"): the state `<screen-share>` and the room read. */
const sharedScreen = (overrides: Record<string, unknown> = {}) =>
  roomState({
    participants: [named(1)],
    screenShare: { presenter: named(1).peerId, local: false, stream: null, pending: false, supported: true },
    ...overrides,
  });

/** A real core Chat, online, with two messages from others and one of this page's, one unread. */
function chatWithMessages(): Chat {
  sessionStorage.clear();
  const c = new Chat({ peerId: 'ck-me', name: GIVEN_NAMES[4]!, role: 'patient' }, () => true);
  c.setOnline(true);
  const at = '2026-03-02T10:05:00.000Z';
  const message = (seq: number, author: string, name: string, role: 'patient' | 'clinician', text: string) => ({
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    author,
    name,
    role,
    text,
    sentAt: at,
  });
  c.receive({
    type: 'CK-CHAT-HISTORY',
    payload: {
      after: 0,
      messages: [
        message(1, 'ck-gp', GIVEN_NAMES[3]!, 'clinician', GIVEN_TEXTS[0]!),
        message(2, 'ck-me', GIVEN_NAMES[4]!, 'patient', '42'),
        message(3, 'ck-gp', GIVEN_NAMES[3]!, 'clinician', '10:30'),
      ],
      more: false,
      marks: [],
    },
  });
  return c;
}

/** A document of the consultation, as `<file-share>` lists it. */
const sharedDocument = (over: Partial<SharedDocument>): SharedDocument => ({
  id: '0123456789abcdef0123456789abcdef',
  name: GIVEN_TEXTS[1]!,
  type: 'application/pdf',
  size: 1000,
  received: 400,
  status: 'uploading',
  sha256: null,
  from: { role: 'patient', name: GIVEN_NAMES[0]! },
  createdAt: '2026-03-02T10:05:00.000Z',
  filed: null,
  mine: false,
  progress: 0.4,
  stalled: false,
  viewUrl: null,
  downloadUrl: null,
  linksExpireAt: null,
  ...over,
});

const fakeFiles = (documents: SharedDocument[]) =>
  ({
    state: createStore<FilesState>({ documents, sending: false, error: null }),
    refresh: async () => undefined,
    cancel: async () => undefined,
    resume: async () => documents[0],
    send: async () => documents[0],
  }) as unknown as Files;

/** One element mounted from a template, once it shows. */
const simple = (name: string, template: () => ReturnType<typeof html>, noControls = false): ElementState => ({
  name,
  noControls,
  async mount(box) {
    render(template(), box);
    await deep(box);
    return () => render(html``, box);
  },
});

async function staffKey(): Promise<string> {
  return ((await executeServerCommand('ck-staff-key')) as { key: string }).key;
}

/** A request to record, as the server's roster carries it (self: this page's fake peer id). */
const recording = (overrides: Record<string, unknown> = {}) => ({
  requestId: '0123456789abcdef0123456789abcdef',
  status: 'asking',
  askedBy: 'peer-3',
  consents: { 'peer-3': 'agreed', self: 'asked', 'peer-1': 'agreed' },
  ...overrides,
});

const recorder = (name: string, consultation: Consultation, noControls = false): ElementState =>
  simple(
    name,
    () => html`<consult-recorder retention-days="30" .consultation=${consultation}></consult-recorder>`,
    noControls,
  );
/** A directory's state in a real core store, for `<clinician-directory>`: colleagues in every presence. */
function directoryState(overrides: Partial<StaffDirectoryState> = {}): DirectoryLike {
  const earlier = new Date(Date.now() - 3 * 60 * 60_000).toISOString();
  const state = createStore<StaffDirectoryState>({
    status: 'ready',
    query: {},
    entries: [
      { id: '1', practitioner: '11', name: 'Alex Morgan', role: 'General practitioner', specialty: 'General practice' },
      { id: '2', practitioner: '12', name: 'Sam Patel', role: 'Registered nurse', phone: '01632 960103' },
      { id: '3', practitioner: '13', name: 'Dr Rhys Jones', role: 'Dermatologist', specialty: 'Dermatology' },
      { id: '4', practitioner: '14', name: 'Jo Evans', role: 'Pharmacist' },
    ],
    presence: {
      '11': { practitioner: '11', state: 'in-consultation', lastSeen: earlier },
      '12': { practitioner: '12', state: 'busy', lastSeen: earlier },
      '13': { practitioner: '13', state: 'available', lastSeen: earlier },
      '14': { practitioner: '14', state: 'offline', lastSeen: earlier },
    },
    live: 'streaming',
    error: null,
    callIns: [],
    calling: [],
    called: {},
    lastChange: null,
    staffCalls: {},
    declined: [],
    answering: [],
    ...overrides,
  });
  return {
    state,
    search: async () => undefined,
    start: () => undefined,
    stop: () => undefined,
    setPresence: async (value) => ({ practitioner: '11', state: value }),
    callIn: async (consultation, practitioner) => ({ id: '1', consultation, practitioner, notified: true }),
    dismissCallIn: () => undefined,
    callColleague: async (practitioner) => ({
      call: '40',
      practitioner,
      notified: true,
      expiresAt: new Date().toISOString(),
    }),
    joinStaffCall: () => new Promise(() => undefined),
    declineStaffCall: async () => undefined,
  };
}

/** A colleague calling with no patient (a call between clinicians). */
const STAFF_CALL_NOTICE = {
  id: 'call-40-13-abc',
  consultation: '40',
  from: { practitioner: '11', name: 'Alex Morgan' },
  url: 'https://consult.example/join/x',
  opensAt: new Date().toISOString(),
};

/** `<clinician-directory>` over `directory`, as `me`, in `consultation` if given. */
function directoryMount(
  directory: DirectoryLike,
  attributes: { me?: string; consultation?: string; messaging?: boolean } = {},
) {
  return async (box: HTMLElement) => {
    render(
      html`<clinician-directory
        me=${attributes.me ?? ''}
        consultation=${attributes.consultation ?? ''}
        ?messaging=${attributes.messaging ?? false}
        .directory=${directory}
      ></clinician-directory>`,
      box,
    );
    await deep(box.querySelector<ClinicianDirectory>('clinician-directory')!);
    return () => render(html``, box);
  };
}

/** Every element in its states. */
export function elementStates(): ElementState[] {
  const checks: DeviceCheck[] = [];
  return [
    room('consult-room: before a consultation', undefined),
    room(
      'consult-room: clinician, a patient waiting and a guest in the call',
      roomState({
        participants: [named(0, { presence: 'waiting', admitted: false, role: 'patient' }), named(1)],
      }),
    ),
    room(
      'consult-room: patient in the call, shortcuts listed',
      roomState({ role: 'patient', participants: [named(3)] }),
      async (el) => {
        const panel = shadowPart(el, 'shortcuts') as HTMLDetailsElement;
        panel.open = true;
        // The list comes with its module, on the first opening (decision 47).
        await until(() => !!panel.querySelector('dl'), 'the list of shortcuts');
      },
    ),
    room('consult-room: hang-up confirmation', roomState({ role: 'patient', participants: [named(3)] }), async (el) => {
      document.dispatchEvent(
        new KeyboardEvent('keydown', { code: 'KeyH', key: 'H', altKey: true, shiftKey: true, bubbles: true }),
      );
      // The confirmation comes with its module, at the first hang-up shortcut (decision 47).
      await until(
        () => (shadowPart(el, 'confirm-hang-up') as HTMLDialogElement | null)?.open === true,
        'the confirmation',
      );
    }),
    room(
      'consult-room: clinician with another clinician in the call, Leave offered',
      roomState({ participants: [named(0, { role: 'patient' }), named(3, { role: 'clinician' })] }),
    ),
    room(
      'consult-room: hang-up confirmation with Leave, another clinician in the call',
      roomState({ participants: [named(3, { role: 'clinician' })] }),
      async (el) => {
        document.dispatchEvent(
          new KeyboardEvent('keydown', { code: 'KeyH', key: 'H', altKey: true, shiftKey: true, bubbles: true }),
        );
        await until(
          () => !!el.shadowRoot!.querySelector<HTMLDialogElement>('dialog[open] [part~="confirm-leave-button"]'),
          'the confirmation with Leave',
        );
      },
    ),
    room(
      'consult-room: reconnecting, poor connection, video paused',
      roomState({
        status: 'reconnecting',
        quality: { quality: 'poor' },
        audioOnlyReason: 'network',
        participants: [named(3)],
      }),
    ),
    room(
      'consult-room: ended by the clinician',
      roomState({ role: 'patient', status: 'ended', endReason: 'remote-hang-up' }),
      undefined,
      true,
    ),
    room(
      'consult-room: could not join',
      roomState({ role: 'patient', status: 'failed', error: { code: 'unreachable' } }),
      undefined,
      true,
    ),
    room('consult-room: a screen shared, the cameras small', sharedScreen()),
    simple(
      'screen-share: in the call, nobody sharing',
      () =>
        html`<screen-share
          .consultation=${roomState({
            participants: [named(1)],
            screenShare: { presenter: null, local: false, stream: null, pending: false, supported: true },
          })}
        ></screen-share>`,
    ),
    simple(
      'screen-share: someone else sharing',
      () => html`<screen-share .consultation=${sharedScreen()}></screen-share>`,
    ),
    recorder(
      'consult-recorder: clinician, before asking',
      roomState({ participants: [named(0, { role: 'patient' })] }),
    ),
    recorder(
      'consult-recorder: clinician, asking, one answered',
      roomState({
        self: fakeSelf({ role: 'clinician' }),
        participants: [named(0, { role: 'patient' }), named(1)],
        recording: recording({ askedBy: 'self', consents: { self: 'agreed', 'peer-0': 'agreed', 'peer-1': 'asked' } }),
      }),
    ),
    recorder(
      'consult-recorder: clinician, recording',
      roomState({
        self: fakeSelf({ role: 'clinician' }),
        participants: [named(0, { role: 'patient' })],
        recording: recording({
          askedBy: 'self',
          status: 'recording',
          recordingId: 'fedcba9876543210fedcba9876543210',
          consents: { self: 'agreed', 'peer-0': 'agreed' },
        }),
      }),
    ),
    recorder(
      'consult-recorder: patient, the consent dialog',
      roomState({ role: 'patient', participants: [named(3, { role: 'clinician' }), named(1)], recording: recording() }),
    ),
    recorder(
      'consult-recorder: patient, recording, with "Stop my consent"',
      roomState({
        role: 'patient',
        participants: [named(3, { role: 'clinician' })],
        recording: recording({
          status: 'recording',
          recordingId: 'fedcba9876543210fedcba9876543210',
          consents: { 'peer-3': 'agreed', self: 'agreed' },
        }),
      }),
    ),
    simple('consult-chat: messages, one unread', () => html`<consult-chat .chat=${chatWithMessages()}></consult-chat>`),
    simple(
      'file-share: a document arriving and one complete',
      () =>
        html`<file-share
          .files=${fakeFiles([
            sharedDocument({}),
            sharedDocument({
              id: 'fedcba9876543210fedcba9876543210',
              name: GIVEN_TEXTS[2]!,
              type: 'image/jpeg',
              status: 'complete',
              received: 1000,
              progress: 1,
              mine: true,
            }),
          ])}
        ></file-share>`,
    ),
    {
      name: 'waiting-room: patient waiting',
      noControls: true,
      async mount(box) {
        const c = roomState({
          role: 'patient',
          status: 'waiting',
          admitted: false,
          self: { ...fakeSelf(), admitted: false },
        });
        render(html`<waiting-room .consultation=${c}></waiting-room>`, box);
        await deep(box);
        return () => render(html``, box);
      },
    },
    {
      name: 'waiting-room: clinician, a patient waiting',
      async mount(box) {
        const c = roomState({
          status: 'waiting',
          participants: [named(0, { presence: 'waiting', admitted: false, role: 'patient' })],
        });
        render(html`<waiting-room .consultation=${c}></waiting-room>`, box);
        await deep(box);
        return () => render(html``, box);
      },
    },
    {
      name: 'participant-grid: three others and yourself',
      noControls: true,
      async mount(box) {
        render(
          html`<participant-grid
            .participants=${[named(0), named(1), named(2)]}
            .self=${fakeSelf()}
          ></participant-grid>`,
          box,
        );
        await deep(box);
        return () => render(html``, box);
      },
    },
    {
      name: 'participant-tile: a patient waiting, to a clinician',
      async mount(box) {
        render(
          html`<participant-tile
            can-manage
            .participant=${named(0, { presence: 'waiting', admitted: false, role: 'patient' })}
          ></participant-tile>`,
          box,
        );
        await deep(box);
        return () => render(html``, box);
      },
    },
    {
      name: 'device-check: before it starts',
      async mount(box) {
        const c = new DeviceCheck();
        checks.push(c);
        render(html`<device-check .check=${c}></device-check>`, box);
        await deep(box);
        return () => {
          render(html``, box);
          c.stop();
        };
      },
    },
    {
      name: 'device-check: camera and microphone ready',
      async mount(box) {
        const c = new DeviceCheck();
        render(html`<device-check .check=${c} auto-start></device-check>`, box);
        await until(() => c.state.get().status === 'ready', 'camera and microphone');
        await deep(box);
        return () => {
          render(html``, box);
          c.stop();
        };
      },
    },
    {
      name: 'slot-picker: free times listed',
      async mount(box) {
        render(html`<slot-picker fhir-base="/fhir" practitioner="Practitioner/2" days="2"></slot-picker>`, box);
        const el = box.querySelector<SlotPicker>('slot-picker')!;
        await until(() => !!shadowPart(el, 'time'), 'free times');
        await deep(box);
        return () => render(html``, box);
      },
    },
    {
      name: 'slot-picker: a time chosen, the details form',
      async mount(box) {
        render(html`<slot-picker fhir-base="/fhir" practitioner="Practitioner/2" days="2"></slot-picker>`, box);
        const el = box.querySelector<SlotPicker>('slot-picker')!;
        await until(() => !!shadowPart(el, 'time'), 'free times');
        await deep(box);
        shadowPart(el, 'time')!.click();
        await until(() => !!el.shadowRoot!.querySelector('form'), 'the form');
        await deep(box);
        return () => render(html``, box);
      },
    },
    {
      name: 'booking-desk: the day list with a booked video appointment, live',
      async mount(box) {
        // A booking of the run's server (patient "Test Patient", an e-mail, a reference) on the list.
        await executeServerCommand('ck-video-appointment');
        const key = await staffKey();
        render(html`<booking-desk fhir-base="/fhir" .staffKey=${key}></booking-desk>`, box);
        const el = box.querySelector<BookingDesk>('booking-desk')!;
        await until(() => el.desk?.state.get().status === 'ready', 'a ready desk');
        await deep(box);
        return () => render(html``, box);
      },
    },
    {
      name: 'guest-invite: the form',
      async mount(box) {
        const { id } = (await executeServerCommand('ck-video-appointment')) as { id: string };
        const key = await staffKey();
        const client = new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${key}` }) });
        render(html`<guest-invite appointment=${id} .client=${client}></guest-invite>`, box);
        const el = box.querySelector<GuestInvite>('guest-invite')!;
        await deep(el);
        return () => render(html``, box);
      },
    },
    {
      name: 'clinician-directory: loading',
      mount: directoryMount(directoryState({ status: 'loading', entries: [] })),
    },
    {
      name: 'clinician-directory: colleagues in every presence, your own status',
      mount: directoryMount(directoryState(), { me: '11' }),
    },
    {
      name: 'clinician-directory: in a consultation, Call in offered, one on its way',
      mount: directoryMount(directoryState({ calling: ['13'] }), { me: '11', consultation: '42' }),
    },
    {
      name: 'clinician-directory: Message beside each colleague, and Call in',
      mount: directoryMount(directoryState(), { me: '11', consultation: '42', messaging: true }),
    },
    {
      name: 'clinician-directory: a colleague asks you to join',
      mount: directoryMount(
        directoryState({
          callIns: [
            {
              id: '7',
              consultation: '42',
              from: { practitioner: '11', name: 'Alex Morgan' },
              patient: 'Test Patient',
              url: 'https://consult.example/join/x',
              opensAt: new Date().toISOString(),
            },
          ],
        }),
        { me: '13' },
      ),
    },
    {
      name: 'clinician-directory: no consultation, Call offered, one on its way',
      mount: directoryMount(directoryState({ calling: ['13'] }), { me: '11' }),
    },
    {
      name: 'clinician-directory: a colleague is calling you, no patient (Join, Decline)',
      mount: directoryMount(directoryState({ callIns: [STAFF_CALL_NOTICE] }), { me: '13' }),
    },
    {
      name: 'clinician-directory: answering a call, Join and Decline wait',
      mount: directoryMount(directoryState({ callIns: [STAFF_CALL_NOTICE], answering: [STAFF_CALL_NOTICE.id] }), {
        me: '13',
      }),
    },
    {
      name: 'clinician-directory: a colleague declined your call',
      mount: async (box: HTMLElement) => {
        const directory = directoryState();
        const unmount = await directoryMount(directory, { me: '11' })(box);
        (directory.state as WritableStore<StaffDirectoryState>).update({
          declined: [{ call: '40', practitioner: '13', name: 'Dr Rhys Jones' }],
        });
        await deep(box.querySelector<ClinicianDirectory>('clinician-directory')!);
        return unmount;
      },
    },
    {
      name: 'clinician-directory: nobody matches, reconnecting',
      mount: directoryMount(directoryState({ entries: [], live: 'retrying' })),
    },
    {
      name: 'clinician-directory: the directory could not be read',
      mount: directoryMount(
        directoryState({ status: 'error', entries: [], error: new FhirError(503, undefined, 'unavailable') }),
      ),
    },
    ...staffChatStates(),
  ];
}

/** Every node under `root`, through shadow roots (and into open dialogs). */
export function* allNodes(root: Node): Generator<Node> {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
    yield node;
    const shadow = (node as Element).shadowRoot;
    if (shadow) yield* allNodes(shadow);
  }
}

/** Whether `el` is rendered (not hidden by itself or an ancestor, through shadow hosts). */
export function shown(el: Element): boolean {
  return el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true }) && el.getClientRects().length > 0;
}

/**
 * Test support (not exported): every element in each of its states a person can see, mounted on
 * the page, for the checks that run over all of them (accessibility.test.ts, pseudo-locale.test.ts).
 * Real core objects where the state comes from them without a call (DeviceCheck with the fake
 * camera, the booking clients against the run's server); a real core store with chosen values
 * where a state needs a call (a room in a call, reconnecting, ended).
 */
import { html, render } from 'lit';
import { createStore, DeviceCheck, type Consultation, type ParticipantState } from '@consultkit/core';
import { StaffClient } from '@consultkit/core/booking';
import { executeServerCommand } from '@web/test-runner-commands';
import '../booking-desk/define.js';
import '../consult-room/define.js';
import '../device-check/define.js';
import '../guest-invite/define.js';
import '../participant-grid/define.js';
import '../participant-tile/define.js';
import '../slot-picker/define.js';
import '../waiting-room/define.js';
import type { ConsultRoom } from '../consult-room/consult-room.js';
import type { SlotPicker } from '../slot-picker/slot-picker.js';
import type { BookingDesk } from '../booking-desk/booking-desk.js';
import type { GuestInvite } from '../guest-invite/guest-invite.js';
import { fakeParticipant, fakeSelf } from './fake-participants.js';

/** Names the states give people (user data a pseudo-locale leaves alone). */
export const GIVEN_NAMES = ['Alex Morgan', 'Sam Patel', 'Jo Evans', 'Dr Rhys Jones', 'Test Patient'];

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
  const state = createStore({
    status: 'in-call',
    role: 'clinician',
    admitted: true,
    signalling: 'connected',
    localStream: null,
    remoteStream: null,
    muted: false,
    cameraOff: false,
    audioOnly: false,
    audioOnlyReason: null,
    remoteAudioOnly: false,
    quality: { quality: 'good' },
    speakerId: null,
    endReason: null,
    declineMessage: null,
    error: null,
    mode: 'mesh',
    self: fakeSelf(),
    participants: [] as ParticipantState[],
    pending: [],
    ...overrides,
  });
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

async function staffKey(): Promise<string> {
  return ((await executeServerCommand('ck-staff-key')) as { key: string }).key;
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
        (shadowPart(el, 'shortcuts') as HTMLDetailsElement).open = true;
      },
    ),
    room('consult-room: hang-up confirmation', roomState({ role: 'patient', participants: [named(3)] }), async (el) => {
      document.dispatchEvent(
        new KeyboardEvent('keydown', { code: 'KeyH', key: 'H', altKey: true, shiftKey: true, bubbles: true }),
      );
      await until(() => (shadowPart(el, 'confirm-hang-up') as HTMLDialogElement).open, 'the confirmation');
    }),
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

// The page the screenshot script opens: <participant-grid> and <waiting-room>/<consult-room>
// states built from fake participants (canvas cameras), chosen by the address's query.
import '../src/participant-grid/define.js';
import '../src/consult-room/define.js';
import '../src/waiting-room/define.js';
import '../src/guest-invite/define.js';
import { createStore, type Consultation } from '@consultkit/core';
import { canvasCamera, fakeParticipant, fakeRoomState, fakeSelf } from '../src/internal/fake-participants.js';

const query = new URLSearchParams(location.search);
const others = Number(query.get('others') ?? '2');
const main = document.querySelector('main')!;
if (query.get('dir') === 'rtl') {
  document.documentElement.dir = 'rtl';
  document.documentElement.lang = 'ur';
}
const patientPage = query.get('role') === 'patient';
const rtl = query.get('dir') === 'rtl';
const people = Array.from({ length: others }, (_, i) =>
  fakeParticipant(patientPage && i === 0 ? 2 : i, {
    ...(rtl && i === 0 ? { name: 'ثمینہ خان' } : {}),
    speaking: i === 1,
    muted: i === 2,
    networkQuality: i === 3 ? 'poor' : 'good',
    cameraOff: i === 4,
  }),
);
if (query.has('patient-left')) people[0] = { ...people[0]!, presence: 'left', stream: null };
// `colleague`: the second other is a clinician (a GP with a colleague and the patient): Leave shows.
if (query.has('colleague')) people[1] = fakeParticipant(2, { speaking: true });
const waiting = query.has('waiting-guest')
  ? [fakeParticipant(1, { peerId: 'w1', admitted: false, presence: 'waiting', stream: null })]
  : query.has('waiting')
    ? [
        fakeParticipant(1, { peerId: 'w1', admitted: false, presence: 'waiting', stream: null }),
        fakeParticipant(3, { peerId: 'w3', admitted: false, presence: 'waiting', stream: null }),
      ]
    : [];
const state = fakeRoomState({
  status: query.get('status') ?? 'in-call',
  role: query.get('role') ?? 'clinician',
  self: fakeSelf(
    query.get('role') === 'patient'
      ? { name: 'Sam Patel', role: 'patient' }
      : query.get('role') === 'guest'
        ? { name: 'Amira Haddad', role: 'guest', kind: 'interpreter' }
        : {},
  ),
  participants: [...people, ...waiting],
  pending: query.has('pending') ? [{ command: 'admit', peerId: 'w1' }] : [],
  endReason: query.get('end'),
  declineMessage: query.get('message'),
  // `screen`: the first other participant shares their screen (a wide canvas standing in for it).
  screenShare: query.has('screen')
    ? {
        presenter: people[0]!.peerId,
        local: false,
        stream: canvasCamera('Shared screen', 200, 1280, 800),
        pending: false,
        supported: true,
      }
    : { presenter: null, local: false, stream: null, pending: false, supported: true },
});
const consultation = {
  state: createStore(state),
  on: () => () => undefined,
  admit: () => undefined,
  decline: () => undefined,
} as unknown as Consultation;
if (query.has('invite')) {
  // The invitation form, over a stand-in of core's StaffClient (the tests use the real server).
  const guests = [
    { id: 'g1', name: 'Amira Haddad', kind: 'interpreter', opensAt: '', joined: true },
    { id: 'g2', name: 'John Patel', kind: 'carer', opensAt: '', joined: false },
  ];
  main.innerHTML = `<h1>Guests</h1><guest-invite appointment="42"></guest-invite>`;
  const invite = main.querySelector('guest-invite')!;
  invite.client = {
    guests: async () => guests,
    inviteGuest: async (_: string, g: { name: string; kind: string }) => {
      guests.push({ id: 'g3', name: g.name, kind: g.kind, opensAt: '', joined: false });
      return { ...g, id: 'g3', url: 'https://consult.example.nhs.uk/join/Xk2…q9', opensAt: '', emailed: true };
    },
    removeGuest: async () => undefined,
  } as never;
  if (query.has('invited')) {
    await invite.updateComplete;
    const field = (name: string) => invite.shadowRoot!.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
    field('name').value = 'Nia Evans';
    field('kind').value = 'nurse';
    field('email').value = 'nia.evans@example.org';
    invite.shadowRoot!.querySelector<HTMLButtonElement>('[part~="invite"]')!.click();
  }
} else {
  main.innerHTML = `<h1>Video room</h1><waiting-room></waiting-room><consult-room></consult-room>`;
  main.querySelector('waiting-room')!.consultation = consultation;
  main.querySelector('consult-room')!.consultation = consultation;
}

import { expect } from '@open-wc/testing';
import type { RoomCommand, RosterEntry } from '../contract/room.js';
import { FORGOTTEN_ADMISSION_MS, Room } from './room.js';
import type { JoinTicket } from './types.js';

const ticket: JoinTicket = {
  consultationId: 'demo-x',
  role: 'clinician',
  peerId: 'ck-c',
  remotePeerId: 'ck-p',
  token: 't',
  signalling: { path: '/signal', key: 'k' },
  iceServers: [],
};

function entry(peerId: string, role: RosterEntry['role'], patch: Partial<RosterEntry> = {}): RosterEntry {
  return {
    peerId,
    role,
    name: peerId,
    connected: true,
    admitted: role === 'clinician',
    left: false,
    media: { muted: false, cameraOff: false, audioOnly: false },
    ...patch,
  };
}

function room() {
  const sent: RoomCommand[] = [];
  const r = new Room(ticket, (command) => (sent.push(command), true));
  return { room: r, sent };
}

describe('Room (roster → participants, commands with pending state)', () => {
  it('starts from the ticket: this page, and its counterpart not arrived', () => {
    const { room: r } = room();
    const { roster, known } = r.state.get();
    expect(known).to.equal(false);
    expect(roster.map((e) => [e.peerId, e.role, e.connected])).to.deep.equal([
      ['ck-c', 'clinician', false],
      ['ck-p', 'patient', false],
    ]);
  });

  it('takes the server’s roster whole, keeping the counterpart listed until the server knows them', () => {
    const { room: r } = room();
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-c', 'clinician'), entry('ck-g', 'guest')] });
    expect(r.state.get().roster.map((e) => e.peerId)).to.deep.equal(['ck-c', 'ck-g', 'ck-p']);
    r.fromServer({ you: 'ck-c', mode: 'sfu', participants: [entry('ck-p', 'patient'), entry('ck-c', 'clinician')] });
    expect(r.state.get().roster.map((e) => e.peerId)).to.deep.equal(['ck-p', 'ck-c']);
    expect(r.state.get().mode).to.equal('sfu');
  });

  it('admit: sent to the server, shown at once, pending until the roster says so', () => {
    const { room: r, sent } = room();
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-c', 'clinician'), entry('ck-p', 'patient')] });
    r.admit('ck-p');
    expect(sent).to.deep.equal([{ type: 'CK-ADMIT', payload: { peerId: 'ck-p' } }]);
    expect(r.state.get().roster.find((e) => e.peerId === 'ck-p')?.admitted).to.equal(true);
    expect(r.state.get().pending).to.deep.equal([{ command: 'admit', peerId: 'ck-p' }]);
    r.fromServer({
      you: 'ck-c',
      mode: 'mesh',
      participants: [entry('ck-c', 'clinician'), entry('ck-p', 'patient', { admitted: true })],
    });
    expect(r.state.get().pending).to.deep.equal([]);
  });

  it('a refused admit is undone', () => {
    const { room: r } = room();
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-c', 'clinician'), entry('ck-p', 'patient')] });
    r.admit('ck-p');
    r.refused('CK-ADMIT');
    expect(r.state.get().roster.find((e) => e.peerId === 'ck-p')?.admitted).to.equal(false);
    expect(r.state.get().pending).to.deep.equal([]);
  });

  it('remove: pending until the server lets them go; then listed as left', () => {
    const { room: r, sent } = room();
    const guest = entry('ck-g', 'guest', { admitted: true });
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-c', 'clinician'), guest] });
    r.remove('ck-g', 'Thank you for your help.');
    expect(sent).to.deep.equal([
      { type: 'CK-REMOVE', payload: { peerId: 'ck-g', message: 'Thank you for your help.' } },
    ]);
    expect(r.state.get().pending).to.deep.equal([{ command: 'remove', peerId: 'ck-g' }]);
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-c', 'clinician')] });
    expect(r.state.get().pending).to.deep.equal([]);
    const removed = r.state.get().roster.find((e) => e.peerId === 'ck-g');
    expect(removed).to.include({ left: true, connected: false, admitted: false });
  });

  it('admits again whom the server forgot (a restart empties its roster)', () => {
    const { room: r, sent } = room();
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-c', 'clinician'), entry('ck-p', 'patient')] });
    r.admit('ck-p');
    r.fromServer({
      you: 'ck-c',
      mode: 'mesh',
      participants: [entry('ck-c', 'clinician'), entry('ck-p', 'patient', { admitted: true })],
    });
    sent.length = 0;
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-p', 'patient'), entry('ck-c', 'clinician')] });
    expect(sent).to.deep.equal([{ type: 'CK-ADMIT', payload: { peerId: 'ck-p' } }]);
    // Shown let in meanwhile (media keeps flowing), the admission pending until the server says so.
    expect(r.state.get().roster.find((e) => e.peerId === 'ck-p')).to.include({ admitted: true });
    expect(r.state.get().pending).to.deep.equal([{ command: 'admit', peerId: 'ck-p' }]);
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-p', 'patient'), entry('ck-c', 'clinician')] });
    expect(sent, 'not sent again while on its way').to.have.length(1);
    r.fromServer({
      you: 'ck-c',
      mode: 'mesh',
      participants: [entry('ck-p', 'patient', { admitted: true }), entry('ck-c', 'clinician')],
    });
    expect(r.state.get().pending).to.deep.equal([]);
  });

  it('a patient let in stays in while the server has forgotten it, until the clinicians had time to admit it again', () => {
    let now = 1_000_000;
    const patientTicket: JoinTicket = { ...ticket, role: 'patient', peerId: 'ck-p', remotePeerId: 'ck-c' };
    const r = new Room(
      patientTicket,
      () => true,
      () => now,
    );
    const self = () => r.state.get().roster.find((e) => e.peerId === 'ck-p')!;
    const roster = (admitted: boolean, patch: Partial<RosterEntry> = {}) =>
      r.fromServer({
        you: 'ck-p',
        mode: 'mesh',
        participants: [entry('ck-p', 'patient', { admitted, ...patch }), entry('ck-c', 'clinician')],
      });
    // Waiting: not in (nothing to keep).
    roster(false);
    expect(self().admitted).to.equal(false);
    roster(true);
    expect(self().admitted).to.equal(true);
    expect(r.state.get().forgotten).to.equal(false);
    // The server restarted: its roster forgot the admission; the page stays in (what needs the
    // server's admission, such as the chat, waits: \`forgotten\`).
    roster(false);
    expect(self().admitted).to.equal(true);
    expect(r.state.get().forgotten).to.equal(true);
    now += FORGOTTEN_ADMISSION_MS - 1;
    roster(false);
    expect(self().admitted).to.equal(true);
    // Admitted again: the server's word again, and a later forgetting has its own time.
    roster(true);
    expect(r.state.get().forgotten).to.equal(false);
    now += FORGOTTEN_ADMISSION_MS;
    roster(false);
    expect(self().admitted).to.equal(true);
    // Nobody admitted it again in time: back to what the server says.
    now += FORGOTTEN_ADMISSION_MS;
    roster(false);
    expect(self().admitted).to.equal(false);
    expect(r.state.get().forgotten).to.equal(false);
    // Removed (left): never kept.
    roster(true);
    roster(false, { left: true, connected: false });
    expect(self()).to.include({ admitted: false, left: true });
    roster(false);
    expect(self().admitted).to.equal(false);
  });

  it('does not admit again on a roster that predates its own admission (still on its way)', () => {
    const { room: r, sent } = room();
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-c', 'clinician'), entry('ck-p', 'patient')] });
    r.admit('ck-p');
    expect(sent).to.deep.equal([{ type: 'CK-ADMIT', payload: { peerId: 'ck-p' } }]);
    // A roster the server sent before it read the admission (someone's media changed meanwhile).
    r.fromServer({ you: 'ck-c', mode: 'mesh', participants: [entry('ck-c', 'clinician'), entry('ck-p', 'patient')] });
    expect(sent).to.have.length(1);
    expect(r.state.get().roster.find((e) => e.peerId === 'ck-p')).to.include({ admitted: true });
  });

  it('own commands are pending until done', () => {
    const { room: r } = room();
    const done = r.begin({ command: 'switch-camera' });
    expect(r.state.get().pending).to.deep.equal([{ command: 'switch-camera' }]);
    done();
    expect(r.state.get().pending).to.deep.equal([]);
  });
});

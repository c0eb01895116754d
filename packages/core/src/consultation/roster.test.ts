import { expect } from '@open-wc/testing';
import type { RosterEntry } from '../contract/room.js';
import { connects, placesCall, presenceOf, sends, wantedLinks } from './roster.js';

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

describe('roster rules', () => {
  it('presence: left, absent, waiting, admitted', () => {
    expect(presenceOf(entry('a', 'patient', { left: true, connected: true }))).to.equal('left');
    expect(presenceOf(entry('a', 'patient', { connected: false }))).to.equal('absent');
    expect(presenceOf(entry('a', 'patient'))).to.equal('waiting');
    expect(presenceOf(entry('a', 'guest', { admitted: true }))).to.equal('admitted');
    expect(presenceOf(entry('a', 'clinician'))).to.equal('admitted');
  });

  it('connects a waiting participant with clinicians only, and admitted participants with each other', () => {
    const clinician = entry('c', 'clinician');
    const waitingPatient = entry('p', 'patient');
    const waitingGuest = entry('g', 'guest');
    expect(connects(clinician, waitingPatient)).to.equal(true);
    expect(connects(waitingGuest, clinician)).to.equal(true);
    expect(connects(waitingPatient, waitingGuest)).to.equal(false);
    const admittedPatient = entry('p', 'patient', { admitted: true });
    expect(connects(admittedPatient, waitingGuest)).to.equal(false);
    expect(connects(admittedPatient, entry('g', 'guest', { admitted: true }))).to.equal(true);
    expect(connects(clinician, entry('c2', 'clinician'))).to.equal(true);
  });

  it('connects nobody who is not connected, who left, or oneself', () => {
    const clinician = entry('c', 'clinician');
    expect(connects(clinician, entry('p', 'patient', { connected: false }))).to.equal(false);
    expect(connects(clinician, entry('p', 'patient', { left: true }))).to.equal(false);
    expect(connects(clinician, clinician)).to.equal(false);
  });

  it('sends media only between two participants let in', () => {
    expect(sends(entry('c', 'clinician'), entry('p', 'patient'))).to.equal(false);
    expect(sends(entry('c', 'clinician'), entry('p', 'patient', { admitted: true }))).to.equal(true);
    expect(sends(entry('c', 'clinician'), entry('d', 'clinician'))).to.equal(true);
    expect(sends(entry('g', 'guest', { admitted: true }), entry('p', 'patient'))).to.equal(false);
  });

  it('exactly one side of a pair places the call: the lower peer id', () => {
    const ids = ['ck-0a', 'ck-0b', 'ck-ff', 'ck-10'];
    for (const a of ids)
      for (const b of ids) if (a !== b) expect(placesCall(a, b), `${a} → ${b}`).to.not.equal(placesCall(b, a));
    expect(placesCall('ck-0a', 'ck-0b')).to.equal(true);
  });

  it('wantedLinks: whom a page connects to, from the whole roster', () => {
    const roster = [
      entry('c', 'clinician'),
      entry('p', 'patient', { admitted: true }),
      entry('g', 'guest'),
      entry('n', 'guest', { kind: 'nurse', admitted: true, connected: false }),
    ];
    expect(wantedLinks('p', roster).map((e) => e.peerId)).to.deep.equal(['c']);
    expect(wantedLinks('c', roster).map((e) => e.peerId)).to.deep.equal(['p', 'g']);
    expect(wantedLinks('g', roster).map((e) => e.peerId)).to.deep.equal(['c']);
    expect(wantedLinks('nobody', roster)).to.deep.equal([]);
  });
});

import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { WaitingRoom } from './waiting-room.js';
import { createStore, type Consultation } from '@consultkit/core';
import { fakeParticipant, fakeSelf } from '../internal/fake-participants.js';
import {
  consultationId,
  consultations as useConsultations,
  ticket,
  until,
  untilStatus,
} from '../../../../test-support/browser.js';

const part = (el: WaitingRoom, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('<waiting-room>', () => {
  const consultations = useConsultations();

  it('tells the waiting patient they will be let in; accessible', async () => {
    const { patient } = await consultations.waiting();
    const el = await fixture<WaitingRoom>(html`<waiting-room .consultation=${patient}></waiting-room>`);
    expect(part(el, 'heading')!.textContent).to.contain('You are in the waiting room');
    expect(part(el, 'message')!.textContent).to.contain('will not be seen or heard');
    await expect(el).to.be.accessible();
  });

  it('tells the patient whose page was replaced (the same ticket opened again) why it closed; accessible', async () => {
    const id = consultationId();
    const patientTicket = await ticket(id, 'patient');
    const patient = await consultations.create(id, 'patient', { ticket: patientTicket });
    await patient.join();
    const el = await fixture<WaitingRoom>(html`<waiting-room .consultation=${patient}></waiting-room>`);
    await (await consultations.create(id, 'patient', { ticket: patientTicket })).join();
    await untilStatus(patient, 'ended');
    await el.updateComplete;
    expect(part(el, 'message')!.textContent).to.contain('opened in another window or on another device');
    await expect(el).to.be.accessible();
  });

  it('shows the clinician who waits; "Let in" admits them; accessible before and after', async () => {
    const { patient, clinician } = await consultations.waiting();
    const el = await fixture<WaitingRoom>(html`<waiting-room .consultation=${clinician}></waiting-room>`);
    expect(part(el, 'list')!.textContent).to.contain('Patient');
    await expect(el).to.be.accessible();
    setTimeout(() => part(el, 'admit')!.click());
    const { detail } = await oneEvent(el, 'ck-participant-admitted');
    expect(detail.peerId).to.equal(clinician.state.get().participants[0]!.peerId);
    await untilStatus(patient, 'in-call');
    await el.updateComplete;
    expect(part(el, 'message')!.textContent).to.contain('Nobody is waiting');
    await expect(el).to.be.accessible();
  });

  it('declines with a message the patient then reads; accessible with the form open and after', async () => {
    const { patient, clinician } = await consultations.waiting();
    const desk = await fixture<WaitingRoom>(html`<waiting-room .consultation=${clinician}></waiting-room>`);
    const patientView = await fixture<WaitingRoom>(html`<waiting-room .consultation=${patient}></waiting-room>`);
    part(desk, 'decline')!.click();
    await desk.updateComplete;
    const textarea = desk.shadowRoot!.querySelector('textarea')!;
    expect(desk.shadowRoot!.activeElement, 'focus moves to the message').to.equal(textarea);
    expect(part(desk, 'decline')!.getAttribute('aria-expanded')).to.equal('true');
    await expect(desk).to.be.accessible();
    textarea.value = 'The doctor is running late; reception will call you.';
    setTimeout(() => part(desk, 'decline-form')!.querySelector<HTMLButtonElement>('button[type=submit]')!.click());
    const { detail } = await oneEvent(desk, 'ck-participant-declined');
    expect(detail.message).to.equal('The doctor is running late; reception will call you.');
    await untilStatus(patient, 'ended');
    await patientView.updateComplete;
    expect(part(patientView, 'heading')!.textContent).to.contain('cannot see you now');
    expect(part(patientView, 'message')!.textContent).to.contain('running late');
    await expect(patientView).to.be.accessible();
    await until(() => !part(desk, 'list'), 'nobody waiting');
  });

  it('follows the call for the patient: in the consultation, then ended with what happens next; accessible', async () => {
    const { patient, clinician } = await consultations.pair();
    const el = await fixture<WaitingRoom>(html`<waiting-room .consultation=${patient}></waiting-room>`);
    expect(part(el, 'heading')!.textContent).to.contain('You are in the consultation');
    expect(part(el, 'heading')!.textContent).not.to.contain('let in');
    await expect(el).to.be.accessible();
    clinician.hangUp();
    await untilStatus(patient, 'ended');
    await el.updateComplete;
    expect(part(el, 'heading')!.textContent).to.contain('The consultation has ended');
    expect(part(el, 'message')!.textContent).to.contain('You can close this page');
    await expect(el).to.be.accessible();
  });

  /**
   * With the core being rebuilt around participants (`ParticipantState` in `participants`, and
   * `pending`), in a real core store: a stand-in consultation until that core is merged.
   */
  function roomConsultation(participants: unknown[], pending: unknown[] = []) {
    const admitted: string[] = [];
    const state = createStore({
      status: 'in-call',
      role: 'clinician',
      self: fakeSelf({ stream: null }),
      participants,
      pending,
      endReason: null,
    });
    const consultation = {
      state,
      admit: (peerId: string) => admitted.push(peerId),
      decline: () => undefined,
    } as unknown as Consultation;
    return { consultation, state, admitted };
  }

  it('lists everyone waiting as "name, role" with a Let in each, described by who it is for; accessible', async () => {
    const waiting = [
      fakeParticipant(1, { presence: 'waiting', admitted: false, stream: null }),
      fakeParticipant(3, { presence: 'waiting', admitted: false, stream: null }),
      fakeParticipant(5, { presence: 'waiting', admitted: false, stream: null }),
    ];
    const { consultation, admitted } = roomConsultation([fakeParticipant(0, { stream: null }), ...waiting]);
    const el = await fixture<WaitingRoom>(html`<waiting-room .consultation=${consultation}></waiting-room>`);
    const items = [...el.shadowRoot!.querySelectorAll('[part~="list"] li')];
    expect(items.map((li) => li.querySelector('.who')!.textContent!.trim())).to.deep.equal([
      'Amira Haddad, interpreter',
      'John Patel, carer',
      'Tomasz Nowak, social worker',
    ]);
    const buttons = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="admit"]')];
    expect(buttons).to.have.length(3);
    const describedBy = buttons[1]!.getAttribute('aria-describedby')!;
    expect(el.shadowRoot!.getElementById(describedBy)!.textContent!.trim()).to.equal('John Patel, carer');
    buttons[1]!.click();
    expect(admitted).to.deep.equal([waiting[1]!.peerId]);
    await expect(el).to.be.accessible();
  });

  it('keeps a Let in from being pressed twice while its admit is pending (aria-disabled, busy); accessible', async () => {
    const guest = fakeParticipant(1, { presence: 'waiting', admitted: false, stream: null });
    const other = fakeParticipant(3, { presence: 'waiting', admitted: false, stream: null });
    const { consultation, admitted } = roomConsultation([guest, other], [{ command: 'admit', peerId: guest.peerId }]);
    const el = await fixture<WaitingRoom>(html`<waiting-room .consultation=${consultation}></waiting-room>`);
    const [busy, free] = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="admit"]')];
    expect(busy!.getAttribute('aria-disabled')).to.equal('true');
    expect(busy!.getAttribute('aria-busy')).to.equal('true');
    expect(busy!.textContent!.trim()).to.equal('Letting in…');
    expect(free!.getAttribute('aria-disabled')).to.equal('false');
    busy!.click();
    free!.click(); // the sentinel: admits synchronously, as the busy one would have
    expect(admitted).to.deep.equal([other.peerId]);
    await expect(el).to.be.accessible();
  });

  it('shows a guest the waiting view, not the admit list, and one who left how to come back; accessible', async () => {
    const { consultation, state } = roomConsultation([fakeParticipant(0, { stream: null })]);
    state.update({
      role: 'guest',
      status: 'waiting',
      self: fakeSelf({ name: 'Amira Haddad', role: 'guest', kind: 'interpreter', presence: 'waiting', stream: null }),
    } as never);
    const el = await fixture<WaitingRoom>(html`<waiting-room .consultation=${consultation}></waiting-room>`);
    expect(part(el, 'heading')!.textContent).to.contain('You are in the waiting room');
    expect(part(el, 'list')).to.equal(null);
    await expect(el).to.be.accessible();
    // Core's state of a page that left: over by its own hang-up (not ended for everyone).
    state.update({ status: 'ended', endReason: 'local-hang-up' } as never);
    await el.updateComplete;
    expect(part(el, 'heading')!.textContent).to.contain('You left the consultation');
    expect(part(el, 'message')!.textContent).to.contain(
      'You can close this page. To come back, open your link again while the appointment lasts.',
    );
    await expect(el).to.be.accessible();
  });
});

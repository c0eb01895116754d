import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { WaitingRoom } from './waiting-room.js';
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
    expect(part(el, 'list')!.textContent).to.contain('The patient is waiting');
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
});

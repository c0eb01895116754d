import { expect } from '@open-wc/testing';
import {
  consultations as useConsultations,
  consultationId,
  ticket,
  until,
  untilStatus,
} from '../../../../test-support/browser.js';

describe('Consultation: the server ends a session (CK-SESSION-ENDED)', () => {
  const consultations = useConsultations();

  it('a second page with the same ticket replaces the first, which ends "replaced" and does not reconnect', async () => {
    const id = consultationId();
    const patientTicket = await ticket(id, 'patient');
    const first = await consultations.create(id, 'patient', { ticket: patientTicket });
    await first.join();
    // The same ticket again: a reload, or the page opened in a second tab.
    const second = await consultations.create(id, 'patient', { ticket: patientTicket });
    await second.join();
    await untilStatus(first, 'ended');
    expect(first.state.get().endReason).to.equal('replaced');
    expect(first.state.get().localStream, 'camera and microphone released').to.equal(null);

    // The new page is the patient: the clinician lets it in, and the first stays ended.
    const clinician = await consultations.create(id, 'clinician');
    await clinician.join();
    await until(() => clinician.state.get().participants[0]?.presence === 'waiting', 'the new page waiting');
    clinician.admit();
    await untilStatus(second, 'in-call');
    await untilStatus(clinician, 'in-call');
    expect(first.state.get().status).to.equal('ended');
    expect(first.state.get().signalling).to.equal('offline');
  });
});

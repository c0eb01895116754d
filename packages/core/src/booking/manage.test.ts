import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { BookingClient } from './booking-client.js';
import { FhirError } from './fhir-error.js';
import { ManageClient, ManageError } from './manage.js';
import type { BookableSlot, PatientDetails } from './types.js';

// The run's ConsultKit server (a practice open round the clock), reached on the page's origin.
const patient: PatientDetails = {
  given: 'Mary',
  family: 'Seacole',
  birthDate: '1975-11-23',
  email: 'mary@example.org',
  phone: '07700 900789',
};

const refused = async (promise: Promise<unknown>): Promise<ManageError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(ManageError);
  expect(error).to.be.instanceOf(FhirError);
  return error as ManageError;
};

describe('booking: ManageClient manages a booking as its patient', () => {
  const client = new BookingClient({ baseUrl: '/fhir' });
  const manage = new ManageClient();

  /** A fresh booking with Nurse Priya Shah (Practitioner/3), a few hours ahead. */
  async function booked() {
    const start = new Date(Date.now() + 3 * 3_600_000);
    const slots: BookableSlot[] = await client.searchSlots({
      start,
      end: new Date(start.getTime() + 86_400_000),
      practitioner: 'Practitioner/3',
    });
    const slot = slots[Math.floor(Math.random() * Math.min(slots.length, 40))]!;
    return client.book({ slot, patient, deliveryChannel: 'Telephone' });
  }

  it('finds a booking by reference and date of birth, and refuses a wrong one as not-found', async () => {
    const booking = await booked();
    const found = await manage.lookupBooking(booking.reference!.toLowerCase(), patient.birthDate);
    expect(found.booking.id).to.equal(booking.id);
    expect(found.booking.timeZoneName).to.equal('UK time');
    expect(found.booking.practitioner).to.equal('Nurse Priya Shah');
    expect(found.booking.channel).to.equal('Telephone');
    expect(found.token).to.match(/^[\w-]+\.[\w-]+$/);
    const wrong = await refused(manage.lookupBooking(booking.reference!, '1975-11-24'));
    expect(wrong.problem).to.equal('not-found');
    expect(wrong.status).to.equal(401);
    expect(wrong.message).to.match(/reference and date of birth/);
  });

  it('reads, offers times, moves and cancels with the token; a tampered token is link-invalid', async () => {
    const booking = await booked();
    const { token } = await manage.lookupBooking(booking.reference!, patient.birthDate);
    expect((await manage.getManagedBooking(token)).status).to.equal('pending');

    const [body, signature] = token.split('.');
    const tampered = `${body}x.${signature}`;
    expect((await refused(manage.getManagedBooking(tampered))).problem).to.equal('link-invalid');

    const { slots } = await manage.manageSlots(token);
    const target = slots.find((s) => s.start !== booking.start)!;
    const moved = await manage.rescheduleManagedBooking(token, target.id);
    expect(moved.booking.start).to.equal(target.start);
    expect(moved.booking.status).to.equal('pending');

    // Another booking cannot move onto the time this one now holds.
    const other = await booked();
    const otherToken = (await manage.lookupBooking(other.reference!, patient.birthDate)).token;
    expect((await refused(manage.rescheduleManagedBooking(otherToken, target.id))).problem).to.equal('taken');

    const cancelled = await manage.cancelManagedBooking(moved.token);
    expect(cancelled.status).to.equal('cancelled');
    expect(cancelled.canReschedule).to.equal(false);
    expect((await manage.manageSlots(moved.token)).slots).to.deep.equal([]);
    await manage.cancelManagedBooking(otherToken);
  });

  it('reports an unreachable server as a ManageError with problem network', async () => {
    const { url } = (await executeServerCommand('ck-closed-port')) as { url: string };
    const error = await refused(new ManageClient({ apiBaseUrl: `${url}/api` }).getManagedBooking('a.b'));
    expect(error.problem).to.equal('network');
    expect(error.status).to.equal(0);
  });
});

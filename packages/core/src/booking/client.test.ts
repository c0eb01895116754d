import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { BookingClient } from './booking-client.js';
import { FhirError } from './fhir-error.js';
import { StaffClient } from './staff.js';
import type { BookableSlot, PatientDetails } from './types.js';

// The run's ConsultKit server, reached on the page's own origin (`/fhir`), as pages use it.
const patient: PatientDetails = {
  given: 'Ada',
  family: 'Lovelace',
  birthDate: '1985-12-10',
  email: 'ada@example.org',
  phone: '07700 900123',
};

async function staff(): Promise<StaffClient> {
  const { key } = (await executeServerCommand('ck-staff-key')) as { key: string };
  return new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${key}` }) });
}

/** Free slots of a clinician over the next two days, from an hour from now (not bookable past). */
async function freeSlots(client: BookingClient, practitioner: string): Promise<BookableSlot[]> {
  const start = new Date(Date.now() + 3_600_000);
  return client.searchSlots({ start, end: new Date(start.getTime() + 2 * 86_400_000), practitioner });
}

describe('booking: BookingClient against the server', () => {
  const client = new BookingClient({ baseUrl: '/fhir' });
  const taken = new Set<string>();
  /** A free slot no other test of this file has used. */
  const fresh = async (practitioner = 'Practitioner/2') => {
    const slot = (await freeSlots(client, practitioner)).find((s) => !taken.has(s.id))!;
    taken.add(slot.id);
    return slot;
  };

  it('resolves a relative base URL against the page', () => {
    expect(client.baseUrl).to.equal(new URL('/fhir', location.href).href);
  });

  it('searches free slots with their clinician and channels from the included schedules, following next links', async () => {
    const start = new Date(Date.now() + 3_600_000);
    const end = new Date(start.getTime() + 86_400_000);
    const slots = await client.searchSlots({ start, end, practitioner: '3', count: 5 });
    expect(slots.length, 'more than one page of 5').to.be.greaterThan(5);
    expect(new Set(slots.map((s) => s.id)).size).to.equal(slots.length);
    for (const slot of slots) {
      expect(slot.practitioner).to.deep.equal({ reference: 'Practitioner/3', display: 'Nurse Priya Shah' });
      expect(slot.deliveryChannels).to.have.members(['In-person', 'Telephone']);
      expect(slot.serviceType).to.equal('nurse');
      expect(Date.parse(slot.start)).to.be.within(start.getTime(), end.getTime());
    }
    const starts = slots.map((s) => Date.parse(s.start));
    expect(starts).to.deep.equal([...starts].sort((a, b) => a - b));
  });

  it('books with an idempotency key: the same key again gives the same booking, and the slot is gone', async () => {
    const slot = await fresh();
    const key = `test-${crypto.randomUUID()}`;
    const first = await client.book({ slot, patient, deliveryChannel: 'Video', idempotencyKey: key });
    expect(first.status).to.equal('pending');
    expect(first.reference).to.match(/^CK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(first.slot).to.equal(`Slot/${slot.id}`);
    expect(first.deliveryChannel).to.equal('Video');
    const again = await client.book({ slot, patient, deliveryChannel: 'Video', idempotencyKey: key });
    expect(again.id).to.equal(first.id);
    expect(again.reference).to.equal(first.reference);
    const still = await freeSlots(client, 'Practitioner/2');
    expect(still.map((s) => s.id)).not.to.include(slot.id);
  });

  it('refuses a slot already taken with a 409 FhirError in plain words', async () => {
    const slot = await fresh();
    await client.book({ slot, patient, deliveryChannel: 'Telephone' });
    const error = await client.book({ slot, patient, deliveryChannel: 'Telephone' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FhirError);
    const fhir = error as FhirError;
    expect(fhir.status).to.equal(409);
    expect(fhir.code).to.equal('fhir-error');
    expect(fhir.outcome?.issue[0]?.code).to.equal('conflict');
    expect(fhir.message).to.equal(fhir.outcome?.issue[0]?.diagnostics);
  });

  it('refuses a channel the schedule does not offer (422)', async () => {
    const slot = await fresh('Practitioner/3');
    const error = (await client
      .book({ slot, patient, deliveryChannel: 'Video' })
      .catch((e: unknown) => e)) as FhirError;
    expect(error.status).to.equal(422);
    expect(error.outcome?.issue[0]?.code).to.equal('business-rule');
  });

  it('lets the patient read and cancel their booking with its reference, freeing the slot', async () => {
    const slot = await fresh();
    const booking = await client.book({ slot, patient, deliveryChannel: 'In-person' });
    const read = await client.getBooking(booking.id, booking.reference!);
    expect(read.reference).to.equal(booking.reference);
    expect(read.practitioner?.display).to.equal('Dr Tom Evans');
    const wrong = (await client.getBooking(booking.id, 'CK-AAAA-BBBB-CCCC').catch((e: unknown) => e)) as FhirError;
    expect([401, 403]).to.include(wrong.status);
    const cancelled = await client.cancel(booking.id, booking.reference!);
    expect(cancelled.status).to.equal('cancelled');
    const free = await freeSlots(client, 'Practitioner/2');
    expect(free.map((s) => s.id)).to.include(slot.id);
  });

  it('reports an unreachable server as a FhirError with code network', async () => {
    const { url } = (await executeServerCommand('ck-closed-port')) as { url: string };
    const error = (await new BookingClient({ baseUrl: `${url}/fhir` })
      .searchSlots({ start: new Date(), end: new Date(Date.now() + 86_400_000) })
      .catch((e: unknown) => e)) as FhirError;
    expect(error).to.be.instanceOf(FhirError);
    expect(error.code).to.equal('network');
    expect(error.status).to.equal(0);
  });

  it('retries a booking after a network failure with the same key, and books once', async () => {
    const slot = await fresh();
    let calls = 0;
    // The first POST reaches the server, but its answer is "lost": the retry must not book twice.
    const lossy = new BookingClient({
      baseUrl: '/fhir',
      retryDelayMs: 10,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method === 'POST' && calls++ === 0) throw new TypeError('Failed to fetch');
        return response;
      },
    });
    const booking = await lossy.book({ slot, patient, deliveryChannel: 'Video' });
    expect(calls).to.equal(2);
    const list = await (await staff()).listAppointments({ status: ['pending', 'booked'], from: slot.start });
    expect(list.filter((b) => b.slot === `Slot/${slot.id}`).map((b) => b.id)).to.deep.equal([booking.id]);
  });

  describe('staff', () => {
    it('needs staff credentials', async () => {
      const error = (await client.request('GET', 'Appointment?status=pending').catch((e: unknown) => e)) as FhirError;
      expect(error.status).to.equal(401);
      expect(error.outcome?.issue[0]?.code).to.equal('login');
    });

    it('lists with patients, confirms, reschedules, and declines with a reason', async () => {
      const desk = await staff();
      const [first, second, target] = [await fresh(), await fresh(), await fresh()];
      const a = await client.book({ slot: first, patient, deliveryChannel: 'Video' });
      const b = await client.book({
        slot: second,
        patient: { ...patient, given: 'Charles' },
        deliveryChannel: 'Telephone',
      });

      const pending = await desk.listAppointments({ status: 'pending', from: first.start });
      const listed = pending.find((x) => x.id === a.id)!;
      expect(listed.patientResource?.birthDate).to.equal('1985-12-10');
      expect(listed.patientResource?.telecom?.map((t) => t.value)).to.have.members(['ada@example.org', '07700 900123']);

      const confirmed = await desk.confirm(a.id);
      expect(confirmed.status).to.equal('booked');
      const moved = await desk.reschedule(a.id, target.id);
      expect(moved.slot).to.equal(`Slot/${target.id}`);
      expect(moved.start && Date.parse(moved.start)).to.equal(Date.parse(target.start));
      expect(moved.status).to.equal('booked');
      const free = await freeSlots(client, 'Practitioner/2');
      expect(
        free.map((s) => s.id),
        'the old slot is free again',
      ).to.include(first.id);

      const declined = await desk.decline(b.id, 'Please book with the nurse');
      expect(declined.status).to.equal('cancelled');
      expect(declined.cancelationReason).to.equal('declined');
      // The reason's words go as cancelationReason.text; the server keeps only the code (see the report).

      const lifecycle = (await desk.confirm(b.id).catch((e: unknown) => e)) as FhirError;
      expect(lifecycle.status).to.equal(422);
    });
  });
});

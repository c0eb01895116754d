#!/usr/bin/env node
// Booking from a script, through @consultkit/core alone (no browser, no UI):
//   1. search free slots over FHIR, 2. book one as a patient, 3. confirm it as the practice,
//   4. read it back with the booking reference, as the patient would.
//
// Usage (with `npm start` running):  node examples/scripted-booking/book.mjs [server-url]
// Which server: the argument, else CONSULTKIT_URL (https://consult.example.nhs.uk), else
// http://localhost:$PORT (the port `npm start` listens on: PORT, 8080 when unset).
// The practice's key comes from CONSULTKIT_STAFF_KEY (the development key when unset).
import { BookingClient, FhirError, StaffClient } from '@consultkit/core/booking';

const server = (
  process.argv[2] ||
  process.env.CONSULTKIT_URL ||
  `http://localhost:${process.env.PORT?.trim() || '8080'}`
).replace(/\/+$/, '');
const staffKey = process.env.CONSULTKIT_STAFF_KEY ?? 'consultkit-development-staff-key';

const patientSide = new BookingClient({ baseUrl: `${server}/fhir` });
const practice = new StaffClient({
  baseUrl: `${server}/fhir`,
  headers: () => ({ authorization: `Bearer ${staffKey}` }),
});

try {
  const now = new Date();
  const slots = await patientSide.searchSlots({ start: now, end: new Date(now.getTime() + 7 * 86_400_000), count: 20 });
  const slot = slots.find((s) => s.deliveryChannels.includes('Video')) ?? slots[0];
  if (!slot) throw new Error('No free slots in the next week.');
  console.log(
    `Free slot: ${slot.start} with ${slot.practitioner?.display ?? 'a clinician'} (${slot.deliveryChannels.join(', ')})`,
  );

  const booking = await patientSide.book({
    slot,
    patient: {
      given: 'Ada',
      family: 'Lovelace',
      birthDate: '1985-12-10',
      email: 'ada.lovelace@example.org',
      phone: '07700 900123',
    },
    deliveryChannel: slot.deliveryChannels.includes('Video') ? 'Video' : slot.deliveryChannels[0],
  });
  console.log(`Booked: Appointment/${booking.id}, ${booking.status}, reference ${booking.reference}`);

  const confirmed = await practice.confirm(booking.id);
  console.log(`Confirmed by the practice: ${confirmed.status}`);

  const seenByPatient = await patientSide.getBooking(booking.id, booking.reference);
  console.log(`The patient sees: ${seenByPatient.status} at ${seenByPatient.start} (${seenByPatient.deliveryChannel})`);
} catch (error) {
  if (error instanceof FhirError && error.status === 0) {
    console.error(
      `Nothing answers at ${server}: start the server (npm start), or say where it is ` +
        '(an argument, CONSULTKIT_URL, or PORT for localhost).',
    );
  } else if (error instanceof FhirError) {
    console.error(`The server said no (${error.status}): ${error.message}`);
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(1);
}

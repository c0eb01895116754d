/**
 * What `SlotClient` does once a patient has chosen a time: hold it, book it, release the hold,
 * and `toBooking` (an Appointment flattened). A module apart, which `SlotClient` imports on first
 * use (`client.ts`), so that a page with the slot picker alone loads it when a time is chosen,
 * not with its first paint (decision 46). `SlotClient`'s methods are the API; these take the
 * client.
 */
import type { Appointment, Parameters } from 'fhir/r4.js';
import { FhirError } from './fhir-error.js';
import { newIdempotencyKey, ref, type BookingClientOptions, type SlotClient } from './client.js';
import { toBooking } from './to-booking.js';
import {
  DELIVERY_CHANNEL_URL,
  IDEMPOTENCY_SYSTEM,
  SLOT_HOLD_TOKEN_URL,
  type BookableSlot,
  type Booking,
  type BookRequest,
  type SlotHold,
} from './types.js';

/**
 * Books `slot` for the patient: `POST Appointment` with a contained Patient, made idempotent
 * with `If-None-Exist: identifier=urn:consultkit:idempotency|<key>`. Network failures (and
 * 502/503/504) are retried with the same key, so the slot is booked at most once.
 * A slot taken meanwhile rejects with a `FhirError` of status 409.
 */
export async function book(
  client: SlotClient,
  { slot, patient, deliveryChannel, idempotencyKey = newIdempotencyKey(), language, hold }: BookRequest,
  { retries = 2, retryDelayMs = 500 }: BookingClientOptions,
): Promise<Booking> {
  const telecom = [
    { system: 'email' as const, value: patient.email.trim() },
    { system: 'phone' as const, value: patient.phone.trim() },
  ].filter((t) => t.value);
  const appointment: Appointment = {
    resourceType: 'Appointment',
    status: 'proposed',
    identifier: [{ system: IDEMPOTENCY_SYSTEM, value: idempotencyKey }],
    contained: [
      {
        resourceType: 'Patient',
        id: 'patient',
        name: [{ given: [patient.given.trim()], family: patient.family.trim() }],
        birthDate: patient.birthDate,
        telecom,
        ...(language
          ? {
              communication: [
                { language: { coding: [{ system: 'urn:ietf:bcp:47', code: language }] }, preferred: true },
              ],
            }
          : {}),
      },
    ],
    participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
    slot: [{ reference: ref('Slot', slot.id) }],
    start: slot.start,
    end: slot.end,
    extension: [
      { url: DELIVERY_CHANNEL_URL, valueCode: deliveryChannel },
      ...(hold ? [{ url: SLOT_HOLD_TOKEN_URL, valueString: hold.token }] : []),
    ],
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const { resource } = await client.request<Appointment>('POST', 'Appointment', {
        body: appointment,
        headers: { 'if-none-exist': `identifier=${IDEMPOTENCY_SYSTEM}|${idempotencyKey}` },
      });
      return toBooking(resource);
    } catch (error) {
      const retryable = error instanceof FhirError && [0, 502, 503, 504].includes(error.status);
      if (!retryable || attempt >= retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** attempt));
    }
  }
}

/**
 * Holds `slot` for a few minutes while the patient fills the form (ConsultKit servers:
 * `POST Slot/{id}/$hold`), ending the caller's hold `replaces` first. Rejects with a `FhirError`:
 * 409 when someone else holds or took it, 429 when this address holds too many, 404 where the
 * server has no holds.
 */
export async function hold(client: SlotClient, slot: Pick<BookableSlot, 'id'>, replaces?: SlotHold): Promise<SlotHold> {
  const path = ref('Slot', slot.id);
  const { resource } = await client.request<Parameters>('POST', `${path}/$hold`, {
    body: {
      resourceType: 'Parameters',
      parameter: replaces ? [{ name: 'replaces', valueString: replaces.token }] : [],
    },
  });
  const [token, expires] = ['token', 'expires'].map((name) => {
    const value = resource.parameter?.find((p) => p.name === name);
    return value?.valueString ?? value?.valueInstant ?? '';
  }) as [string, string];
  return { slot: path, token, expires };
}

/** Ends a hold (the patient went back, or left): the time is offered again at once. */
export async function release(client: SlotClient, held: SlotHold): Promise<void> {
  await client.request('POST', `${held.slot}/$release`, {
    body: { resourceType: 'Parameters', parameter: [{ name: 'token', valueString: held.token }] },
    keepalive: true,
  });
}

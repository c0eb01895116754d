/**
 * Patients manage their booking (docs/decisions/0021-manage-booking.md):
 *
 * - `GET /manage` and `GET /manage/{token}`: the page (pages/manage.html). The link in every
 *   e-mail about a booking is `/manage/{token}`; the page moves the token out of the address bar.
 * - `POST /api/bookings/lookup` `{ reference, birthDate }`: the booking and a manage token, or a
 *   plain 401 that does not say which part was wrong (limited per address and per reference).
 * - With `Authorization: Bearer <manage token>`: `GET /api/manage/booking`, `GET /api/manage/slots`
 *   (free times of the same schedule for the next two weeks, after the minimum notice),
 *   `POST /api/manage/cancel` and `POST /api/manage/reschedule` `{ slotId }`, through
 *   `BookingService.update` as the patient of that one booking, so sessions, links, reminders and
 *   the desk's event stream follow as for a staff change.
 */
import { readFile } from 'node:fs/promises';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseBookingReference } from '../booking/reference.js';
import type { AppointmentRow, SlotRow } from '../booking/repository.js';
import { displayName, type BookingService, type Caller } from '../booking/service.js';
import { HttpError } from '../errors.js';
import { ManageTokenError, type ManageTokens } from '../manage/tokens.js';

export const MANAGE_PAGE = new URL('../../pages/manage.html', import.meta.url);

/** How far ahead the page offers other times. */
export const RESCHEDULE_DAYS = 14;

export interface ManagePluginOptions {
  booking: BookingService;
  tokens: ManageTokens;
  minNoticeMinutes: number;
  now: () => number;
  page?: URL | string | undefined;
}

/** A booking as the manage page shows it: nothing but what the patient gave or was told. */
export interface ManagedBooking {
  id: string;
  reference: string;
  status: AppointmentRow['status'];
  start: string;
  end: string;
  timeZone: string;
  /** The zone as people say it ("UK time" for Europe/London). */
  timeZoneName: string;
  practitioner: string;
  service: string;
  channel: AppointmentRow['channel'];
  /** The patient may cancel it now (pending or booked, not started). */
  canCancel: boolean;
  /** The patient may move it now (the same, and the practice's rules allow). */
  canReschedule: boolean;
}

const NOT_FOUND_TEXT = 'We could not find a booking with that reference and date of birth. Check both and try again';

/** People's name of a time zone: "UK time" for the practice's usual one, else its IANA name. */
export function zoneName(timeZone: string): string {
  return timeZone === 'Europe/London' ? 'UK time' : timeZone.replace(/_/g, ' ');
}

export async function managePlugin(app: FastifyInstance, options: ManagePluginOptions): Promise<void> {
  const { booking, tokens } = options;

  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    const html = await readFile(options.page ?? MANAGE_PAGE, 'utf8');
    return reply
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .type('text/html; charset=utf-8')
      .send(html);
  };
  app.get('/manage', page);
  // A wildcard, not a parameter: a token is longer than a route parameter may be.
  app.get('/manage/*', page);

  const view = (row: AppointmentRow): ManagedBooking => {
    const open = (row.status === 'pending' || row.status === 'booked') && row.start_at.getTime() > options.now();
    return {
      id: String(row.id),
      reference: row.booking_reference,
      status: row.status,
      start: row.start_at.toISOString(),
      end: row.end_at.toISOString(),
      timeZone: row.time_zone,
      timeZoneName: zoneName(row.time_zone),
      practitioner: displayName(row.practitioner_name),
      service: row.service_display,
      channel: row.channel,
      canCancel: open,
      canReschedule: open,
    };
  };

  /** The booking and caller of a manage token; 401 for anything but a valid token of this booking's patient. */
  const managed = async (request: FastifyRequest): Promise<{ row: AppointmentRow; caller: Caller }> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header) : null;
    if (!match) {
      throw new HttpError(
        401,
        'login',
        'Open the link from your e-mail, or enter your booking reference and date of birth',
        {
          'www-authenticate': 'Bearer realm="manage"',
        },
      );
    }
    let claims;
    try {
      claims = tokens.verify(match[1]!);
    } catch (error) {
      if (!(error instanceof ManageTokenError)) throw error;
      throw new HttpError(
        401,
        error.problem === 'expired' ? 'expired' : 'login',
        error.problem === 'expired'
          ? 'This link has expired: the appointment is over'
          : 'This link is not valid: open the link from your e-mail again, or enter your booking reference and date of birth',
        { 'www-authenticate': 'Bearer realm="manage", error="invalid_token"' },
      );
    }
    const row = await booking.repo.appointment(claims.sub);
    // Bound to the booking and its patient: a token whose patient is not this booking's opens nothing.
    if (!row || row.patient_id !== claims.pid) {
      throw new HttpError(401, 'login', 'This link is not valid for any booking', {
        'www-authenticate': 'Bearer realm="manage", error="invalid_token"',
      });
    }
    return {
      row,
      caller: {
        kind: 'patient',
        appointmentId: row.id,
        patientId: row.patient_id,
        reschedule: { minNoticeMinutes: options.minNoticeMinutes },
      },
    };
  };

  const issue = (row: AppointmentRow) => tokens.issue(row.id, row.patient_id, row.end_at);

  app.post(
    '/api/bookings/lookup',
    {
      schema: {
        body: {
          type: 'object',
          required: ['reference', 'birthDate'],
          properties: {
            reference: { type: 'string', minLength: 1, maxLength: 64 },
            birthDate: { type: 'string', minLength: 1, maxLength: 10 },
          },
        },
      },
    },
    async (request) => {
      const { reference, birthDate } = request.body as { reference: string; birthDate: string };
      const normalised = normaliseBookingReference(reference);
      const found = normalised ? await booking.repo.appointmentByReference(normalised) : undefined;
      const row = found ? await booking.repo.appointment(found.id) : undefined;
      const digest = (text: string) => createHash('sha256').update(text).digest();
      const same = timingSafeEqual(digest(birthDate.trim()), digest(row?.patient_details.birthDate ?? 'none'));
      // One answer for an unknown reference and a wrong date of birth: the 401 says neither.
      if (!row || !same) throw new HttpError(401, 'login', NOT_FOUND_TEXT);
      request.log.info({ appointment: row.id }, 'booking looked up by reference and date of birth');
      return { booking: view(row), token: issue(row) };
    },
  );

  app.get('/api/manage/booking', async (request) => view((await managed(request)).row));

  app.get('/api/manage/slots', async (request) => {
    const { row } = await managed(request);
    if (!view(row).canReschedule) return { slots: [] };
    const now = options.now();
    const page = await booking.repo.searchSlots({
      statuses: ['free'],
      scheduleIds: [row.schedule_id],
      from: now,
      to: now + RESCHEDULE_DAYS * 24 * 60 * 60 * 1000,
      freeFrom: now + options.minNoticeMinutes * 60_000,
      count: 500,
      total: false,
      bare: true,
    });
    return {
      timeZone: row.time_zone,
      timeZoneName: zoneName(row.time_zone),
      slots: page.rows.map((slot: SlotRow) => ({
        id: String(slot.id),
        start: slot.start_at.toISOString(),
        end: slot.end_at.toISOString(),
      })),
    };
  });

  app.post('/api/manage/cancel', async (request) => {
    const { row, caller } = await managed(request);
    const updated = await booking.update(row.id, caller, { status: 'cancelled', cancelationReason: 'patient' });
    request.log.info({ appointment: row.id }, 'patient cancelled their booking online');
    return { booking: view(updated) };
  });

  app.post(
    '/api/manage/reschedule',
    {
      schema: {
        body: {
          type: 'object',
          required: ['slotId'],
          properties: { slotId: { type: 'string', pattern: '^[0-9]{1,12}$' } },
        },
      },
    },
    async (request) => {
      const { row, caller } = await managed(request);
      const slotId = Number((request.body as { slotId: string }).slotId);
      if (slotId === row.slot_id) throw new HttpError(422, 'business-rule', 'This is already the time of your booking');
      const updated = await booking.update(row.id, caller, { status: row.status, slot: { id: slotId } });
      request.log.info({ appointment: row.id, slot: slotId }, 'patient moved their booking online');
      // The token's expiry was the old end: a fresh one for the new time.
      return { booking: view(updated), token: issue(updated) };
    },
  );
}

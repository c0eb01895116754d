/**
 * The contract (`@consultkit/core/contract`) holds: a join problem the server maps reaches core as
 * the typed error it means; core's booking helpers do the contract's time-zone maths; the
 * patient-details rules are one rule, the form's (core, as built) and the server's.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { addDays, dateIn, isPhoneNumber, startOfDay } from '@consultkit/core/contract';
import { toOutcome } from './errors.js';
import { parseBooking } from './fhir/appointment-input.js';
import { JoinError } from './join/service.js';

describe('join links across the contract', () => {
  it('a refused join link reaches a Node script as a LinkError, its opening time read from the server’s outcome', async () => {
    // The server's own mapping of its own error, answered over HTTP; core's own parsing of it.
    const opensAt = new Date('2026-11-24T08:45:00Z');
    const { status, outcome } = toOutcome(new JoinError('early', 'This link opens at 8:45am.', opensAt));
    const http = createServer((_request, response) => {
      response.writeHead(status, { 'content-type': 'application/fhir+json' });
      response.end(JSON.stringify(outcome));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { Consultation, ConsultKitError, LinkError } =
        (await import('@consultkit/core')) as typeof import('@consultkit/core');
      const { port } = http.address() as AddressInfo;
      const error = await Consultation.redeem(`http://127.0.0.1:${port}`, 'a-token').catch((e: unknown) => e);
      assert.ok(error instanceof LinkError, String(error));
      assert.ok(error instanceof ConsultKitError);
      assert.equal(error.code, 'link-early');
      assert.equal(error.status, 422);
      assert.equal(error.opensAt?.toISOString(), opensAt.toISOString());
      assert.equal(error.message, 'This link opens at 8:45am.');
    } finally {
      http.close();
    }
  });
});

describe('time-zone maths: core’s booking helpers are the contract’s', () => {
  it('local dates, day arithmetic and local midnights agree, across clock changes, in five zones', async () => {
    const booking = (await import('@consultkit/core/booking')) as typeof import('@consultkit/core/booking');
    const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Havana'];
    for (const zone of zones) {
      // Every 97 minutes through 2026 and 2027: every hour of the day, both clock changes of each year.
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 97 * 60_000) {
        assert.equal(booking.localDate(ms, zone), dateIn(ms, zone), `${zone} ${new Date(ms).toISOString()}`);
      }
      for (let day = '2025-12-25'; day < '2028-01-05'; day = addDays(day, 1)) {
        assert.equal(booking.startOfLocalDay(day, zone).getTime(), startOfDay(day, zone), `${zone} ${day}`);
        for (const n of [-400, -31, -1, 1, 29, 366]) assert.equal(booking.addDays(day, n), addDays(day, n), day);
      }
    }
  });
});

describe('patient details: one rule for the form and the server', () => {
  const PHONES: [string, boolean][] = [
    ['07700 900123', true], // UK mobile
    ['020 7946 0000', true], // London
    ['(020) 7946 0000', true],
    ['016977 3456', true], // a UK number of ten digits with its 0
    ['+44 7700 900123', true],
    ['+44 (0)20 7946 0000', true], // the trunk 0 in brackets: 13 digits
    ['0044 20 7946 0000', true], // the international prefix is not counted
    ['+353 1 234 5678', true], // Ireland
    ['+1 (415) 555-0100', true],
    ['+683 4002', true], // Niue: seven digits, the fewest in use
    ['020.7946.0000', true],
    ['123456', false], // six digits: the server took these before
    ['12345', false],
    ['call me', false],
    ['0770090012312345678', false], // nineteen digits: two numbers, or a typo
    ['+44 7700 900123 ext 12', false],
    ['', false],
  ];

  it('phone numbers: 7 to 15 digits, UK or international, in the contract', () => {
    for (const [phone, valid] of PHONES) assert.equal(isPhoneNumber(phone), valid, phone);
  });

  it('the booking form (core) and the server agree on every phone number', async () => {
    const { validateDetails } = (await import('@consultkit/core/booking')) as typeof import('@consultkit/core/booking');
    const details = { given: 'Ada', family: 'Lovelace', birthDate: '1985-12-10', email: 'ada@example.org' };
    for (const [phone, valid] of PHONES.filter(([p]) => p !== '')) {
      const form = validateDetails({ ...details, phone, deliveryChannel: 'Video' }, undefined, '2026-11-24');
      assert.equal(form.phone === undefined, valid, `form: ${phone}`);
      const server = serverAccepts({ system: 'phone', value: phone });
      assert.equal(server, valid, `server: ${phone}`);
    }
  });

  it('and on e-mail addresses', async () => {
    const { validateDetails } = (await import('@consultkit/core/booking')) as typeof import('@consultkit/core/booking');
    const details = { given: 'Ada', family: 'Lovelace', birthDate: '1985-12-10', phone: '07700 900123' };
    for (const [email, valid] of [
      ['ada@example.org', true],
      ['ada.lovelace+gp@nhs.net', true],
      ['ada@example', false],
      ['ada <ada@example.org>', false],
      ['ada;x@example.org', false],
      ['ada\u200E@example.org', false],
      [`${'a'.repeat(250)}@example.org`, false],
    ] as const) {
      const form = validateDetails({ ...details, email, deliveryChannel: 'Video' }, undefined, '2026-11-24');
      assert.equal(form.email === undefined, valid, `form: ${email}`);
      assert.equal(serverAccepts({ system: 'email', value: email }, false), valid, `server: ${email}`);
    }
  });
});

/** Whether the server takes a booking whose patient has this contact (and an e-mail address). */
function serverAccepts(contact: { system: string; value: string }, withEmail = true): boolean {
  const telecom = [...(withEmail ? [{ system: 'email', value: 'ada@example.org' }] : []), contact];
  try {
    parseBooking(
      {
        resourceType: 'Appointment',
        status: 'pending',
        slot: [{ reference: 'Slot/1' }],
        start: '2026-11-24T09:00:00Z',
        end: '2026-11-24T09:10:00Z',
        extension: [
          { url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel', valueCode: 'Video' },
        ],
        contained: [
          { resourceType: 'Patient', id: 'patient', name: [{ family: 'Lovelace' }], birthDate: '1985-12-10', telecom },
        ],
        participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
      },
      '2026-11-24',
    );
    return true;
  } catch {
    return false;
  }
}

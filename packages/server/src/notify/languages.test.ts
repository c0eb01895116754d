/**
 * E-mails in the patient's language: the language given with the booking (`Patient.communication`,
 * BCP 47, preferred) is stored with it, read back in FHIR, and the confirmation a real SMTP server
 * (`smtp-server` on 127.0.0.1) receives is written in it, its HTML with the language's `lang` and
 * `dir`. A language that is not BCP 47 is refused with an OperationOutcome.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, OperationOutcome, Patient } from 'fhir/r4.js';
import type { ConsultKitServer } from '../app.js';
import { seedBookingFixture, startTestServer, TEST_NOW } from '../test-helpers.js';
import { Api, parseIcs, SmtpSink, until } from './test-support.js';

const FROM = 'Riverside Surgery <appointments@riverside.example>';

/** A `patch` for `Api.book` giving the contained Patient these `communication` entries. */
const speaking =
  (...communication: unknown[]) =>
  (body: Record<string, unknown>) => {
    (body['contained'] as Record<string, unknown>[])[0]!['communication'] = communication;
  };
/** The Patient as the booking gave it, read as the patient does (their booking reference). */
async function patientOf(api: Api, appointment: Appointment): Promise<Patient> {
  const reference = appointment.identifier?.find((i) => i.value)?.value ?? '';
  const id = appointment.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))!.actor!.reference!;
  const read = await api.call<Patient>('GET', `/fhir/${id}`, { headers: { authorization: `Bearer ${reference}` } });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  return read.body;
}

const language = (code: string, preferred = true) => ({
  language: { coding: [{ system: 'urn:ietf:bcp:47', code }] },
  preferred,
});

describe('e-mails in the patient’s language', () => {
  let server: ConsultKitServer;
  let api: Api;
  const smtp = new SmtpSink(/^refused@/);

  before(async () => {
    await smtp.start();
    const started = await startTestServer(
      {
        CONSULTKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        CONSULTKIT_MAIL_FROM: FROM,
        CONSULTKIT_PUBLIC_URL: 'https://riverside.example',
      },
      {},
      { now: () => TEST_NOW, notify: { pollMs: 10 } },
    );
    server = started.server;
    const fixture = await seedBookingFixture(server.storage);
    api = new Api(started.url, fixture.gp.scheduleId);
  });

  after(async () => {
    await server?.close();
    await smtp.stop();
  });

  const arrived = (to: string) =>
    until(`the e-mail to ${to} arrives`, () => smtp.received.find((r) => r.to.includes(to)) ?? false);

  it('a booking in Polish: stored as Patient.communication, and the confirmation arrives in Polish', async () => {
    // English second and not preferred: the preferred one counts.
    const { appointment, email } = await api.book('2026-03-03', {
      patch: speaking(language('en', false), language('pl')),
    });
    assert.deepEqual((await patientOf(api, appointment)).communication, [
      { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'pl' }] }, preferred: true },
    ]);

    const { mail } = await arrived(email);
    assert.equal(mail.subject, 'Wizyta potwierdzona: wtorek, 3 marca 2026, godz. 09:00');
    const text = mail.text ?? '';
    assert.match(text, /^Dzień dobry, Grace Hopper,\n\nTwoja wizyta jest potwierdzona\.\n/);
    assert.match(text, /\n {2}Kiedy: +wtorek, 3 marca 2026, 09:00–09:10 \(czas w Wielkiej Brytanii\)\n/);
    assert.match(text, /\n {2}Forma: +Wideokonsultacja\n/);
    // The join link opens the join page in Polish.
    assert.match(text, /\n {2}Dołącz: +https:\/\/riverside\.example\/join\/\S+\?lang=pl\n/);
    assert.match(text, /Możesz też podać numer rezerwacji /);
    assert.doesNotMatch(text, /Europe\/London|Your appointment|Dear /);
    const html = String(mail.html);
    assert.match(html, /<html lang="pl" dir="ltr">/);
    assert.match(html, /<th scope="row"[^>]*>Kiedy<\/th>/);
  });

  it('the calendar file is in the patient’s language too: Welsh and Arabic titles, text and place', async () => {
    for (const [code, date, summary, description, location] of [
      [
        'cy',
        '2026-03-05',
        /^Ymgynghoriad fideo gyda Dr Ada Test$/,
        /^Ymgynghoriad fideo gyda Dr Ada Test \(.+\)\. Ymunwch â’r ddolen yn eich e-bost\. Cyfeirnod CK-/,
        'Galwad fideo (dolen yn eich e-bost)',
      ],
      [
        'ar',
        '2026-03-06',
        /^استشارة عبر الفيديو مع Dr Ada Test$/,
        /^استشارة عبر الفيديو مع Dr Ada Test \(.+\)\. انضم عبر الرابط في بريدك الإلكتروني\. رقم الحجز CK-/,
        'مكالمة فيديو (الرابط في بريدك الإلكتروني)',
      ],
    ] as const) {
      const { email } = await api.book(date, { patch: speaking(language(code)) });
      const { mail } = await arrived(email);
      const ics = mail.attachments.find((a) => a.contentType === 'text/calendar');
      assert.ok(ics, `a calendar file in ${code}`);
      const text = ics.content.toString('utf8');
      const props = parseIcs(text);
      assert.match(props.get('SUMMARY')?.value ?? '', summary);
      assert.match(props.get('DESCRIPTION')?.value ?? '', description);
      assert.equal(props.get('LOCATION')?.value, location);
      assert.doesNotMatch(text, /Video consultation|Join with the link|Reference /, `no English left in ${code}`);
    }
  });

  it('in Urdu: the HTML reads right to left and the zone is named, never an IANA id', async () => {
    const { email } = await api.book('2026-03-04', { patch: speaking(language('ur-PK')) });
    const { mail } = await arrived(email);
    assert.match(mail.subject ?? '', /^اپائنٹمنٹ کی تصدیق: /);
    assert.match(mail.text ?? '', /آپ کی اپائنٹمنٹ کی تصدیق ہو گئی ہے۔/);
    assert.match(mail.text ?? '', /\(برطانیہ کا وقت\)/);
    assert.match(mail.text ?? '', /\?lang=ur\n/);
    assert.match(String(mail.html), /<html lang="ur" dir="rtl">/);
  });

  it('a language without translations keeps its code and reads in British English', async () => {
    const { appointment, email } = await api.book('2026-03-05', { patch: speaking(language('fr-CA')) });
    const { mail } = await arrived(email);
    assert.match(mail.subject ?? '', /^Appointment confirmed: /);
    assert.match(String(mail.html), /<html lang="en-GB" dir="ltr">/);
    assert.doesNotMatch(mail.text ?? '', /\?lang=/);
    assert.equal((await patientOf(api, appointment)).communication?.[0]?.language.coding?.[0]?.code, 'fr-ca');
  });

  for (const [what, communication, expression] of [
    ['a code that is not BCP 47', [language('polish language')], 'Patient.communication[0].language'],
    [
      'no BCP 47 coding',
      [{ language: { coding: [{ system: 'urn:iso:std:iso:639', code: 'pl' }] } }],
      'Patient.communication[0].language',
    ],
    ['not a list', { language: 'pl' }, 'Patient.communication'],
    ['eleven languages', Array.from({ length: 11 }, () => language('pl', false)), 'Patient.communication'],
  ] as const) {
    it(`refuses ${what} with an OperationOutcome, and books nothing`, async () => {
      const slot = (await api.freeSlots('2026-03-06'))[0]!;
      const body = {
        resourceType: 'Appointment',
        status: 'proposed',
        contained: [
          {
            resourceType: 'Patient',
            id: 'patient',
            name: [{ given: ['Grace'], family: 'Hopper' }],
            birthDate: '1980-01-02',
            telecom: [{ system: 'email', value: 'refused-language@example.org' }],
            communication,
          },
        ],
        participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
        slot: [{ reference: `Slot/${slot.id}` }],
        start: slot.start,
        end: slot.end,
        extension: [
          { url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel', valueCode: 'Video' },
        ],
      };
      const answer = await api.call<OperationOutcome>('POST', '/fhir/Appointment', { body });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.resourceType, 'OperationOutcome');
      assert.match(answer.body.issue[0]!.diagnostics ?? '', new RegExp(`^${expression.replace(/[[\].]/g, '\\$&')}`));
      assert.equal((await api.freeSlots('2026-03-06'))[0]!.id, slot.id, 'the slot is still free');
    });
  }
});

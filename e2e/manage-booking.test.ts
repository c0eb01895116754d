/**
 * Patients manage their booking at /manage, end to end in Chromium on a phone-sized screen: the
 * link from the confirmation opens the booking in plain words (UK time), the patient moves it to
 * another time and then cancels it (with a confirmation); reference + date of birth also open it,
 * a wrong date of birth is refused in words a screen reader announces. axe finds nothing in each
 * state, and the page breaks no rule of the Content Security Policy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import {
  axeViolations as axe,
  cspViolations,
  type RunningServer,
  startServerAndBrowser,
  stopServerAndBrowser,
  watchedPage,
} from './support.js';
import { DEV_STAFF_KEY as STAFF_KEY } from '../packages/server/src/config.js';

const STAFF = { authorization: `Bearer ${STAFF_KEY}` };
const FHIR = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
const BIRTH_DATE = '1962-07-14';
const SCREENSHOTS = process.env['CK_SCREENSHOTS'];

describe('/manage: a patient moves and cancels their booking', () => {
  let browser: Browser;
  let server: RunningServer;
  let booking: { id: string; reference: string; start: string; email: string; link: string };

  const get = async <T>(path: string): Promise<T> =>
    (await (
      await fetch(`${server.url}${path}`, { headers: { ...STAFF, accept: 'application/fhir+json' } })
    ).json()) as T;

  async function phone(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    return watchedPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  }

  const violations = cspViolations;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
    // A confirmed video appointment with Dr Amina Khan (Practitioner/1), a day ahead.
    const from = new Date(Date.now() + 24 * 3_600_000).toISOString();
    const slots = await get<Bundle>(`/fhir/Slot?status=free&schedule.actor=Practitioner/1&start=ge${from}&_count=5`);
    const slot = slots.entry!.map((e) => e.resource as Slot).find((s) => s.resourceType === 'Slot')!;
    const email = `manage-${Date.now()}@example.org`;
    const created = await fetch(`${server.url}/fhir/Appointment`, {
      method: 'POST',
      headers: FHIR,
      body: JSON.stringify({
        resourceType: 'Appointment',
        status: 'proposed',
        contained: [
          {
            resourceType: 'Patient',
            id: 'patient',
            name: [{ given: ['Alan'], family: 'Turing' }],
            birthDate: BIRTH_DATE,
            telecom: [{ system: 'email', value: email }],
          },
        ],
        participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
        slot: [{ reference: `Slot/${slot.id}` }],
        start: slot.start,
        end: slot.end,
        extension: [
          {
            url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel',
            valueCode: 'Video',
          },
        ],
      }),
    });
    assert.equal(created.status, 201);
    const appointment = (await created.json()) as Appointment;
    const confirmed = await fetch(`${server.url}/fhir/Appointment/${appointment.id}`, {
      method: 'PUT',
      headers: { ...FHIR, ...STAFF },
      body: JSON.stringify({ ...appointment, status: 'booked' }),
    });
    assert.equal(confirmed.status, 200);
    const outbox = (await (await fetch(`${server.url}/api/outbox`, { headers: STAFF })).json()) as {
      messages: { to: string; text: string }[];
    };
    const text = outbox.messages.find((m) => m.to === email)!.text;
    const link = /(http:\/\/\S+\/manage\/\S+)/.exec(text)![1]!;
    booking = {
      id: appointment.id!,
      reference: appointment.identifier![0]!.value!,
      start: appointment.start!,
      email,
      link: link.replace(/^http:\/\/[^/]+/, server.url),
    };
  });

  after(() => stopServerAndBrowser(server, browser));

  it('opens from the e-mail link, moves to another time, then cancels with a confirmation', async () => {
    const { context, page, errors } = await phone();
    await page.goto(booking.link);
    await page.getByRole('heading', { name: 'Your appointment', level: 2 }).waitFor();
    // The token leaves the address bar.
    assert.equal(new URL(page.url()).pathname, '/manage');
    const time = page.locator('#b-time');
    assert.match((await time.textContent()) ?? '', /^\d\d:\d\d to \d\d:\d\d UK time$/);
    assert.equal(await page.locator('#b-with').textContent(), 'Dr Amina Khan (GP appointment)');
    assert.equal(await page.locator('#b-how').textContent(), 'Video consultation');
    assert.equal(await page.locator('#b-reference').textContent(), booking.reference);
    assert.deepEqual(await axe(page), [], 'axe: the booking');
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/manage-booking.png`, fullPage: true });

    // Choose another time: a plain list of free times, grouped by day.
    await page.getByRole('button', { name: 'Choose another time' }).click();
    const select = page.getByLabel('New time');
    await select.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reschedule-heading');
    const options = await select
      .locator('option')
      .evaluateAll((nodes) =>
        nodes.map((n) => ({ value: (n as HTMLOptionElement).value, label: n.textContent ?? '' })),
      );
    assert.ok(options.length > 1);
    assert.ok(options.every((o) => / UK time$/.test(o.label)));
    assert.deepEqual(await axe(page), [], 'axe: choosing a time');
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/manage-choose.png`, fullPage: true });
    const target = options[3]!;
    await select.selectOption(target.value);
    await page.getByRole('button', { name: 'Move my appointment' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: 'Your appointment has moved to' }).waitFor();
    const moved = await get<Appointment>(`/fhir/Appointment/${booking.id}`);
    assert.equal(moved.slot![0]!.reference, `Slot/${target.value}`);
    assert.equal(moved.status, 'booked');
    assert.ok(target.label.includes((await time.textContent())!.slice(0, 5)), 'the page shows the new time');
    assert.deepEqual(await axe(page), [], 'axe: moved');

    // Cancel: asked first, then done.
    await page.getByRole('button', { name: 'Cancel this appointment' }).click();
    await page.getByRole('heading', { name: 'Cancel this appointment?' }).waitFor();
    assert.deepEqual(await axe(page), [], 'axe: confirming the cancellation');
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/manage-cancel.png`, fullPage: true });
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await status.filter({ hasText: 'Your appointment is cancelled' }).waitFor();
    assert.equal(await page.locator('#b-status').textContent(), 'Cancelled');
    assert.equal(await page.getByRole('button', { name: 'Cancel this appointment' }).isVisible(), false);
    assert.equal((await get<Appointment>(`/fhir/Appointment/${booking.id}`)).status, 'cancelled');
    assert.deepEqual(await axe(page), [], 'axe: cancelled');

    assert.deepEqual(await violations(page), [], 'no CSP violation');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('opens with reference + date of birth; a wrong date of birth is refused aloud', async () => {
    const { context, page, errors } = await phone();
    await page.goto(`${server.url}/manage`);
    await page.getByLabel('Booking reference').waitFor();
    assert.deepEqual(await axe(page), [], 'axe: the look-up form');
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/manage-lookup.png`, fullPage: true });
    const [year, month, day] = BIRTH_DATE.split('-') as [string, string, string];
    await page.getByLabel('Booking reference').fill(booking.reference.toLowerCase());
    await page.getByLabel('Day').fill(day);
    await page.getByLabel('Month').fill(month);
    await page.getByLabel('Year').fill('1963');
    await page.getByRole('button', { name: 'Find my appointment' }).click();
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'We could not find a booking with that reference and date of birth' }).waitFor();
    assert.deepEqual(await axe(page), [], 'axe: refused');
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/manage-refused.png`, fullPage: true });
    await page.getByLabel('Year').fill(year);
    await page.getByRole('button', { name: 'Find my appointment' }).click();
    await page.getByRole('heading', { name: 'Your appointment', level: 2 }).waitFor();
    assert.equal(await page.locator('#b-reference').textContent(), booking.reference);
    assert.equal(await page.locator('#b-status').textContent(), 'Cancelled');
    assert.equal(await page.locator('#error').textContent(), '', 'the refusal is gone');
    assert.deepEqual(await violations(page), [], 'no CSP violation');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

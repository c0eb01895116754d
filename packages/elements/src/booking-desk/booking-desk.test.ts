import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import { BookingClient, StaffClient, type Booking, type PatientDetails } from '@consultkit/core/booking';
import './define.js';
import type { BookingDesk } from './booking-desk.js';
import { restartServer, until } from '../../../../test-support/browser.js';

// The run's real ConsultKit server on the page's origin (/fhir, /api/staff/events). Changes made
// by other clients reach the desk through the server's event stream, not by reloading.

const part = (el: BookingDesk, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const focused = (el: BookingDesk) => el.shadowRoot!.activeElement as HTMLElement | null;
const item = (el: BookingDesk, who: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="booking"]')].find((li) =>
    li.querySelector('[part~="who"]')!.textContent!.includes(who),
  );
const inSection = (el: BookingDesk, section: 'pending' | 'upcoming', who: string) =>
  item(el, who)?.closest('section')?.getAttribute('part') === section;

const patientPath = new BookingClient({ baseUrl: '/fhir' });
let staffKey = '';
let counter = 0;

/** Books a free time of `practitioner` as a new patient; resolves to the booking and the patient's name. */
async function book(
  practitioner = '2',
  channel: 'Telephone' | 'Video' = 'Telephone',
): Promise<{ booking: Booking; name: string }> {
  const family = `Tester${Date.now().toString(36)}${counter++}`;
  const patient: PatientDetails = {
    given: 'Alan',
    family,
    birthDate: '1954-06-23',
    email: 'alan@example.org',
    phone: '07700 900789',
  };
  const start = new Date(Date.now() + 3_600_000);
  const slots = await patientPath.searchSlots({ start, end: new Date(start.getTime() + 2 * 86_400_000), practitioner });
  const slot = slots[Math.floor(Math.random() * Math.min(slots.length, 40))]!;
  const booking = await patientPath.book({ slot, patient, deliveryChannel: channel });
  return { booking, name: `Alan ${family}` };
}

function desk(): Promise<BookingDesk> {
  return fixture<BookingDesk>(html`<booking-desk fhir-base="/fhir" .staffKey=${staffKey}></booking-desk>`);
}

async function live(el: BookingDesk): Promise<void> {
  await until(() => el.desk?.state.get().live === 'streaming' && el.desk.state.get().status === 'ready', 'a live desk');
}

describe('<booking-desk>', () => {
  before(async () => {
    // A fresh server: no bookings yet, so the desk starts empty.
    await restartServer();
    staffKey = ((await executeServerCommand('ck-staff-key')) as { key: string }).key;
  });

  it('is empty and accessible with no bookings', async () => {
    const el = await desk();
    await live(el);
    await el.updateComplete;
    expect(part(el, 'pending')!.textContent).to.contain('No requests are waiting.');
    expect(part(el, 'upcoming')!.textContent).to.contain('No appointments.');
    expect(part(el, 'live')!.textContent).to.contain('Live');
    await expect(el).to.be.accessible();
  });

  it('shows a new request as it arrives, with the patient’s details, and is accessible with it', async () => {
    const el = await desk();
    await live(el);
    const { booking, name } = await book();
    await until(() => inSection(el, 'pending', name), 'the request, live');
    const li = item(el, name)!;
    expect(li.querySelector('[part~="who"]')!.textContent).to.contain('07700 900789');
    expect(li.querySelector('[part~="booking-status"]')!.textContent).to.contain(booking.reference!);
    expect(li.querySelector('[part~="when"]')!.textContent).to.contain('Phone');
    await expect(el).to.be.accessible();
  });

  it('confirms a request: it moves to the appointments, announced, with ck-appointment-confirmed', async () => {
    const el = await desk();
    await live(el);
    const { booking, name } = await book();
    await until(() => inSection(el, 'pending', name), 'the request');
    setTimeout(() => item(el, name)!.querySelector<HTMLElement>('[part~="confirm"]')!.click());
    const confirmed = await oneEvent(el, 'ck-appointment-confirmed');
    expect(confirmed.detail.booking.id).to.equal(booking.id);
    expect(confirmed.detail.booking.status).to.equal('booked');
    await el.updateComplete;
    expect(inSection(el, 'upcoming', name)).to.equal(true);
    expect(item(el, name)!.querySelector('[part~="booking-status"]')!.textContent).to.contain('Confirmed');
    // People's text is isolated in the sentence (U+2068 … U+2069), as `<bdi>` would.
    expect(part(el, 'status')!.textContent).to.contain(`Confirmed: \u2068${name}\u2069`);
    expect(focused(el)?.id).to.equal('pending-heading');
    await expect(el).to.be.accessible();
  });

  it('sends the patient of a video appointment a fresh join link; accessible after', async () => {
    const el = await desk();
    await live(el);
    const { booking, name } = await book('2', 'Video');
    const staff = new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${staffKey}` }) });
    await staff.confirm(booking.id);
    await until(() => inSection(el, 'upcoming', name), 'the confirmed appointment');
    await el.updateComplete;
    setTimeout(() => item(el, name)!.querySelector<HTMLElement>('[part~="resend-link"]')!.click());
    const sent = await oneEvent(el, 'ck-join-link-sent');
    expect(sent.detail.booking.id).to.equal(booking.id);
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain('A new video link was sent');
    await expect(el).to.be.accessible();
  });

  it('declines a request with a reason', async () => {
    const el = await desk();
    await live(el);
    const { booking, name } = await book();
    await until(() => inSection(el, 'pending', name), 'the request');
    item(el, name)!.querySelector<HTMLElement>('[part~="decline"]')!.click();
    await el.updateComplete;
    const reason = item(el, name)!.querySelector<HTMLTextAreaElement>('textarea')!;
    reason.focus();
    await sendKeys({ type: 'Please book with the nurse' });
    setTimeout(() =>
      item(el, name)!.querySelector<HTMLButtonElement>('[part~="draft"] button[type="submit"]')!.click(),
    );
    const declined = await oneEvent(el, 'ck-appointment-declined');
    expect(declined.detail).to.deep.include({ reason: 'Please book with the nurse' });
    expect(declined.detail.booking.cancelationReason).to.equal('declined');
    await el.updateComplete;
    expect(item(el, name)).to.equal(undefined);
    const stored = await patientPath.getBooking(booking.id, booking.reference!);
    expect(stored.status).to.equal('cancelled');
  });

  it('reschedules to another free time of the same clinician, and cancels', async () => {
    const el = await desk();
    await live(el);
    const { booking, name } = await book();
    const staff = new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${staffKey}` }) });
    await staff.confirm(booking.id);
    await until(() => inSection(el, 'upcoming', name), 'the appointment');

    item(el, name)!.querySelector<HTMLElement>('[part~="reschedule"]')!.click();
    await until(() => item(el, name)!.querySelector('select') !== null, 'the free times');
    const select = item(el, name)!.querySelector('select')!;
    expect(select.options.length).to.be.greaterThan(1);
    await expect(el).to.be.accessible();
    select.value = select.options[1]!.value;
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    setTimeout(() =>
      item(el, name)!.querySelector<HTMLButtonElement>('[part~="draft"] button[type="submit"]')!.click(),
    );
    const moved = await oneEvent(el, 'ck-appointment-rescheduled');
    expect(moved.detail.booking.slot).to.equal(`Slot/${select.options[1]!.value}`);
    expect(moved.detail.previous?.slot).to.equal(booking.slot);
    expect(moved.detail.booking.practitioner?.reference).to.equal('Practitioner/2');

    await until(() => item(el, name) !== undefined, 'the moved appointment');
    item(el, name)!.querySelector<HTMLElement>('[part~="cancel"]')!.click();
    await el.updateComplete;
    setTimeout(() =>
      item(el, name)!.querySelector<HTMLButtonElement>('[part~="draft"] button[type="submit"]')!.click(),
    );
    const cancelled = await oneEvent(el, 'ck-appointment-cancelled');
    expect(cancelled.detail.booking.status).to.equal('cancelled');
    expect(cancelled.detail.booking.cancelationReason).to.equal('practice');
    await until(() => item(el, name) === undefined, 'the cancelled appointment gone');
  });

  it('stays current when another client confirms, and when the patient cancels', async () => {
    const el = await desk();
    await live(el);
    const { booking, name } = await book();
    await until(() => inSection(el, 'pending', name), 'the request');
    const elsewhere = new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${staffKey}` }) });
    await elsewhere.confirm(booking.id);
    await until(() => inSection(el, 'upcoming', name), 'the confirmation from elsewhere');
    expect(item(el, name)!.querySelector('[part~="booking-status"]')!.textContent).to.contain('Confirmed');
    await expect(el).to.be.accessible();
    await patientPath.cancel(booking.id, booking.reference!);
    await until(() => item(el, name) === undefined, 'the patient’s cancellation');
  });

  it('shows a failed action plainly, announced, and keeps what was typed', async () => {
    const el = await desk();
    await live(el);
    const { booking, name } = await book();
    await until(() => inSection(el, 'pending', name), 'the request');
    item(el, name)!.querySelector<HTMLElement>('[part~="decline"]')!.click();
    await el.updateComplete;
    item(el, name)!.querySelector<HTMLTextAreaElement>('textarea')!.focus();
    await sendKeys({ type: 'No GP on that day' });
    // The desk stops hearing changes; meanwhile the practice confirms elsewhere, so declining fails.
    el.desk!.stop();
    const elsewhere = new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${staffKey}` }) });
    await elsewhere.confirm(booking.id);
    await patientPath.cancel(booking.id, booking.reference!);
    setTimeout(() =>
      item(el, name)!.querySelector<HTMLButtonElement>('[part~="draft"] button[type="submit"]')!.click(),
    );
    const failed = await oneEvent(el, 'ck-desk-action-failed');
    expect(failed.detail).to.deep.include({ action: 'decline', id: booking.id });
    await el.updateComplete;
    const error = part(el, 'error')!;
    expect(error.closest('[role="alert"]')).not.to.equal(null);
    expect(error.textContent).to.contain(`Could not decline \u2068${name}\u2069`);
    expect(focused(el)).to.equal(error);
    expect(item(el, name)!.querySelector<HTMLTextAreaElement>('textarea')!.value).to.equal('No GP on that day');
    await expect(el).to.be.accessible();
  });

  it('works with a staff session cookie instead of a key', async () => {
    const { cookie } = (await executeServerCommand('ck-staff-cookie')) as { cookie: string };
    document.cookie = `${cookie}; path=/; SameSite=Strict`;
    const el = await fixture<BookingDesk>(html`<booking-desk fhir-base="/fhir"></booking-desk>`);
    await live(el);
    const { name } = await book();
    await until(() => inSection(el, 'pending', name), 'the request, with the cookie session');
    document.cookie = 'ck_staff=; path=/; Max-Age=0';
  });

  it('works from another origin with the staff key (a vendor console on its own site)', async () => {
    const { url } = (await executeServerCommand('ck-server')) as { url: string };
    expect(new URL(url).origin).not.to.equal(location.origin);
    const el = await fixture<BookingDesk>(
      html`<booking-desk fhir-base="${url}/fhir" .staffKey=${staffKey}></booking-desk>`,
    );
    const { booking, name } = await book();
    // The event stream may not be open to other origins; a refresh then finds the request.
    await until(() => el.desk?.state.get().status === 'ready', 'the lists');
    await el.desk!.refresh();
    await until(() => inSection(el, 'pending', name), 'the request');
    setTimeout(() => item(el, name)!.querySelector<HTMLElement>('[part~="confirm"]')!.click());
    const confirmed = await oneEvent(el, 'ck-appointment-confirmed');
    expect(confirmed.detail.booking.id).to.equal(booking.id);
  });

  it('shows why it could not load, with Retry, and is accessible then', async () => {
    const { url } = (await executeServerCommand('ck-closed-port')) as { url: string };
    const el = await fixture<BookingDesk>(
      html`<booking-desk fhir-base="${url}/fhir" .staffKey=${staffKey}></booking-desk>`,
    );
    await until(() => part(el, 'error') !== null, 'the error');
    expect(part(el, 'error')!.textContent).to.contain('Sorry, the bookings could not be loaded.');
    expect(part(el, 'retry')).not.to.equal(null);
    await until(() => el.desk?.state.get().live === 'polling', 'polling');
    expect(part(el, 'live')!.textContent).to.contain('Updated every 30 seconds');
    await expect(el).to.be.accessible();
  });

  it('isolates patient names in <bdi>, and shows a name stored with bidirectional controls without them', async () => {
    const el = await desk();
    await live(el);
    const { booking, name } = await book();
    await until(() => inSection(el, 'pending', name), 'the request, live');
    const bdi = item(el, name)!.querySelector('[part~="who"] bdi[part~="patient-name"]');
    expect(bdi?.textContent).to.equal(name);
    expect(item(el, name)!.querySelector('[part~="who"] bdi[part~="contact"]')!.textContent).to.contain('07700 900789');

    // A name stored before such names were refused: "\u202Ekcalb\u202C" would show as "black".
    const family = `\u202Ekcalb\u202C${Date.now().toString(36)}`;
    await executeServerCommand('ck-store-patient-family-name', { appointmentId: booking.id, family });
    await el.desk!.refresh();
    const shown = 'Alan kcalb';
    await until(() => item(el, shown) !== undefined && !item(el, name), 'the stored name, refreshed');
    const who = item(el, shown)!.querySelector('[part~="who"] bdi[part~="patient-name"]')!;
    expect(who.textContent).to.match(/^Alan kcalb[0-9a-z]+$/);
    expect(el.shadowRoot!.textContent).not.to.match(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
    expect(item(el, shown)!.querySelector('[part~="actions"]')!.getAttribute('aria-label')).not.to.match(
      /[\u202A-\u202E\u2066-\u2069]/,
    );
    await expect(el).to.be.accessible();
  });

  it('starts a video consultation now: opened by keyboard, a missing field shown and announced, then started', async () => {
    const el = await desk();
    await live(el);
    await expect(el).to.be.accessible();

    // Opened by keyboard; focus moves into the form, and the clinicians offering video are listed.
    const toggle = part(el, 'video-now-toggle')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const form = part(el, 'video-now-form')!;
    const field = <T extends HTMLElement = HTMLInputElement>(name: string) => form.querySelector<T>(`#vn-${name}`)!;
    expect(focused(el)).to.equal(field('schedule'));
    await until(() => field<HTMLSelectElement>('schedule').options[0]!.value.startsWith('Schedule/'), 'the diaries');
    await expect(el).to.be.accessible();

    let sent = 0;
    const client = el.desk!.client;
    const start = client.startVideoNow.bind(client);
    client.startVideoNow = (request) => {
      sent++;
      return start(request);
    };
    const family = `Now${Date.now().toString(36)}`;
    const email = `${family.toLowerCase()}@example.org`;
    field('given').focus();
    await sendKeys({ type: 'Walk' });
    field('family').value = family;
    field('birthDate').value = '1970-05-06';

    // The e-mail address is missing: shown by the field and in an alert, focus on it, nothing sent.
    part(el, 'video-now-submit')!.click();
    await el.updateComplete;
    const summary = part(el, 'error-summary')!;
    expect(summary.getAttribute('role')).to.equal('alert');
    expect(summary.textContent).to.contain("Enter the patient's email address");
    expect(focused(el)).to.equal(summary);
    expect(field('email').getAttribute('aria-invalid')).to.equal('true');
    expect(form.querySelector('#vn-email-error')!.textContent).to.contain("Enter the patient's email address");
    expect(sent).to.equal(0);
    await expect(el).to.be.accessible();

    field('email').value = email;
    field<HTMLSelectElement>('minutes').value = '10';
    const starting = oneEvent(el, 'ck-video-started');
    part(el, 'video-now-submit')!.click();
    await el.updateComplete;
    // Busy while it works: the button says so and does not send twice.
    expect(part(el, 'video-now-submit')!.getAttribute('aria-disabled')).to.equal('true');
    expect(part(el, 'video-now-submit')!.textContent).to.contain('Starting');
    part(el, 'video-now-submit')!.click();
    const started = await starting;
    expect(sent).to.equal(1);
    expect(started.detail.booking.status).to.equal('booked');
    expect(started.detail.linkSentTo).to.deep.equal({ email, sms: null });
    expect(Date.parse(started.detail.booking.end!) - Date.parse(started.detail.booking.start!)).to.equal(600_000);
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain(`the link was sent to \u2068${email}\u2069`);
    expect(part(el, 'status')!.getAttribute('role')).to.equal('status');
    expect(part(el, 'video-now-form')).to.equal(null);
    expect(focused(el)).to.equal(part(el, 'video-now-toggle'));
    await until(() => inSection(el, 'upcoming', `Walk ${family}`), 'the new appointment in the list');
    await expect(el).to.be.accessible();

    // Opened again, it is empty; Close puts focus back on the button.
    part(el, 'video-now-toggle')!.click();
    await el.updateComplete;
    expect(part(el, 'video-now-form')!.querySelector<HTMLInputElement>('#vn-email')!.value).to.equal('');
    expect(part(el, 'error-summary')).to.equal(null);
    [...part(el, 'video-now-form')!.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Close')!.click();
    await el.updateComplete;
    expect(part(el, 'video-now-form')).to.equal(null);
    expect(focused(el)).to.equal(part(el, 'video-now-toggle'));
  });

  it("shows the server's refusal of a video consultation in the form, announced, and keeps what was typed", async () => {
    const el = await desk();
    await live(el);
    part(el, 'video-now-toggle')!.click();
    await el.updateComplete;
    const form = part(el, 'video-now-form')!;
    const field = <T extends HTMLElement = HTMLInputElement>(name: string) => form.querySelector<T>(`#vn-${name}`)!;
    await until(() => field<HTMLSelectElement>('schedule').options[0]!.value.startsWith('Schedule/'), 'the diaries');
    // A diary gone since the list was loaded: the server refuses it.
    field<HTMLSelectElement>('schedule').append(new Option('Dr Gone', 'Schedule/987654'));
    field<HTMLSelectElement>('schedule').value = 'Schedule/987654';
    field('given').value = 'Walk';
    field('family').value = 'Refused';
    field('birthDate').value = '1970-05-06';
    field('email').value = 'refused@example.org';
    setTimeout(() => part(el, 'video-now-submit')!.click());
    const failed = await oneEvent(el, 'ck-desk-action-failed');
    expect(failed.detail.action).to.equal('video-now');
    await el.updateComplete;
    const summary = part(el, 'error-summary')!;
    expect(summary.getAttribute('role')).to.equal('alert');
    expect(summary.textContent).to.contain('Could not start the video consultation.');
    // What went wrong in words (the server's English diagnostics are not shown).
    expect(summary.textContent).to.contain('Some details were not accepted.');
    expect(focused(el)).to.equal(summary);
    expect(field('email').value).to.equal('refused@example.org');
    expect(part(el, 'error')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('offers no Reschedule or Cancel for a seen (fulfilled) appointment: only what the lifecycle allows', async () => {
    const el = await desk();
    await live(el);
    const staff = new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${staffKey}` }) });
    const { booking, name } = await book();
    await staff.confirm(booking.id);
    await until(() => inSection(el, 'upcoming', name), 'the confirmed appointment');
    expect(item(el, name)!.querySelector('[part~="cancel"]'), 'a confirmed one can be cancelled').not.to.equal(null);
    await staff.update(booking.id, (a) => ({ ...a, status: 'fulfilled' }));
    await until(() => item(el, name)?.querySelector('[part~="booking-status"]')?.textContent?.includes('Seen'), 'seen');
    const li = item(el, name)!;
    expect(li.querySelector('[part~="reschedule"]')).to.equal(null);
    expect(li.querySelector('[part~="cancel"]')).to.equal(null);
    expect(li.querySelector('[part~="no-show"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('keeps the heading order under a page heading (axe heading-order enabled)', async () => {
    const page = await fixture<HTMLDivElement>(
      html`<div>
        <h1>Reception</h1>
        <booking-desk fhir-base="/fhir" .staffKey=${staffKey}></booking-desk>
        <h2>Next</h2>
      </div>`,
    );
    const el = page.querySelector('booking-desk')!;
    await live(el);
    await book();
    await until(
      () => !!el.shadowRoot!.querySelector('[part~="practitioner-name"]') || !!part(el, 'booking'),
      'a booking',
    );
    await el.updateComplete;
    // axe runs heading-order by default (a best-practice rule): h1 → h3 inside the desk fails it.
    await expect(page).to.be.accessible();
  });
});

import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import { BookingClient, StaffClient, type BookableSlot, type FhirError } from '@consultkit/core/booking';
import './define.js';
import type { SlotPicker } from './slot-picker.js';
import { until } from '../../../../test-support/browser.js';

// The run's real ConsultKit server, on the page's origin at /fhir (as a practice website has it).
// Its practice is open round the clock (seedAroundTheClockPractice, seeded by
// web-test-runner.config.mjs; not the demo practice, which keeps real hours): Dr Tom Evans
// (Practitioner/2) and the others have free times today and tomorrow whatever the hour.

const part = (el: SlotPicker, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: SlotPicker, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const focused = (el: SlotPicker) => el.shadowRoot!.activeElement as HTMLElement | null;
const times = (el: SlotPicker) => parts(el, 'time') as HTMLButtonElement[];
/** A day button's full name, as a screen reader says it (the short text shown is hidden from it). */
const dayName = (day: HTMLElement) => day.querySelector('.visually-hidden')!.textContent!.trim();

async function loaded(el: SlotPicker): Promise<void> {
  await until(() => part(el, 'status')?.textContent?.includes('Free times are listed') ?? false, 'free times');
  await el.updateComplete;
}

function picker(practitioner = 'Practitioner/2', days = 2): Promise<SlotPicker> {
  return fixture<SlotPicker>(
    html`<slot-picker fhir-base="/fhir" practitioner=${practitioner} days=${days}></slot-picker>`,
  );
}

/** Dr Evans's free times in the next three days, as another patient's search finds them. */
async function offeredToOthers(): Promise<BookableSlot[]> {
  const now = Date.now();
  return new BookingClient({ baseUrl: '/fhir' }).searchSlots({
    start: new Date(now),
    end: new Date(now + 3 * 86_400_000),
    practitioner: '2',
  });
}

async function staff(): Promise<StaffClient> {
  const { key } = (await executeServerCommand('ck-staff-key')) as { key: string };
  return new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${key}` }) });
}

/** Fills the details form as a patient would (typing into the text fields). */
async function fill(el: SlotPicker, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const input = el.shadowRoot!.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
    if (input.type === 'date') {
      input.value = value;
    } else {
      input.focus();
      await sendKeys({ type: value });
    }
  }
}

const ADA = { given: 'Ada', family: 'Lovelace', email: 'ada@example.org', phone: '07700 900123' };

describe('<slot-picker>', () => {
  it('says it is loading, in a live region, and is accessible while loading', async () => {
    const el = await picker();
    const status = part(el, 'status')!;
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.textContent).to.contain('Looking for free times');
    // The zone by the name people use, never an IANA id.
    expect(part(el, 'time-zone')!.textContent!.trim()).to.equal('Times are in UK time.');
    await expect(el).to.be.accessible();
  });

  it('names another practice zone by its generic name, not its IANA id', async () => {
    const el = await fixture<SlotPicker>(
      html`<slot-picker
        fhir-base="/fhir"
        practitioner="Practitioner/2"
        days="2"
        time-zone="Europe/Paris"
      ></slot-picker>`,
    );
    const line = part(el, 'time-zone')!.textContent!.trim();
    expect(line).to.equal('Times are in Central European Time.');
    expect(line).not.to.contain('/');
  });

  it('lists the chosen day’s times by morning, afternoon and evening, each named with its date, time and clinician', async () => {
    const el = await picker();
    await loaded(el);
    // Tomorrow: the round-the-clock practice has times all day whatever the hour now.
    parts(el, 'day-choice')[1]!.click();
    await el.updateComplete;
    const headings = parts(el, 'day-heading').map((h) => h.textContent!.trim());
    // Only the chosen day's times.
    expect(headings).to.have.length(1);
    expect(parts(el, 'day-choice')[1]!.getAttribute('aria-pressed')).to.equal('true');
    expect(headings[0]).to.match(/^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} \w+ \d{4}$/);
    expect(parts(el, 'part-heading').map((h) => h.textContent!.trim())).to.deep.equal([
      'Morning',
      'Afternoon',
      'Evening',
    ]);
    const first = times(el)[0]!;
    const time = first.textContent!.trim().split(/\s+/)[0]!;
    expect(time).to.match(/^\d{1,2}:\d\d[ap]m$/);
    expect(part(el, 'time-practitioner')!.textContent).to.equal('Dr Tom Evans');
    expect(first.getAttribute('aria-label')).to.equal(`${headings[0]}, ${time}, Dr Tom Evans`);
    expect(part(el, 'status')!.textContent).to.contain('Free times are listed below');
    // One tab stop for all the day's times.
    expect(times(el).filter((b) => b.tabIndex === 0)).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('shows six times per part of the day, and Show more the rest, focus on the first time it shows', async () => {
    const el = await picker();
    await loaded(el);
    parts(el, 'day-choice')[1]!.click();
    await el.updateComplete;
    const groups = parts(el, 'part-of-day');
    const morning = () => [...groups[0]!.querySelectorAll<HTMLButtonElement>('[part~="time"]')];
    // Dr Evans has a time every 10 minutes: 72 in the morning, less any that test files running
    // beside this one have booked or hold meanwhile (they share the server): read from the button.
    expect(groups.map((g) => g.querySelectorAll('[part~="time"]').length)).to.deep.equal([6, 6, 6]);
    const more = groups[0]!.querySelector<HTMLButtonElement>('[part~="show-more"]')!;
    const hidden = Number(/^Show (\d+) more times$/.exec(more.textContent!.trim())?.[1]);
    expect(hidden).to.be.within(50, 66);
    // Described by its part's heading: "Show N more times, Morning".
    expect(el.shadowRoot!.getElementById(more.getAttribute('aria-describedby')!)!.textContent).to.equal('Morning');
    await expect(el).to.be.accessible();

    more.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(morning()).to.have.length(6 + hidden);
    expect(focused(el)).to.equal(morning()[6]);
    expect(groups[0]!.querySelector('[part~="show-more"]')).to.equal(null);
    // Still one Tab stop, on the time focused; arrows go on across parts of the day.
    expect(times(el).filter((b) => b.tabIndex === 0)).to.deep.equal([morning()[6]]);
    await sendKeys({ press: 'End' });
    expect(focused(el)).to.equal(times(el).at(-1));
    await expect(el).to.be.accessible();
  });

  it('offers the first available time up front, in a whole sentence; its button chooses it from the keyboard', async () => {
    const el = await picker();
    await loaded(el);
    const earliest = times(el)[0]!;
    const [day, time, who] = earliest.getAttribute('aria-label')!.split(', ');
    const offer = part(el, 'first-available')!;
    expect(offer.querySelector('p')!.textContent!.trim()).to.equal(`First available: ${day} at ${time} with ${who}.`);
    expect(who).to.equal('Dr Tom Evans');
    const choose = part(el, 'choose-first') as HTMLButtonElement;
    expect(choose.textContent!.trim()).to.equal('Choose this time');
    // Its description is the sentence, so a screen reader says which time it chooses.
    expect(el.shadowRoot!.getElementById(choose.getAttribute('aria-describedby')!)).to.equal(offer.querySelector('p'));
    await expect(el).to.be.accessible();

    choose.focus();
    setTimeout(() => void sendKeys({ press: 'Enter' }));
    const selected = await oneEvent(el, 'ck-slot-selected');
    expect(selected.detail.slot.id).to.equal(earliest.dataset['id']);
    await el.updateComplete;
    expect(focused(el)).to.equal(part(el, 'form-heading'));
    expect(part(el, 'chosen')!.textContent).to.equal(earliest.getAttribute('aria-label'));
    await expect(el).to.be.accessible();
  });

  it('loads the details form when a time is first chosen: the times stay meanwhile; offline, the alert says so and the next choice tries again', async () => {
    const Picker = customElements.get('slot-picker') as typeof SlotPicker;
    const importForm = Picker._importForm;
    // The form's module, imported when the test says: first failing as offline does, then for real.
    let answer!: (module: Awaited<ReturnType<typeof importForm>> | Error) => void;
    let asked = 0;
    Picker._importForm = () => {
      asked++;
      return new Promise((resolve, reject) => {
        answer = (module) => (module instanceof Error ? reject(module) : resolve(module));
      });
    };
    try {
      const el = await picker();
      await loaded(el);
      const chosen = times(el)[1]!;
      chosen.click();
      // While it loads: the times as they were, the form not yet there, nothing announced.
      await until(() => asked === 1, 'the import asked for');
      expect(part(el, 'form')).to.equal(null);
      expect(times(el)[1]).to.equal(chosen);
      expect(part(el, 'error')).to.equal(null);
      await expect(el).to.be.accessible();

      answer(new TypeError('Failed to fetch dynamically imported module'));
      await el.updateComplete;
      const error = part(el, 'error')!;
      expect(error.closest('[role="alert"]')).not.to.equal(null);
      expect(error.textContent).to.contain('Sorry, we could not book that time.');
      expect(error.textContent).to.contain("We could not reach the practice's service.");
      expect(focused(el)).to.equal(error);
      expect(part(el, 'form')).to.equal(null);
      expect(times(el).length).to.be.above(1);
      await expect(el).to.be.accessible();

      // Choosing again imports again; the form opens on the time chosen, the error gone.
      times(el)[1]!.click();
      await until(() => asked === 2, 'the import asked for again');
      answer(await importForm());
      await el.updateComplete;
      expect(focused(el)).to.equal(part(el, 'form-heading'));
      expect(part(el, 'chosen')!.textContent).to.equal(chosen.getAttribute('aria-label'));
      expect(part(el, 'error')).to.equal(null);
      await expect(el).to.be.accessible();
    } finally {
      Picker._importForm = importForm;
    }
  });

  it('offers no first available time when there are none', async () => {
    const el = await picker('Practitioner/999999', 3);
    await until(() => part(el, 'status')!.textContent!.includes('no free times'), 'the empty state');
    expect(part(el, 'first-available')).to.equal(null);
  });

  it('says plainly when there are no free times, and is accessible empty', async () => {
    const el = await picker('Practitioner/999999', 3);
    await until(() => part(el, 'status')!.textContent!.includes('no free times'), 'the empty state');
    expect(times(el)).to.have.length(0);
    expect(part(el, 'status')!.textContent).to.contain('There are no free times in the coming days');
    await expect(el).to.be.accessible();
  });

  it('shows and announces a load failure with a Retry button, and is accessible then', async () => {
    const { url } = (await executeServerCommand('ck-closed-port')) as { url: string };
    const el = await fixture<SlotPicker>(html`<slot-picker fhir-base="${url}/fhir"></slot-picker>`);
    await until(() => part(el, 'error') !== null, 'the error');
    expect(part(el, 'error')!.closest('[role="alert"]')).not.to.equal(null);
    expect(part(el, 'error')!.textContent).to.contain('Sorry, we could not load the times');
    await expect(el).to.be.accessible();

    // Retry loads again (and fails again: the port is still closed).
    part(el, 'retry')!.click();
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain('Looking for free times');
    await until(() => part(el, 'error') !== null, 'the error again');
  });

  it('chooses a day from a strip: full names, the first day with times chosen, arrow keys, and accessible', async () => {
    const el = await picker('Practitioner/2', 3);
    await loaded(el);
    const days = () => parts(el, 'day-choice') as HTMLButtonElement[];
    const pressed = () => days().filter((d) => d.getAttribute('aria-pressed') === 'true');
    expect(days()).to.have.length(3);
    // Each day named in full with its number of times; the short text is what is seen.
    const label = dayName(days()[0]!);
    // The times shown, and those behind each Show more.
    const count =
      times(el).length + parts(el, 'show-more').reduce((n, b) => n + Number(/\d+/.exec(b.textContent!)![0]), 0);
    expect(label).to.equal(`${part(el, 'day-heading')!.textContent!.trim()}, ${count} time${count > 1 ? 's' : ''}`);
    expect(days()[0]!.querySelector('[aria-hidden]')!.textContent!.trim()).to.match(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2}$/,
    );
    // The round-the-clock practice has times every day: the first day is chosen, one Tab stop.
    expect(pressed()).to.deep.equal([days()[0]]);
    expect(days().filter((d) => d.tabIndex === 0)).to.deep.equal([days()[0]]);
    expect(part(el, 'week-previous')!.hasAttribute('disabled')).to.equal(true);
    await expect(el).to.be.accessible();

    // Arrow keys move to the next day and choose it; its times are shown.
    days()[0]!.focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(focused(el)).to.equal(days()[1]);
    expect(pressed()).to.deep.equal([days()[1]]);
    expect(days()[1]!.tabIndex).to.equal(0);
    expect(dayName(days()[1]!)).to.contain(part(el, 'day-heading')!.textContent!.trim());
    expect(times(el)[0]!.getAttribute('aria-label')).to.contain(part(el, 'day-heading')!.textContent!.trim());
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(pressed()).to.deep.equal([days()[2]]);
    await sendKeys({ press: 'ArrowRight' });
    expect(focused(el)).to.equal(days()[2]);
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(pressed()).to.deep.equal([days()[0]]);
    // On a wide screen, Enter chooses the day and focus stays on it.
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(focused(el)).to.equal(days()[0]);
    await expect(el).to.be.accessible();
  });

  it('on a phone, choosing a day moves focus to its times', async () => {
    await setViewport({ width: 390, height: 844 });
    try {
      const el = await picker('Practitioner/2', 3);
      await loaded(el);
      parts(el, 'day-choice')[1]!.focus();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(focused(el)).to.equal(times(el)[0]);
      expect(focused(el)!.getAttribute('aria-label')).to.contain(part(el, 'day-heading')!.textContent!.trim());
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('shows the next and previous weeks, days without times marked and disabled', async () => {
    const el = await picker('Practitioner/2', 2);
    await loaded(el);
    const first = parts(el, 'day-choice').map((d) => d.dataset['date']);
    part(el, 'week-next')!.click();
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain('Looking for free times');
    await loaded(el);
    const next = parts(el, 'day-choice');
    expect(next).to.have.length(2);
    expect(next[0]!.dataset['date']! > first[1]!).to.equal(true);
    expect(next[0]!.getAttribute('aria-pressed')).to.equal('true');
    expect(part(el, 'first-available')).to.equal(null);
    await expect(el).to.be.accessible();

    const previous = part(el, 'week-previous') as HTMLButtonElement;
    previous.focus();
    await sendKeys({ press: 'Enter' });
    await loaded(el);
    expect(parts(el, 'day-choice').map((d) => d.dataset['date'])).to.deep.equal(first);
    // Previous is disabled again: focus is on Next week, not lost.
    expect(previous.disabled).to.equal(true);
    expect(focused(el)).to.equal(part(el, 'week-next'));

    // A clinician without times: every day marked "no times" and disabled, none chosen.
    const empty = await picker('Practitioner/999999', 2);
    await until(() => part(empty, 'status')!.textContent!.includes('no free times'), 'the empty state');
    const days = parts(empty, 'day-choice') as HTMLButtonElement[];
    expect(days.map((d) => d.disabled)).to.deep.equal([true, true]);
    expect(dayName(days[0]!)).to.match(/, no times$/);
    expect(days.filter((d) => d.getAttribute('aria-pressed') === 'true')).to.have.length(0);
    await expect(empty).to.be.accessible();
  });

  it('narrows the times with filters (clinician, type, how to consult) from the keyboard, accessible', async () => {
    const el = await picker('', 2);
    await loaded(el);
    // Tomorrow: every clinician of the round-the-clock practice has times all day.
    parts(el, 'day-choice')[1]!.click();
    await el.updateComplete;
    const select = (key: string) => el.shadowRoot!.querySelector<HTMLSelectElement>(`#filter-${key}`)!;
    const who = () => new Set(parts(el, 'time-practitioner').map((p) => p.textContent!.trim()));
    expect(select('practitioner').labels[0]!.textContent).to.equal('Clinician');
    expect(select('serviceType').labels[0]!.textContent).to.equal('Type of appointment');
    expect(select('channel').labels[0]!.textContent).to.equal('How to consult');
    const clinicians = [...select('practitioner').options].map((o) => o.text);
    expect(clinicians[0]).to.equal('Any clinician');
    expect(clinicians).to.include.members(['Dr Tom Evans', 'Nurse Priya Shah', 'Dr Leo Novak']);
    expect([...select('serviceType').options].map((o) => o.text)).to.include.members([
      'Any type',
      'GP appointment',
      'Nurse appointment',
    ]);
    expect(who().size).to.be.greaterThan(1);
    await expect(el).to.be.accessible();

    // Type of appointment: a nurse. Typing on a focused select chooses the option that starts so.
    select('serviceType').focus();
    await sendKeys({ type: 'Nurse' });
    await el.updateComplete;
    expect(select('serviceType').value).to.equal('nurse');
    expect([...who()]).to.deep.equal(['Nurse Priya Shah']);
    expect(part(el, 'first-available')!.textContent).to.contain('with Nurse Priya Shah.');
    await expect(el).to.be.accessible();

    // Back to any type; in person only: the video-only clinic is gone.
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(select('serviceType').value).to.equal('');
    select('channel').focus();
    await sendKeys({ type: 'In person' });
    await el.updateComplete;
    expect(select('channel').value).to.equal('In-person');
    expect(who().has('Dr Leo Novak')).to.equal(false);
    expect(who().size).to.be.greaterThan(0);

    // One clinician.
    select('practitioner').focus();
    await sendKeys({ type: 'Dr Tom' });
    await el.updateComplete;
    expect([...who()]).to.deep.equal(['Dr Tom Evans']);
    expect(parts(el, 'time').every((t) => t.getAttribute('aria-label')!.endsWith(', Dr Tom Evans'))).to.equal(true);
    await expect(el).to.be.accessible();

    // Nothing matches a nurse appointment with Dr Evans: said plainly, and the filters stay to change.
    select('serviceType').focus();
    await sendKeys({ type: 'Nurse' });
    await el.updateComplete;
    expect(times(el)).to.have.length(0);
    expect(part(el, 'first-available')).to.equal(null);
    expect(part(el, 'status')!.textContent).to.contain(
      'No free times match your choices. Choose another clinician, type or way to consult.',
    );
    expect(parts(el, 'day-choice').every((d) => (d as HTMLButtonElement).disabled)).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('moves focus among the chosen day’s times with the keyboard: arrows, Home/End; Enter chooses', async () => {
    const el = await picker('Practitioner/2', 3);
    await loaded(el);
    parts(el, 'day-choice')[1]!.click();
    await el.updateComplete;
    const all = times(el);
    expect(all.length, 'several times on the first day').to.be.greaterThan(2);

    all[0]!.focus();
    await sendKeys({ press: 'ArrowRight' });
    expect(focused(el)).to.equal(all[1]);
    await sendKeys({ press: 'ArrowDown' });
    expect(focused(el)).to.equal(all[2]);
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'ArrowUp' });
    expect(focused(el)).to.equal(all[0]);
    await el.updateComplete;
    expect(all[0]!.tabIndex).to.equal(0);

    await sendKeys({ press: 'End' });
    expect(focused(el)).to.equal(all.at(-1));
    await el.updateComplete;
    expect(times(el).filter((b) => b.tabIndex === 0)).to.deep.equal([focused(el)]);
    // The last time: ArrowRight stays.
    await sendKeys({ press: 'ArrowRight' });
    expect(focused(el)).to.equal(all.at(-1));
    await sendKeys({ press: 'Home' });
    expect(focused(el)).to.equal(all[0]);

    const chosen = all[1]!;
    chosen.focus();
    setTimeout(() => void sendKeys({ press: 'Enter' }));
    const selected = await oneEvent(el, 'ck-slot-selected');
    expect(selected.bubbles && selected.composed).to.equal(true);
    expect(selected.detail.slot.id).to.equal(chosen.dataset['id']);
    await el.updateComplete;
    expect(focused(el)).to.equal(part(el, 'form-heading'));
    expect(part(el, 'chosen')!.textContent).to.equal(chosen.getAttribute('aria-label'));
  });

  it('offers only the channels of the slot’s schedule, and Back returns to the chosen time', async () => {
    // The round-the-clock nurse has times whatever the hour: no early return if none are found.
    const el = await picker('Practitioner/3', 3);
    await loaded(el);
    const chosen = times(el)[0]!;
    chosen.click();
    await el.updateComplete;
    const radios = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((r) => r.value)).to.deep.equal(['In-person', 'Telephone']);
    expect(radios.map((r) => r.labels?.[0]?.textContent)).to.deep.equal(['In person at the practice', 'Phone call']);
    await expect(el).to.be.accessible();

    part(el, 'back')!.click();
    await el.updateComplete;
    expect(focused(el)?.dataset['id']).to.equal(chosen.dataset['id']);
    expect(focused(el)?.tabIndex).to.equal(0);
  });

  it('validates inline: error summary focused, fields marked aria-invalid and described by their error', async () => {
    const el = await picker();
    await loaded(el);
    times(el)[0]!.click();
    await el.updateComplete;
    await fill(el, { email: 'not-an-email', phone: '123', birthDate: '2999-01-01' });
    part(el, 'submit')!.click();
    await el.updateComplete;

    const summary = part(el, 'error-summary')!;
    expect(focused(el)).to.equal(summary);
    const links = [...summary.querySelectorAll('a')].map((a) => a.textContent!.trim());
    expect(links).to.deep.equal([
      'Enter your first name',
      'Enter your last name',
      'Date of birth must be in the past',
      'Enter an email address like name@example.com',
      'Enter a phone number, like 07700 900 982',
      'Choose how you would like to consult',
    ]);
    const email = el.shadowRoot!.querySelector<HTMLInputElement>('#email')!;
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    const describedBy = email.getAttribute('aria-describedby')!;
    expect(el.shadowRoot!.getElementById(describedBy)!.textContent).to.contain('Enter an email address like');
    const channels = part(el, 'channels')!;
    expect(el.shadowRoot!.getElementById(channels.getAttribute('aria-describedby')!)!.textContent).to.contain(
      'Choose how you would like to consult',
    );
    await expect(el).to.be.accessible();

    // A summary link takes the patient to the field.
    summary.querySelectorAll('a')[3]!.click();
    expect(focused(el)).to.equal(email);

    // Fixing the fields clears their errors on the next submit; what was typed stays.
    email.value = '';
    await fill(el, { email: 'ada@example.org' });
    part(el, 'submit')!.click();
    await el.updateComplete;
    expect(email.getAttribute('aria-invalid')).to.equal('false');
    expect([...part(el, 'error-summary')!.querySelectorAll('a')].map((a) => a.textContent!.trim())).not.to.include(
      'Enter an email address like name@example.com',
    );
    expect(el.shadowRoot!.querySelector<HTMLInputElement>('#phone')!.value).to.equal('123');
  });

  it('refuses names with bidirectional controls, which make a name show as another, with a clear error', async () => {
    const el = await picker();
    await loaded(el);
    times(el)[0]!.click();
    await el.updateComplete;
    await fill(el, { email: 'ada@example.org', phone: '07700 900123', birthDate: '1985-12-10' });
    const given = el.shadowRoot!.querySelector<HTMLInputElement>('#given')!;
    const family = el.shadowRoot!.querySelector<HTMLInputElement>('#family')!;
    given.value = '\u202Ekcalb\u202C'; // shows as "black"
    family.value = 'Love\u2067lace';
    part(el, 'submit')!.click();
    await el.updateComplete;
    const links = [...part(el, 'error-summary')!.querySelectorAll('a')].map((a) => a.textContent!.trim());
    expect(links.slice(0, 2)).to.deep.equal([
      'Enter your first name without hidden text-direction characters',
      'Enter your last name without hidden text-direction characters',
    ]);
    expect(given.getAttribute('aria-invalid')).to.equal('true');
    // A right-to-left name is a name like any other.
    given.value = 'سارا';
    family.value = 'כהן';
    part(el, 'submit')!.click();
    await el.updateComplete;
    expect(given.getAttribute('aria-invalid')).to.equal('false');
    expect(family.getAttribute('aria-invalid')).to.equal('false');
  });

  it('books: confirmation with the reference, focus on its heading, ck-booked with the booking', async () => {
    const el = await picker();
    await loaded(el);
    const chosen = times(el)[0]!;
    const slotId = chosen.dataset['id'];
    chosen.click();
    await el.updateComplete;
    await fill(el, { ...ADA, birthDate: '1985-12-10' });
    el.shadowRoot!.querySelector<HTMLInputElement>('input[value="Video"]')!.click();
    setTimeout(() => part(el, 'submit')!.click());
    const booked = await oneEvent(el, 'ck-booked');
    const { booking } = booked.detail;
    expect(booked.bubbles && booked.composed).to.equal(true);
    expect(booking.status).to.equal('pending');
    expect(booking.slot).to.equal(`Slot/${slotId}`);
    await el.updateComplete;
    expect(part(el, 'reference')!.textContent).to.equal(booking.reference);
    expect(focused(el)).to.equal(part(el, 'confirmation-heading'));
    await expect(el).to.be.accessible();

    // The practice sees the request, with what the patient typed.
    const [request] = (await (await staff()).listAppointments({ status: 'pending', from: booking.start })).filter(
      (b) => b.id === booking.id,
    );
    expect(request?.patientResource?.name?.[0]).to.deep.include({ family: 'Lovelace', given: ['Ada'] });
    expect(request?.patientResource?.birthDate).to.equal('1985-12-10');
    expect(request?.deliveryChannel).to.equal('Video');
  });

  it('books from another origin too (a practice website on its own site)', async () => {
    const { url } = (await executeServerCommand('ck-server')) as { url: string };
    expect(new URL(url).origin).not.to.equal(location.origin);
    const el = await fixture<SlotPicker>(
      html`<slot-picker fhir-base="${url}/fhir" practitioner="Practitioner/4" days="2"></slot-picker>`,
    );
    await loaded(el);
    // The out-of-hours clinic offers video only.
    times(el).at(-1)!.click();
    await el.updateComplete;
    const radios = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((r) => r.value)).to.deep.equal(['Video']);
    await fill(el, { ...ADA, birthDate: '1985-12-10' });
    radios[0]!.click();
    setTimeout(() => part(el, 'submit')!.click());
    const booked = await oneEvent(el, 'ck-booked');
    expect(booked.detail.booking.reference).to.match(/^CK-/);
  });

  it('holds the chosen time while the form is filled: no one else is offered it; Back lets it go', async () => {
    const el = await picker();
    await loaded(el);
    const chosen = times(el)[0]!;
    const slotId = chosen.dataset['id']!;
    const offered = async () => (await offeredToOthers()).map((s) => s.id);
    expect(await offered()).to.include(slotId);
    chosen.click();
    await until(() => part(el, 'held') !== null, 'the hold');
    expect(part(el, 'held')!.textContent).to.match(/We are keeping this time for you until \d{1,2}:\d\d[ap]m\./);
    await expect(el).to.be.accessible();
    // Another patient's picker: the held time is not offered, the others are.
    const now = await offered();
    expect(now).not.to.include(slotId);
    expect(now.length).to.be.greaterThan(0);
    part(el, 'back')!.click();
    await until(async () => (await offered()).includes(slotId), 'offered again after Back');
  });

  it('a time someone else is holding is said to be taken when chosen, and the times are refreshed', async () => {
    const el = await picker();
    await loaded(el);
    const chosen = times(el)[1]!;
    const slotId = chosen.dataset['id']!;
    // Another patient chose it a moment ago, after this picker listed it.
    const other = new BookingClient({ baseUrl: '/fhir' });
    const hold = await other.hold({ id: slotId });
    try {
      chosen.click();
      await until(
        () => part(el, 'error')?.textContent?.includes('someone has just booked that time') ?? false,
        'taken',
      );
      expect(focused(el)).to.equal(part(el, 'error'));
      await loaded(el);
      expect(times(el).map((b) => b.dataset['id'])).not.to.include(slotId);
      await expect(el).to.be.accessible();
    } finally {
      await other.release(hold);
    }
  });

  it('when the time was taken meanwhile (409): says so plainly, and refreshes the times without it', async () => {
    // A FHIR server without holds (the picker's path to other servers): the time is not held, so
    // someone else can book it while this patient fills the form.
    class WithoutHolds extends BookingClient {
      override hold(): never {
        throw new Error('no holds here');
      }
    }
    const el = await fixture<SlotPicker>(
      html`<slot-picker
        practitioner="Practitioner/2"
        days="2"
        .client=${new WithoutHolds({ baseUrl: '/fhir' })}
      ></slot-picker>`,
    );
    await loaded(el);
    const chosen = times(el)[0]!;
    const slotId = chosen.dataset['id']!;
    chosen.click();
    await el.updateComplete;
    await fill(el, { ...ADA, birthDate: '1990-01-31' });
    el.shadowRoot!.querySelector<HTMLInputElement>('input[value="Telephone"]')!.click();

    // Someone else books the same time first.
    const other = new BookingClient({ baseUrl: '/fhir' });
    const slot = (await offeredToOthers()).find((s) => s.id === slotId)!;
    await other.book({ slot, patient: { ...ADA, given: 'Grace', birthDate: '1970-01-01' }, deliveryChannel: 'Video' });

    setTimeout(() => part(el, 'submit')!.click());
    const failed = await oneEvent(el, 'ck-booking-failed');
    expect((failed.detail.error as FhirError).status).to.equal(409);
    expect(failed.detail.slot.id).to.equal(slotId);
    await el.updateComplete;
    const error = part(el, 'error')!;
    expect(error.textContent).to.contain('Sorry, someone has just booked that time. Please choose another.');
    expect(error.closest('[role="alert"]')).not.to.equal(null);
    expect(focused(el)).to.equal(error);
    await loaded(el);
    expect(times(el).length).to.be.greaterThan(0);
    expect(times(el).map((b) => b.dataset['id'])).not.to.include(slotId);
    await expect(el).to.be.accessible();
  });

  describe('history="url"', () => {
    const start = location.href;
    const realPush = window.history.pushState;
    afterEach(() => {
      window.history.pushState = realPush;
      window.history.replaceState(null, '', start);
    });
    const param = (name: string) => new URLSearchParams(location.search).get(`ck-${name}`);
    const popped = () => new Promise((resolve) => addEventListener('popstate', resolve, { once: true }));
    const formShown = (el: SlotPicker) => part(el, 'form')?.hidden === false;

    it('keeps the day, filter and time in the address: Back and Forward step through them, a reload restores them', async () => {
      const make = () =>
        fixture<SlotPicker>(html`<slot-picker fhir-base="/fhir" days="2" history="url"></slot-picker>`);
      let el = await make();
      await loaded(el);
      // The first day with times, written in place (no new entry for what the patient did not choose).
      expect(param('day')).to.match(/^\d{4}-\d\d-\d\d$/);
      // Entries pushed, counted by a spy: `history.length` stops at 50 in Chromium, which a long
      // test run reaches.
      let pushed = 0;
      const push = window.history.pushState.bind(window.history);
      window.history.pushState = (...args: Parameters<History['pushState']>) => {
        pushed++;
        push(...args);
      };

      // A clinician from the filter, the second day, then a time: three entries.
      const clinician = el.shadowRoot!.querySelector<HTMLSelectElement>('#filter-practitioner')!;
      clinician.value = 'Practitioner/2';
      clinician.dispatchEvent(new Event('change'));
      await el.updateComplete;
      expect(param('practitioner')).to.equal('Practitioner/2');
      const tomorrow = parts(el, 'day-choice')[1]!;
      tomorrow.click();
      await el.updateComplete;
      const day = param('day')!;
      expect(tomorrow.getAttribute('aria-pressed')).to.equal('true');
      const time = times(el)[2]!;
      const slotId = time.dataset['id']!;
      const label = time.getAttribute('aria-label');
      time.click();
      await el.updateComplete;
      expect(param('time')).to.equal(slotId);
      expect(pushed).to.equal(3);
      window.history.pushState = push;

      // Back: the times of that day again (the form gone), the day and clinician kept.
      let pop = popped();
      window.history.back();
      await pop;
      await el.updateComplete;
      expect(param('time')).to.equal(null);
      expect(formShown(el)).to.equal(false);
      expect(parts(el, 'day-choice')[1]!.getAttribute('aria-pressed')).to.equal('true');
      // Back again: the first day; the clinician is still chosen.
      pop = popped();
      window.history.back();
      await pop;
      await el.updateComplete;
      expect(param('day')).not.to.equal(day);
      expect(parts(el, 'day-choice')[0]!.getAttribute('aria-pressed')).to.equal('true');
      expect(clinician.value).to.equal('Practitioner/2');
      // Forward twice: the time is chosen again.
      pop = popped();
      window.history.forward();
      await pop;
      pop = popped();
      window.history.forward();
      await pop;
      await until(() => formShown(el), 'the form again');
      expect(part(el, 'chosen')!.textContent).to.equal(label);
      expect(param('time')).to.equal(slotId);

      // A reload (the element made again from the same address): day, clinician and time restored.
      // A page that goes lets its hold go with a keepalive request sent before the next page asks
      // for times; made again in this page, the picker must wait for that too, or the time it
      // wants is still held (by the picker just removed) and not offered.
      await until(() => part(el, 'held') !== null, 'the hold');
      el.remove();
      await until(async () => (await offeredToOthers()).some((s) => s.id === slotId), 'the time let go', 30_000);
      el = await make();
      await until(() => formShown(el), 'the restored form', 30_000);
      expect(part(el, 'chosen')!.textContent).to.equal(label);
      expect(param('day')).to.equal(day);
      expect(param('time')).to.equal(slotId);
      await expect(el).to.be.accessible();
      part(el, 'back')!.click();
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector<HTMLSelectElement>('#filter-practitioner')!.value).to.equal('Practitioner/2');
      expect(parts(el, 'day-choice')[1]!.getAttribute('aria-pressed')).to.equal('true');
      expect(times(el).every((b) => b.textContent!.includes('Tom Evans'))).to.equal(true);
    });

    it('leaves the address alone without the attribute, and shrugs off odd values in it', async () => {
      window.history.replaceState(
        null,
        '',
        `${start}&ck-week=-9&ck-day=nonsense&ck-channel=Carrier%20pigeon&ck-time=999999999`,
      );
      const odd = location.href;
      const el = await fixture<SlotPicker>(html`<slot-picker fhir-base="/fhir" days="2"></slot-picker>`);
      await loaded(el);
      parts(el, 'day-choice')[1]!.click();
      await el.updateComplete;
      expect(location.href).to.equal(odd);
      el.remove();

      const url = await fixture<SlotPicker>(html`<slot-picker fhir-base="/fhir" days="2" history="url"></slot-picker>`);
      await loaded(url);
      expect(parts(url, 'day-choice')[0]!.getAttribute('aria-pressed')).to.equal('true');
      expect(formShown(url)).to.equal(false);
      expect(param('week')).to.equal(null);
      expect(param('channel')).to.equal(null);
      expect(times(url).length).to.be.greaterThan(0);
    });
  });
});

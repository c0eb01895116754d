import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './consult-room/define.js';
import './slot-picker/define.js';
import type { ConsultRoom } from './consult-room/consult-room.js';
import type { SlotPicker } from './slot-picker/slot-picker.js';
import { failureText, minutes } from './internal/words.js';
import { showMoreTimes } from './slot-picker/words.js';
import { getLocale, LOCALES, targetLocales, useLocale } from './localization.js';
import { until } from '../../../test-support/browser.js';

/** The XLIFF of `locale`: id → whether it has a `<target>` (a translation). */
async function xliff(locale: string): Promise<Map<string, boolean>> {
  const text = await (await fetch(`/packages/elements/xliff/${locale}.xlf`)).text();
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  return new Map([...doc.querySelectorAll('trans-unit')].map((unit) => [unit.id, !!unit.querySelector('target')]));
}

const status = (room: ConsultRoom) => room.shadowRoot!.querySelector('[part~="status"]')!.textContent!.trim();

describe('languages', () => {
  afterEach(async () => {
    await useLocale('en-GB');
  });

  it('offers ten locales: British English and nine translations', () => {
    expect(LOCALES).to.have.members(['en-GB', 'cy', 'ar', 'bn', 'bg', 'it', 'pl', 'pa', 'ro', 'ur']);
  });

  it('every locale translates every message of the source: a message without a translation fails here', async () => {
    // The ids come from the XLIFF files that `lit-localize extract` writes from the elements'
    // `msg()` calls, so a message added (and extracted) without translations fails this test.
    const units = new Map<string, Map<string, boolean>>();
    for (const locale of targetLocales) units.set(locale, await xliff(locale));
    const source = new Set([...units.values()].flatMap((unit) => [...unit.keys()]));
    expect(source.size, 'messages of the source').to.be.greaterThan(300);
    const problems: string[] = [];
    for (const locale of targetLocales) {
      const unit = units.get(locale)!;
      const { templates } = (await import(`./locales/${locale}.js`)) as { templates: Record<string, unknown> };
      const notExtracted = [...source].filter((id) => !unit.has(id));
      const untranslated = [...source].filter((id) => unit.get(id) === false);
      const notBuilt = [...source].filter((id) => unit.get(id) && !(id in templates));
      if (notExtracted.length)
        problems.push(`${locale}: not in ${locale}.xlf (run localize:extract): ${notExtracted.join(', ')}`);
      if (untranslated.length) problems.push(`${locale}: no <target> in ${locale}.xlf: ${untranslated.join(', ')}`);
      if (notBuilt.length)
        problems.push(`${locale}: not in locales/${locale}.ts (run localize:build): ${notBuilt.join(', ')}`);
    }
    expect(problems.join('\n'), 'messages without a translation (see docs/translations.md)').to.equal('');
  });

  it('re-renders an element in the language of its ancestor when `lang` changes, without a reload', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="en-GB"><consult-room></consult-room></div>`);
    const room = wrapper.querySelector('consult-room')!;
    expect(status(room)).to.equal('Not connected yet.');
    wrapper.lang = 'pl';
    await until(() => status(room) === 'Jeszcze nie połączono.', 'Polish status');
    expect(room.shadowRoot!.querySelector('[part~="hang-up"]')!.textContent!.trim()).to.equal('Rozłącz się');
    wrapper.lang = 'cy-GB';
    await until(() => status(room) === 'Heb gysylltu eto.', 'Welsh status');
    wrapper.lang = 'en-GB';
    await until(() => status(room) === 'Not connected yet.', 'English again');
  });

  it('follows its own `locale` before the `lang` around it', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="en-GB"><consult-room></consult-room></div>`);
    const room = wrapper.querySelector('consult-room')!;
    room.locale = 'it';
    await until(() => status(room) === 'Non ancora connesso.', 'Italian status');
    expect(getLocale()).to.equal('it');
  });

  for (const [lang, text] of [
    ['ar', 'لم يتم الاتصال بعد.'],
    ['ur', 'ابھی رابطہ نہیں ہوا۔'],
  ] as const) {
    it(`in ${lang}: right to left, mirrored, and accessible`, async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div lang=${lang}><consult-room></consult-room></div>`);
      const room = wrapper.querySelector('consult-room')!;
      await until(() => status(room) === text, `${lang} status`);
      expect(room.getAttribute('dir')).to.equal('rtl');
      expect(getComputedStyle(room).direction).to.equal('rtl');
      // Logical properties: the controls start at the right.
      const controls = room.shadowRoot!.querySelector<HTMLElement>('[part~="controls"]')!;
      const first = controls.querySelector('button')!.getBoundingClientRect();
      const last = controls.querySelector('[part~="hang-up"]')!.getBoundingClientRect();
      expect(first.right).to.be.greaterThan(last.right);
      await expect(room).to.be.accessible();
      // Back to a left-to-right language: the direction set here is set back.
      wrapper.lang = 'pl';
      await until(() => status(room) === 'Jeszcze nie połączono.', 'Polish status');
      expect(getComputedStyle(room).direction).to.equal('ltr');
    });
  }

  it('<slot-picker> in Urdu: right to left, arrow keys in reading direction, accessible', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div lang="ur"><slot-picker fhir-base="/fhir" practitioner="Practitioner/2" days="3"></slot-picker></div>`,
    );
    const picker = wrapper.querySelector<SlotPicker>('slot-picker')!;
    const part = (name: string) => picker.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
    await until(() => part('status')?.textContent?.trim() === 'خالی اوقات نیچے دیے گئے ہیں۔', 'Urdu status');
    expect(getComputedStyle(picker).direction).to.equal('rtl');
    expect(part('week-next')!.textContent!.trim()).to.equal('اگلا ہفتہ');
    await expect(picker).to.be.accessible();
    // Left is forward in Urdu: the next enabled day.
    const days = [...picker.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="day-choice"]:enabled')];
    expect(days.length).to.be.greaterThan(1);
    days[0]!.focus();
    await sendKeys({ press: 'ArrowLeft' });
    expect(picker.shadowRoot!.activeElement).to.equal(days[1]);
    await sendKeys({ press: 'ArrowRight' });
    expect(picker.shadowRoot!.activeElement).to.equal(days[0]);
  });

  it('chooses plural forms by the language’s rules: Polish four, Welsh and Arabic six', async () => {
    await useLocale('pl');
    expect([1, 2, 5, 22, 25].map(showMoreTimes)).to.deep.equal([
      'Pokaż jeszcze 1 termin',
      'Pokaż jeszcze 2 terminy',
      'Pokaż jeszcze 5 terminów',
      'Pokaż jeszcze 22 terminy',
      'Pokaż jeszcze 25 terminów',
    ]);
    await useLocale('cy');
    // Welsh: one, two (soft mutation), few, many, other.
    expect([1, 2, 3, 6, 10].map(minutes)).to.deep.equal(['1 munud', '2 funud', '3 munud', '6 munud', '10 munud']);
    await useLocale('ar');
    // Arabic: few (3–10) takes the plural, many (11–99) the singular accusative, other (100+) the singular.
    expect([3, 10, 11, 100].map(minutes)).to.deep.equal(['3 دقائق', '10 دقائق', '11 دقيقة', '100 دقيقة']);
    expect(showMoreTimes(4)).to.equal('اعرض 4 مواعيد أخرى');
    expect(showMoreTimes(12)).to.equal('اعرض 12 موعدًا آخر');
  });

  it('says what went wrong from the error’s code in the chosen language, never its English message', async () => {
    await useLocale('pl');
    const error = Object.assign(new Error('token expired (developer text)'), { code: 'link-used' });
    expect(failureText(error)).to.equal(
      'Ten link został już użyty. Jeśli dołączyłeś na innym urządzeniu, kontynuuj tam. W przeciwnym razie poproś przychodnię o nowy link.',
    );
    expect(failureText({ code: 'fhir-error', status: 0 })).to.contain('Sprawdź połączenie z internetem');
    expect(failureText({ code: 'a-code-added-later' })).to.equal(
      'Coś poszło nie tak. Spróbuj ponownie. Jeśli problem się powtarza, skontaktuj się z przychodnią.',
    );
  });
});

// A host that configures `@lit/localize` itself (its own strings with `msg()`): one copy of the
// runtime (a peer dependency), configured once, by the host, before the elements load a language.
// This file runs in a page of its own (the runtime takes one configuration per page).
import { expect, fixture, html } from '@open-wc/testing';
import { configureLocalization, LOCALE_STATUS_EVENT, msg, str } from '@lit/localize';
import type { ConsultRoom } from './consult-room/consult-room.js';
import { until } from '../../../test-support/browser.js';

const status = (room: ConsultRoom) => room.shadowRoot!.querySelector('[part~="status"]')!.textContent!.trim();
/** The host's own string, with an id of its own. */
const greeting = (name: string) => msg(str`Good morning, ${name}.`, { id: 'host-greeting' });

describe('languages: a host that configures @lit/localize itself', () => {
  it('shows the host’s and the elements’ messages in the language the host’s setLocale chose', async () => {
    const host = configureLocalization({
      sourceLocale: 'en-GB',
      targetLocales: ['cy'],
      loadLocale: async (locale) => {
        // The elements' messages beside the host's own (the elements' localization module is
        // loaded after the host configured the runtime).
        const { loadElementsLocale } = await import('./localization.js');
        const elements = await loadElementsLocale(locale);
        const own = { 'host-greeting': str`Bore da, ${0}.` };
        return { templates: { ...elements.templates, ...own } };
      },
    });
    await import('./consult-room/define.js');
    const { getLocale, useLocale } = await import('./localization.js');
    const wrapper = await fixture<HTMLDivElement>(html`<div><consult-room></consult-room></div>`);
    const room = wrapper.querySelector('consult-room')!;
    expect(status(room)).to.equal('Not connected yet.');
    expect(greeting('Jane')).to.equal('Good morning, Jane.');

    await host.setLocale('cy');
    await until(() => status(room) === 'Heb gysylltu eto.', 'the room in Welsh');
    expect(greeting('Jane')).to.equal('Bore da, Jane.');
    expect(getLocale()).to.equal('cy');

    // The host's configuration stands: the elements do not switch it on their own.
    let refused: unknown;
    await useLocale('pl').catch((error: unknown) => (refused = error));
    expect(String(refused)).to.contain('setLocale');
    // A `lang` around the room asks for Polish; the runtime is the host's, so nothing loads. The
    // host's own switch back to English afterwards is the sentinel: a Polish load the room had
    // started would have announced itself before it.
    const asked: string[] = [];
    const record = (event: Event) => {
      const detail = (event as CustomEvent<{ status: string; loadingLocale?: string }>).detail;
      if (detail.status === 'loading') asked.push(detail.loadingLocale!);
    };
    addEventListener(LOCALE_STATUS_EVENT, record);
    wrapper.lang = 'pl';
    await room.updateComplete;
    expect(status(room)).to.equal('Heb gysylltu eto.');
    await useLocale('cy-GB'); // the language shown: nothing to do
    await host.setLocale('en-GB');
    await until(() => status(room) === 'Not connected yet.', 'English again');
    removeEventListener(LOCALE_STATUS_EVENT, record);
    expect(asked).to.deep.equal(['en-GB']);
    await expect(room).to.be.accessible();
  });
});

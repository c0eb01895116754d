/**
 * The pseudo-locale run (issue 11, decision 30): every message of the elements, read at test time
 * from the XLIFF that `lit-localize extract` writes from the `msg()` calls, is turned into a
 * pseudo-translation (`⟦Ńöţ ćöññéćţéð ýéţ.⟧`: accented, bracketed) and shown as the active locale.
 * Then every element in every state is rendered, and any visible text or accessible name
 * (`aria-label`, `title`, `placeholder`, `alt`) that is not pseudo-translated fails: it reached the
 * screen without `msg()`. Allowed untouched: user data the test gave (names, practice names),
 * numbers, dates and times (`Intl` formats them), key combinations and device names.
 *
 * `@lit/localize` is configured here, once, with the pseudo-locale alone: this file runs in its
 * own page, and the elements never load `localization.js` while the page is in English.
 */
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { configureLocalization, str } from '@lit/localize';
import { allNodes, elementStates, GIVEN_NAMES, GIVEN_TEXTS, shown } from './internal/fake-element-states.js';

const ACCENTS: Record<string, string> = Object.fromEntries(
  [...'abcdeghiklnorstuwyzABCDEGHIKLNORSTUWYZ'].map((c, i) => [c, [...'áƀćðéĝĥíķļñöŕšţúŵýžÁƁĆÐÉĜĤÍĶĻÑÖŔŠŢÚŴÝŽ'][i]!]),
);
const pseudo = (text: string) => [...text].map((c) => ACCENTS[c] ?? c).join('');
const OPEN = '⟦';
const CLOSE = '⟧';

/** id → template of the pseudo-locale, from the XLIFF's sources. */
async function pseudoTemplates(): Promise<Record<string, string | ReturnType<typeof str>>> {
  const text = await (await fetch('/packages/elements/xliff/cy.xlf')).text();
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const templates: Record<string, string | ReturnType<typeof str>> = {};
  for (const unit of doc.querySelectorAll('trans-unit')) {
    const source = unit.querySelector('source')!;
    const strings: string[] = [];
    const values: number[] = [];
    let current = OPEN;
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) current += pseudo(node.textContent ?? '');
      else if ((node as Element).localName === 'x') {
        strings.push(current);
        values.push(Number((node as Element).getAttribute('id')));
        current = '';
      }
    }
    strings.push(current + CLOSE);
    templates[unit.id] = values.length
      ? str(Object.assign([...strings], { raw: [...strings] }) as unknown as TemplateStringsArray, ...values)
      : strings[0]!;
  }
  return templates;
}

const { setLocale } = configureLocalization({
  sourceLocale: 'en-GB',
  targetLocales: ['en-XA'],
  loadLocale: async () => ({ templates: await pseudoTemplates() }),
});

/** Words that may appear untranslated: user data and what `Intl` or the system writes. */
async function allowedWords(): Promise<Set<string>> {
  const words = new Set<string>();
  const add = (text: string) => text.split(/[^\p{L}]+/u).forEach((w) => w && words.add(w));
  GIVEN_NAMES.forEach(add);
  GIVEN_TEXTS.forEach(add);
  ['John Pater', 'Dr Jane Smith', 'Alan', 'Test', 'Patient'].forEach(add);
  const bundle = (await (await fetch('/fhir/Practitioner?_count=50')).json()) as {
    entry?: { resource: { name?: { prefix?: string[]; given?: string[]; family?: string }[] } }[];
  };
  for (const { resource } of bundle.entry ?? []) {
    for (const n of resource.name ?? []) [...(n.prefix ?? []), ...(n.given ?? []), n.family ?? ''].forEach(add);
  }
  const organisation = (await (await fetch('/fhir/Organization')).json()) as {
    entry?: { resource: { name?: string } }[];
  };
  for (const { resource } of organisation.entry ?? []) add(resource.name ?? '');
  for (const device of await navigator.mediaDevices.enumerateDevices()) add(device.label);
  // Dates and times: what Intl writes in English (the pseudo-locale formats as en-GB).
  for (let m = 0; m < 12; m++) {
    const d = new Date(Date.UTC(2026, m, 1 + m));
    for (const month of ['long', 'short'] as const) add(d.toLocaleDateString('en-GB', { month }));
    for (const weekday of ['long', 'short'] as const) add(d.toLocaleDateString('en-GB', { weekday }));
  }
  ['am', 'pm', 'AM', 'PM', 'Alt', 'Shift', 'Control', 'Meta', 'M', 'V', 'H'].forEach(add);
  return words;
}

/** Text that is neither pseudo-translated nor allowed. */
function untranslated(text: string, allowed: Set<string>): boolean {
  // User data the desk shows: e-mail addresses and booking references (CK-XXXX-XXXX-XXXX).
  const t = text
    .replace(/\S+@\S+/g, ' ')
    .replace(/\bCK(-[A-Z0-9]{4}){3}\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!t || t.includes(OPEN) || t.includes(CLOSE)) return false;
  return t.split(/[^\p{L}]+/u).some((w) => w && !allowed.has(w));
}

describe('pseudo-locale: every visible string and accessible name goes through msg()', function () {
  this.timeout(180_000);
  let allowed: Set<string>;
  const box = document.createElement('div');
  before(async () => {
    await setLocale('en-XA');
    allowed = await allowedWords();
    document.body.append(box);
    await setViewport({ width: 1024, height: 768 });
  });
  after(() => box.remove());

  it('the pseudo-locale covers every message (a message is pseudo-translated, data kept)', async () => {
    const templates = await pseudoTemplates();
    expect(Object.keys(templates).length).to.be.greaterThan(300);
  });

  for (const state of elementStates()) {
    it(`${state.name}: no text bypasses msg()`, async () => {
      const unmount = await state.mount(box);
      try {
        const found: string[] = [];
        let checked = 0;
        let pseudoShown = 0;
        for (const node of allNodes(box.firstElementChild!)) {
          if (node.nodeType === Node.TEXT_NODE) {
            const parent = node.parentElement;
            if (!parent || ['STYLE', 'SCRIPT'].includes(parent.tagName) || !shownOrRead(parent)) continue;
            if (!node.textContent!.trim()) continue;
            checked++;
            if (node.textContent!.includes(OPEN)) pseudoShown++;
            if (untranslated(node.textContent!, allowed)) {
              found.push(`text "${node.textContent!.trim()}" in <${parent.localName}>`);
            }
          } else if (node instanceof Element) {
            for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
              const value = node.getAttribute(name);
              if (value === null) continue;
              checked++;
              if (untranslated(value, allowed)) found.push(`${name}="${value}" on <${node.localName}>`);
            }
          }
        }
        expect(checked, 'strings checked (the run would otherwise pass empty)').to.be.greaterThan(0);
        expect(pseudoShown, 'messages shown in the pseudo-locale').to.be.greaterThan(0);
        expect(found, 'shown without msg()').to.deep.equal([]);
      } finally {
        unmount();
      }
    });
  }
});

/** Shown, or read by a screen reader though visually hidden. */
function shownOrRead(el: Element): boolean {
  if (el.closest('[aria-hidden="true"]')) return shown(el);
  return shown(el) || !!el.closest('.visually-hidden');
}

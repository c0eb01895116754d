/**
 * The help every patient page ends with, the same words in the same place (WCAG 3.2.6 consistent
 * help): after the page's `<main>` on the join page (so also under the device check, the waiting
 * room and the call, which are states of that page) and on every patient guide and the guides'
 * index. A link to the guides, and who to contact. Decision 30.
 */
import { CATALOGUES } from '../guides/catalogue.js';
import type { ServerLocale } from './locales.js';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const WORDS: Record<ServerLocale, { heading: string; contact: string }> = {
  'en-GB': {
    heading: 'Help',
    contact: 'If you cannot join or something does not work, call the practice.',
  },
  cy: {
    heading: 'Help',
    contact: 'Os na allwch ymuno neu os nad yw rhywbeth yn gweithio, ffoniwch y feddygfa.',
  },
  ar: {
    heading: 'مساعدة',
    contact: 'إذا لم تتمكن من الانضمام أو لم يعمل شيء ما، فاتصل بالعيادة.',
  },
  bn: {
    heading: 'সাহায্য',
    contact: 'আপনি যোগ দিতে না পারলে বা কিছু কাজ না করলে, ক্লিনিকে ফোন করুন।',
  },
  bg: {
    heading: 'Помощ',
    contact: 'Ако не можете да се включите или нещо не работи, обадете се в практиката.',
  },
  it: {
    heading: 'Aiuto',
    contact: 'Se non riesci a collegarti o qualcosa non funziona, chiama l’ambulatorio.',
  },
  pl: {
    heading: 'Pomoc',
    contact: 'Jeśli nie możesz dołączyć albo coś nie działa, zadzwoń do przychodni.',
  },
  pa: {
    heading: 'ਮਦਦ',
    contact: 'ਜੇ ਤੁਸੀਂ ਜੁੜ ਨਹੀਂ ਸਕਦੇ ਜਾਂ ਕੁਝ ਕੰਮ ਨਹੀਂ ਕਰਦਾ, ਤਾਂ ਕਲੀਨਿਕ ਨੂੰ ਫ਼ੋਨ ਕਰੋ।',
  },
  ro: {
    heading: 'Ajutor',
    contact: 'Dacă nu vă puteți conecta sau ceva nu funcționează, sunați la cabinet.',
  },
  ur: {
    heading: 'مدد',
    contact: 'اگر آپ شامل نہیں ہو پا رہے یا کچھ کام نہیں کر رہا تو کلینک کو فون کریں۔',
  },
};

/** The help's own words in `locale`. */
export function helpWords(locale: ServerLocale): { heading: string; contact: string } {
  return WORDS[locale];
}

/** The help block in `locale`: `<footer class="ck-help">` with a heading, the guides and who to call. */
export function helpBlock(locale: ServerLocale, embed = false): string {
  const { heading, contact } = WORDS[locale];
  const guides = CATALOGUES[locale].words.guides;
  return (
    `<footer class="ck-help" aria-labelledby="ck-help"><h2 id="ck-help">${escape(heading)}</h2><ul>` +
    `<li><a href="/guides?lang=${locale}${embed ? '&amp;embed=1' : ''}" hreflang="${locale}">${escape(guides)}</a></li>` +
    `<li>${escape(contact)}</li></ul></footer>`
  );
}

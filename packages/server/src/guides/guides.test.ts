/**
 * The patient guides: each guide in each locale, with `lang` and `dir` right, every section in the
 * table of contents and headings in order; no sentence of the English source left in a translated
 * page; every locale the same shape as the source; odd input (a repeated, unknown or huge `?lang=`,
 * an unknown or huge guide) a clear answer and never a 5xx; framed only where the practice allows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SERVE, type ConsultKitServer } from '../app.js';
import { startTestServer } from '../test-helpers.js';
import { helpWords } from '../i18n/help.js';
import { directionOf, SERVER_LOCALES } from '../i18n/locales.js';
import { CATALOGUES } from './catalogue.js';
import { GUIDE_SLUGS, type Block, type GuideCatalogue } from './types.js';

let server: ConsultKitServer;
let url: string;

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const decode = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

/** The page's visible text: tags and the style dropped, entities decoded, spaces collapsed. */
const visible = (html: string) =>
  decode(
    html
      .replace(/<style>[\s\S]*?<\/style>/, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  );

/** Every string of a catalogue, in order. */
function strings(catalogue: GuideCatalogue): string[] {
  const out = Object.values(catalogue.words);
  for (const slug of GUIDE_SLUGS) {
    const guide = catalogue.guides[slug];
    out.push(guide.title, guide.summary);
    for (const section of guide.sections) {
      out.push(section.heading);
      for (const block of section.blocks) out.push(...('p' in block ? [block.p] : 'ul' in block ? block.ul : block.ol));
    }
  }
  return out;
}

/**
 * The source's sentences of three words or more ("Video" and "Wi-Fi" are the same word in several
 * languages; a sentence is not).
 */
const SOURCE_SENTENCES = [
  ...new Set(
    strings(CATALOGUES['en-GB'])
      .flatMap((s) => s.split(/(?<=[.?:;])\s+/))
      .map((s) => s.trim())
      .filter((s) => s.split(/\s+/).length >= 3),
  ),
];

const shape = (block: Block) => ('p' in block ? 'p' : 'ul' in block ? `ul${block.ul.length}` : `ol${block.ol.length}`);

describe('the patient guides', () => {
  before(async () => {
    ({ server, url } = await startTestServer({ CONSULTKIT_RATE_LIMITS: 'off', CONSULTKIT_SEED_DEMO: 'false' }));
  });
  after(() => server.close());

  it('every locale has the source’s guides, sections (by id) and blocks, and no string left empty', () => {
    const source = CATALOGUES['en-GB'];
    assert.ok(SOURCE_SENTENCES.length > 60, `${SOURCE_SENTENCES.length} source sentences`);
    for (const locale of SERVER_LOCALES) {
      const catalogue = CATALOGUES[locale];
      for (const slug of GUIDE_SLUGS) {
        const theirs = catalogue.guides[slug].sections;
        const ours = source.guides[slug].sections;
        assert.deepEqual(
          theirs.map((s) => `${s.id}:${s.blocks.map(shape).join(',')}`),
          ours.map((s) => `${s.id}:${s.blocks.map(shape).join(',')}`),
          `${locale} ${slug}`,
        );
      }
      assert.equal(strings(catalogue).length, strings(source).length, locale);
      for (const s of strings(catalogue)) assert.ok(s.trim().length > 0, `${locale}: an empty string`);
    }
  });

  for (const locale of SERVER_LOCALES) {
    it(`${locale}: each guide answers in ${locale}, ${directionOf(locale)}, with its contents and headings in order`, async () => {
      const { guides, words } = CATALOGUES[locale];
      for (const slug of GUIDE_SLUGS) {
        const { status, headers, text } = await page(`/guides/${slug}?lang=${locale}`);
        assert.equal(status, 200, `${slug}: ${text.slice(0, 200)}`);
        assert.match(headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
        assert.equal(headers.get('content-language'), locale);
        assert.match(text, new RegExp(`<html lang="${locale}" dir="${directionOf(locale)}">`));
        const guide = guides[slug];
        // Headings in order: one h1 (the title), then an h2 for the contents and each section and
        // the other guides; nothing deeper, nothing skipped.
        const headings = [...text.matchAll(/<h([1-6])\b[^>]*>([^<]*)<\/h\1>/g)].map((m) => `${m[1]} ${decode(m[2]!)}`);
        assert.deepEqual(headings, [
          `1 ${guide.title}`,
          `2 ${words.contents}`,
          ...guide.sections.map((s) => `2 ${s.heading}`),
          `2 ${words.moreGuides}`,
          `2 ${helpWords(locale).heading}`, // the help every patient page ends with (i18n/help.ts)
        ]);
        // The contents link to every section, whose heading carries the anchor.
        for (const section of guide.sections) {
          assert.ok(text.includes(`<a href="#${section.id}">`), `${slug}: contents link to #${section.id}`);
          assert.ok(text.includes(`<h2 id="${section.id}">`), `${slug}: #${section.id}`);
        }
        assert.ok(visible(text).includes(words.urgent), `${slug}: the urgent notice`);
        // The switcher: every language by its own name, this one current; the other guides in this language.
        const links = [
          ...text.matchAll(
            /<a href="\/guides\/[\w-]+\?lang=([\w-]+)" lang="\1" hreflang="\1" dir="(?:rtl|ltr)"( aria-current="true")?>/g,
          ),
        ];
        assert.deepEqual(
          links.map((m) => m[1]),
          [...SERVER_LOCALES],
        );
        assert.deepEqual(
          links.filter((m) => m[2]).map((m) => m[1]),
          [locale],
        );
        for (const other of GUIDE_SLUGS.filter((s) => s !== slug)) {
          assert.ok(text.includes(`<a href="/guides/${other}?lang=${locale}">`), `${slug}: link to ${other}`);
        }
        if (locale !== 'en-GB') {
          const body = visible(text);
          const left = SOURCE_SENTENCES.filter((sentence) => body.includes(sentence));
          assert.deepEqual(left, [], `${locale} ${slug}: English sentences left`);
          assert.ok(body.includes(guide.sections[0]!.heading));
        }
      }
    });
  }

  it('the index lists the three guides in the language asked for', async () => {
    const { status, text } = await page('/guides?lang=cy');
    assert.equal(status, 200);
    assert.match(text, /<html lang="cy" dir="ltr">/);
    for (const slug of GUIDE_SLUGS) {
      assert.ok(text.includes(`<a href="/guides/${slug}?lang=cy">${CATALOGUES.cy.guides[slug].title}</a>`), slug);
    }
  });

  it('without ?lang= it follows Accept-Language, else British English; an unsupported language is English', async () => {
    const urdu = await page('/guides/questions', { 'accept-language': 'fr;q=0.9, ur-PK;q=0.8, en;q=0.5' });
    assert.match(urdu.text, /<html lang="ur" dir="rtl">/);
    assert.equal(urdu.headers.get('content-language'), 'ur');
    assert.match(urdu.headers.get('vary') ?? '', /accept-language/i);
    const none = await page('/guides/questions');
    assert.match(none.text, /<html lang="en-GB" dir="ltr">/);
    const unknown = await page('/guides/questions?lang=fr', { 'accept-language': 'pl' });
    assert.equal(unknown.status, 200);
    assert.match(unknown.text, /<html lang="en-GB" dir="ltr">/, 'a language tag asked for wins over the header');
  });

  it('odd ?lang= values: repeated (the first tag wins), not a tag, huge, encoded oddly: never an error, never echoed', async () => {
    const repeated = await page('/guides/video-appointment?lang=ar&lang=pl');
    assert.equal(repeated.status, 200);
    assert.match(repeated.text, /<html lang="ar" dir="rtl">/);
    for (const odd of [
      'lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      `lang=${'x'.repeat(8000)}`,
      'lang=',
      'lang[]=cy',
      'lang=%zz',
      'lang=cy%00',
      'lang[a]=ur',
      'embed=%zz&embed=1&lang=bn',
    ]) {
      const answer = await page(`/guides/choosing-how-to-consult?${odd}`, { 'accept-language': 'it' });
      assert.ok(answer.status < 500, `${odd.slice(0, 40)} → ${answer.status}`);
      if (answer.status === 200) {
        assert.doesNotMatch(answer.text, /<script>alert|xxxxxxxxxx/);
        assert.match(answer.text, /<html lang="(it|bn|en-GB|cy|ur)" dir="(ltr|rtl)">/);
      } else {
        assert.equal((JSON.parse(answer.text) as { resourceType: string }).resourceType, 'OperationOutcome');
      }
    }
  });

  it('an unknown or huge guide is a 404 OperationOutcome naming the guides, not echoing the address', async () => {
    for (const slug of [
      'nope',
      '..%2F..%2Fetc%2Fpasswd',
      '%E2%80%AE',
      'VIDEO-APPOINTMENT',
      'questions/x',
      'x'.repeat(5000),
    ]) {
      const answer = await page(`/guides/${slug}?lang=ur`);
      assert.equal(answer.status, 404, slug.slice(0, 20));
      assert.doesNotMatch(answer.text, /nope|passwd|xxxx/);
      const body = JSON.parse(answer.text) as { resourceType: string; issue: { diagnostics: string }[] };
      assert.equal(body.resourceType, 'OperationOutcome');
      assert.match(body.issue[0]!.diagnostics, /video-appointment, choosing-how-to-consult, questions/);
    }
    const index = await page('/guides/?lang=bg');
    assert.equal(index.status, 200);
    assert.match(index.text, /<html lang="bg" dir="ltr">/);
  });

  it('?embed=1 keeps the reader inside the frame: its links carry embed=1; the page has no script and prints plainly', async () => {
    const { text, headers } = await page('/guides/video-appointment?lang=pl&embed=1');
    assert.ok(text.includes('<a href="/guides/questions?lang=pl&amp;embed=1">'));
    assert.ok(text.includes('<a href="/guides/video-appointment?lang=ur&amp;embed=1" lang="ur"'));
    assert.equal(headers.get('x-robots-tag'), 'noindex');
    assert.doesNotMatch(text, /<script/);
    assert.match(text, /@media print \{[^}]*header, \.toc, \.more/);
    // Framed only by who the practice allows: the default is its own origin.
    assert.match(headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
    assert.equal(headers.get('x-frame-options'), 'SAMEORIGIN');
  });
});

describe('the patient guides embedded on a practice’s website', () => {
  before(async () => {
    ({ server, url } = await startTestServer({
      CONSULTKIT_RATE_LIMITS: 'off',
      CONSULTKIT_SEED_DEMO: 'false',
      CONSULTKIT_FRAME_ANCESTORS: "'self', https://www.practice.example",
    }));
  });
  after(() => server.close());

  it('CONSULTKIT_FRAME_ANCESTORS lets the practice’s site frame them, and only it', async () => {
    const { status, headers } = await page('/guides/questions?lang=cy&embed=1');
    assert.equal(status, 200);
    assert.match(
      headers.get('content-security-policy') ?? '',
      /frame-ancestors 'self' https:\/\/www\.practice\.example(;|$)/,
    );
    assert.equal(headers.get('x-frame-options'), null, 'X-Frame-Options would forbid the practice’s site');
  });
});

describe('the join page links to the guide in its own language', () => {
  before(async () => {
    ({ server, url } = await startTestServer(
      { CONSULTKIT_RATE_LIMITS: 'off', CONSULTKIT_SEED_DEMO: 'false' },
      { joinPage: DEFAULT_SERVE.joinPage },
    ));
  });
  after(() => server.close());

  it('in Urdu: the Urdu guide, by its Urdu title; in English: the English one', async () => {
    const urdu = await page('/join/some.token.here?lang=ur');
    assert.ok(
      urdu.text.includes(
        `<a data-ck-guide="video-appointment" href="/guides/video-appointment?lang=ur" hreflang="ur">${CATALOGUES.ur.guides['video-appointment'].title}</a>`,
      ),
      urdu.text,
    );
    assert.ok(!urdu.text.includes(CATALOGUES['en-GB'].guides['video-appointment'].title));
    const english = await page('/join/some.token.here');
    assert.ok(english.text.includes('href="/guides/video-appointment?lang=en-GB"'));
    // The link opens the guide.
    assert.equal((await page('/guides/video-appointment?lang=ur')).status, 200);
  });
});

/**
 * The join page in the patient's language: `?lang=` (which the e-mailed link carries from the
 * language stored with the booking), else `Accept-Language`, else British English; right to left
 * for Urdu and Arabic; a switcher to every language; odd input never a 5xx and never echoed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { DEFAULT_SERVE } from '../app.js';
import { seedBookingFixture, startTestServer, TEST_NOW } from '../test-helpers.js';
import { Api } from '../notify/test-support.js';
import { SERVER_LOCALES } from './locales.js';

let server: ConsultKitServer;
let url: string;

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, { headers });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** The text of the first element marked `data-ck-text="{key}"`. */
const text = (html: string, key: string) => new RegExp(`data-ck-text="${key}"[^>]*>([^<]*)<`).exec(html)?.[1]?.trim();
const words = (html: string) =>
  JSON.parse(/<script type="application\/json" id="ck-words">([^<]*)<\/script>/.exec(html)![1]!) as Record<
    string,
    string
  >;

describe('the join page in the patient’s language', () => {
  before(async () => {
    ({ server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_RATE_LIMITS: 'off' },
      { joinPage: DEFAULT_SERVE.joinPage },
      { now: () => TEST_NOW },
    ));
  });
  after(() => server.close());

  it('in Urdu (?lang=ur): right to left, every word in Urdu, the script’s words too', async () => {
    const { status, headers, html } = await page('/join/some.token.here?lang=ur');
    assert.equal(status, 200);
    assert.equal(headers.get('content-language'), 'ur');
    assert.match(headers.get('vary') ?? '', /accept-language/i);
    assert.match(html, /<html lang="ur" dir="rtl">/);
    assert.equal(text(html, 'title'), 'آپ کی ویڈیو اپائنٹمنٹ');
    assert.equal(text(html, 'join'), 'اپنی ویڈیو اپائنٹمنٹ میں شامل ہوں');
    assert.equal(text(html, 'checkHeading'), 'اپنا کیمرہ اور مائیکروفون چیک کریں');
    assert.equal(words(html)['linkUsed']?.startsWith('یہ لنک پہلے ہی استعمال ہو چکا ہے۔'), true);
    assert.doesNotMatch(html, /You will see and hear the clinician|Join your video appointment/);
    // The switcher: every language by its own name, with its lang and direction; Urdu is current.
    const links = [
      ...html.matchAll(/<a href="\?lang=([\w-]+)" lang="\1" hreflang="\1" dir="(rtl|ltr)"( aria-current="true")?>/g),
    ];
    assert.deepEqual(
      links.map((m) => m[1]),
      [...SERVER_LOCALES],
    );
    assert.deepEqual(
      links.filter((m) => m[3]).map((m) => m[1]),
      ['ur'],
    );
    assert.deepEqual(
      links.filter((m) => m[2] === 'rtl').map((m) => m[1]),
      ['ar', 'ur'],
    );
    assert.match(html, />اردو</);
    assert.match(html, />ਪੰਜਾਬੀ</);
  });

  it('the same help in the same place as the guides (WCAG 3.2.6): after main, in the page’s language', async () => {
    const help = (html: string) => {
      // The help comes straight after the page's <main>, last in the body.
      const match = /<\/main>\s*(<footer class="ck-help"[^]*?<\/footer>)\s*(?:<\/body>|<script|<!--|$)/.exec(html);
      return match?.[1];
    };
    for (const lang of SERVER_LOCALES) {
      const join = help((await page(`/join/some.token.here?lang=${lang}`)).html);
      const guide = help((await page(`/guides/video-appointment?lang=${lang}`)).html);
      const index = help((await page(`/guides?lang=${lang}`)).html);
      assert.ok(join, `the join page in ${lang} ends with the help`);
      assert.equal(guide, join, `a guide in ${lang} has the join page's help`);
      assert.equal(index, join, `the guides' index in ${lang} has the join page's help`);
      assert.match(join, new RegExp(`<a href="/guides\\?lang=${lang}" hreflang="${lang}">`));
    }
    const english = help((await page('/join/some.token.here?lang=en-GB')).html)!;
    assert.match(english, /<h2 id="ck-help">Help<\/h2>/);
    assert.match(english, /call the practice\./);
    const welsh = help((await page('/join/some.token.here?lang=cy')).html)!;
    assert.match(welsh, /ffoniwch y feddygfa\./);
    assert.doesNotMatch(welsh, /call the practice/);
  });

  it('in Welsh from the browser’s Accept-Language; ?lang wins over it', async () => {
    const welsh = await page('/join/some.token.here', { 'accept-language': 'cy-GB,cy;q=0.9,en-GB;q=0.8' });
    assert.match(welsh.html, /<html lang="cy" dir="ltr">/);
    assert.equal(text(welsh.html, 'title'), 'Eich apwyntiad fideo');
    assert.equal(text(welsh.html, 'join'), 'Ymuno â’ch apwyntiad fideo');
    assert.equal(words(welsh.html)['openFromEmail'], 'I ymuno, agorwch y ddolen yn e-bost eich apwyntiad.');
    const english = await page('/join/some.token.here?lang=en-GB', { 'accept-language': 'cy' });
    assert.match(english.html, /<html lang="en-GB" dir="ltr">/);
    assert.equal(text(english.html, 'join'), 'Join your video appointment');
    // English first in the browser's list: English, even though Welsh follows.
    const first = await page('/join/x', { 'accept-language': 'en-US,cy;q=0.9' });
    assert.match(first.html, /<html lang="en-GB"/);
    // A language the page does not speak: British English.
    const french = await page('/join/x', { 'accept-language': 'fr-FR,fr;q=0.9' });
    assert.match(french.html, /<html lang="en-GB"/);
  });

  it('odd ?lang and Accept-Language: English or the first good one, never a 5xx, never echoed', async () => {
    for (const [query, expected] of [
      ['lang=ur&lang=cy', 'ur'],
      ['lang=%22%3E%3Cscript%3Ex%3C%2Fscript%3E', 'en-GB'],
      [`lang=${'x'.repeat(5000)}`, 'en-GB'],
      ['lang=ar-EG', 'ar'],
      ['lang[]=pl', 'en-GB'],
    ] as const) {
      const { status, html } = await page(`/join/x?${query}`);
      assert.equal(status, 200, query);
      assert.match(html, new RegExp(`<html lang="${expected}" dir="(ltr|rtl)">`), query);
      assert.doesNotMatch(html, /<script>x<\/script>/);
    }
    const garbage = await page('/join/x', { 'accept-language': 'cy;q=x, ;;, ur;q=-1, pl;q=0' });
    assert.equal(garbage.status, 200);
    assert.match(garbage.html, /<html lang="en-GB"/);
  });

  it('a booking in Welsh: its e-mailed join link opens the page in Welsh', async () => {
    const fixture = await seedBookingFixture(server.storage);
    const api = new Api(url, fixture.gp.scheduleId);
    const { email } = await api.book('2026-03-03', {
      patch: (body) => {
        (body['contained'] as Record<string, unknown>[])[0]!['communication'] = [
          { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'cy' }] }, preferred: true },
        ];
      },
    });
    const [message] = await api.messagesTo(email);
    const link = /Ymuno: +(\S+)/.exec(message!.text)?.[1];
    assert.ok(link, message!.text);
    assert.match(link, /\/join\/[\w-]+\.[\w-]+\.[\w-]+\?lang=cy$/);
    const { html } = await page(new URL(link).pathname + new URL(link).search);
    assert.match(html, /<html lang="cy" dir="ltr">/);
    assert.equal(text(html, 'title'), 'Eich apwyntiad fideo');
  });
});

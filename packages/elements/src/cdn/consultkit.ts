/**
 * `consultkit.js`: one script tag for a page with no build step. Each ConsultKit element is fetched
 * the first time its tag appears in the document (now or later), so a page pays only for the
 * elements it shows; all of them share one Lit and one core (hashed chunks beside this file).
 *
 * ```html
 * <script type="module" src="https://consult.example.nhs.uk/cdn/consultkit.js"></script>
 * <slot-picker base-url="https://consult.example.nhs.uk/fhir"></slot-picker>
 * ```
 *
 * Tags inside a shadow root are not seen: call `load('consult-room')` (or import the element's
 * own entry, `consult-room.js`) for those. Elements register under their default names; a host
 * wanting other names imports an entry and calls its `define('my-name')`.
 */

/** What each selector needs: the entry module that registers it. */
const ENTRIES: Record<string, () => Promise<unknown>> = {
  'slot-picker': () => import('./slot-picker.js'),
  'slot-picker[history="url"]': () => import('./slot-picker-url.js'),
  'booking-desk': () => import('./booking-desk.js'),
  'guest-invite': () => import('./guest-invite.js'),
  'device-check': () => import('./device-check.js'),
  'waiting-room': () => import('./waiting-room.js'),
  'consult-room': () => import('./consult-room.js'),
  'consult-recorder': () => import('./consult-recorder.js'),
  'clinician-directory': () => import('./clinician-directory.js'),
  'staff-chat': () => import('./staff-chat.js'),
};

const started = new Map<string, Promise<unknown>>();

/**
 * Loads (once) the module of an element, by tag name or by one of the selectors above. Resolves
 * when the element is registered. Rejects for a tag ConsultKit does not have.
 */
export function load(tag: string): Promise<unknown> {
  const entry = ENTRIES[tag];
  if (!entry) return Promise.reject(new TypeError(`ConsultKit has no element <${tag}>.`));
  let loading = started.get(tag);
  if (!loading) {
    loading = entry();
    started.set(tag, loading);
    // A failed fetch may be tried again (the next time the tag appears, or by `load`).
    loading.catch((error: unknown) => {
      started.delete(tag);
      console.error(`ConsultKit: could not load <${tag}>`, error);
    });
  }
  return loading;
}

function scan(): void {
  for (const selector of Object.keys(ENTRIES)) {
    if (!started.has(selector) && document.querySelector(selector)) void load(selector).catch(() => undefined);
  }
  if (started.size === Object.keys(ENTRIES).length) observer.disconnect();
}

const observer = new MutationObserver(scan);
observer.observe(document, { childList: true, subtree: true, attributeFilter: ['history'] });
scan();

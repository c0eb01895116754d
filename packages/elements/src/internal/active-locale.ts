import { LOCALE_STATUS_EVENT } from '@lit/localize';
import { sourceLocale } from '../locales/locale-codes.js';

let active: string = sourceLocale;
let listening = false;

/**
 * Starts following `@lit/localize`'s status event (once; called when an element connects, so that
 * importing a class module has no side effect, in Node or anywhere).
 */
export function followActiveLocale(): void {
  if (listening) return;
  listening = true;
  addEventListener(LOCALE_STATUS_EVENT, (event) => {
    const detail = (event as CustomEvent<{ status: string; readyLocale?: string }>).detail;
    if (detail.status === 'ready') active = detail.readyLocale ?? sourceLocale;
  });
}

/**
 * The locale whose messages are shown now, without loading the localization runtime (what
 * `getLocale()` says, learnt from `@lit/localize`'s status event): for plural rules.
 */
export function activeLocale(): string {
  return active;
}

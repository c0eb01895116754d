/** Every locale's guides, by locale. */
import type { ServerLocale } from '../i18n/locales.js';
import type { GuideCatalogue } from './types.js';
import { ar } from './content/ar.js';
import { bg } from './content/bg.js';
import { bn } from './content/bn.js';
import { cy } from './content/cy.js';
import { enGB } from './content/en-GB.js';
import { it } from './content/it.js';
import { pa } from './content/pa.js';
import { pl } from './content/pl.js';
import { ro } from './content/ro.js';
import { ur } from './content/ur.js';

export const CATALOGUES: Record<ServerLocale, GuideCatalogue> = {
  'en-GB': enGB,
  cy,
  ar,
  bn,
  bg,
  it,
  pl,
  pa,
  ro,
  ur,
};

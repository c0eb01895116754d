import { css, html, nothing } from 'lit';
import { msg } from '@lit/localize';
import type { CallAction, HangUpWords } from './call-shortcuts.js';

/**
 * What the call shortcuts show only when asked (decision 47, its last section): the list in the
 * "Keyboard shortcuts" panel with its switch, and the hang-up confirmation with their styles.
 * `<consult-room>` imports this module when the panel is first opened or the hang-up shortcut is
 * first pressed.
 */

/** The shortcuts in use (`[action, keys]`) and the switch that turns them off in this browser. */
export function shortcutList(listed: readonly [CallAction, string][] | null, onToggle: (event: Event) => void) {
  const label: Record<CallAction, string> = {
    mute: msg('Mute or unmute the microphone'),
    camera: msg('Turn the camera off or on'),
    'hang-up': msg('Hang up (you are asked to confirm)'),
  };
  return html`${
      listed
        ? html`<dl>
            ${listed.map(
              ([action, keys]) =>
                html`<dt>${label[action]}</dt>
                  <dd><kbd dir="ltr">${keys}</kbd></dd>`,
            )}
          </dl>`
        : nothing
    }
    <label><input type="checkbox" .checked=${!!listed} @change=${onToggle} /> ${msg('Use keyboard shortcuts')}</label>`;
}

/**
 * The hang-up confirmation: its question and hang-up button's words; with `words.leave`, Leave too;
 * `onClose` reads its `returnValue`.
 */
export function hangUpDialog(words: HangUpWords, onClose: () => void) {
  return html`<dialog
    part="confirm-hang-up"
    class="ck-confirm-hang-up"
    aria-labelledby="ck-confirm-hang-up-title"
    @close=${onClose}
  >
    <form method="dialog">
      <p id="ck-confirm-hang-up-title">
        ${words.leave ? msg('Leave the call, or end it for everyone?') : words.question}
      </p>
      <div class="ck-confirm-buttons">
        <button type="submit" value="stay" data-stay>${msg('Stay in the call')}</button>
        ${words.leave ? html`<button type="submit" value="leave" part="confirm-leave-button">${msg('Leave')}</button>` : nothing}
        <button type="submit" value="hang-up" part="confirm-hang-up-button">${words.action}</button>
      </div>
    </form>
  </dialog>`;
}

const panelStyles = css`
  .ck-shortcuts input:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
  .ck-shortcuts dl {
    margin: 0;
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: var(--ck-space-xs, 0.25rem) var(--ck-space-m, 1rem);
  }
  .ck-shortcuts dd {
    margin: 0;
  }
  .ck-shortcuts kbd {
    font-family: inherit;
    font-weight: 700;
    unicode-bidi: isolate;
  }
  .ck-shortcuts label {
    display: inline-flex;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
    min-block-size: 44px;
  }
  .ck-shortcuts input {
    inline-size: 24px;
    block-size: 24px;
    margin: 0;
  }
  .ck-confirm-hang-up {
    max-inline-size: min(30rem, calc(100vw - 2rem));
    border: 2px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-text, #1d1d1f);
    padding: var(--ck-space-m, 1rem);
  }
  .ck-confirm-hang-up p {
    margin-block: 0 var(--ck-space-m, 1rem);
    font-size: 1.125rem;
    font-weight: 700;
  }
  .ck-confirm-buttons {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-s, 0.5rem);
  }
  .ck-confirm-buttons [value='hang-up'] {
    background: var(--ck-color-danger, #d5281b);
    border-color: var(--ck-color-danger, #d5281b);
    color: #ffffff;
  }
`;

/**
 * Adds these styles to the room's shadow root, after its own: an adopted sheet, or a `<style>`
 * (with Lit's `litNonce`, as Lit does) where the browser cannot adopt sheets.
 */
// The same lines as details-form.ts's `adoptFormStyles`, on purpose: a module both import would be a
// chunk of its own, one more round trip before either part shows (measured: +0.1 kB and a request).
export function adoptPanelStyles(root: ShadowRoot): void {
  const sheet = panelStyles.styleSheet;
  if (sheet) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    const nonce = (globalThis as { litNonce?: string }).litNonce;
    if (nonce) style.setAttribute('nonce', nonce);
    style.textContent = panelStyles.cssText;
    root.append(style);
  }
}

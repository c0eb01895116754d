import { css } from 'lit';
import { rowStyles } from '../internal/row.styles.js';

const recorderOwnStyles = css`
  :host {
    display: inline-block;
  }
  p,
  ul {
    margin: 0;
  }
  /* Words on a surface of their own: the element sits on a room's dark controls as well as on a light page. */
  [part~='asking'],
  [part~='answers'],
  [part~='error'],
  .indicator {
    color: var(--ck-recorder-color, var(--ck-color-text, #1d1d1f));
    background: var(--ck-recorder-background, var(--ck-color-surface, #fff));
  }
  [part~='asking'],
  [part~='answers'],
  [part~='error'] {
    padding-block: 0.25rem;
    padding-inline: 0.75rem;
    border-radius: var(--ck-radius, 0.5rem);
  }
  [part~='answers'] {
    padding-inline-start: 1.75rem;
    text-align: start;
  }
  .indicator {
    display: inline-flex;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
    padding-block: 0.25rem;
    padding-inline: 0.75rem;
    border: 2px solid var(--ck-recorder-indicator-color, #d4351c);
    border-radius: 999px;
    font-weight: 700;
  }
  .dot {
    inline-size: 0.75rem;
    block-size: 0.75rem;
    border-radius: 50%;
    background: var(--ck-recorder-indicator-color, #d4351c);
    flex: none;
  }
  [part~='error'] {
    font-weight: 600;
  }
  dialog {
    max-inline-size: min(36rem, calc(100vw - 2rem));
    padding: var(--ck-space-l, 1.5rem);
    border: 2px solid var(--ck-color-text, #1d1d1f);
    border-radius: var(--ck-radius, 0.5rem);
    color: var(--ck-color-text, #1d1d1f);
    background: var(--ck-color-surface, #fff);
    text-align: start;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.6);
  }
  dialog h2 {
    margin-block: 0 var(--ck-space-m, 1rem);
    font-size: 1.375rem;
  }
  dialog h2:focus {
    outline: none;
  }
  dialog h2:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
  }
  dialog ul {
    padding-inline-start: 1.25rem;
    margin-block: var(--ck-space-m, 1rem);
  }
  dialog li + li {
    margin-block-start: 0.5rem;
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-m, 1rem);
  }
  button {
    min-block-size: 44px;
  }
`;

/** After baseStyles: the shared `.row`, then the element's own. */
export const consultRecorderStyles = [rowStyles, recorderOwnStyles];

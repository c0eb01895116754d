import { css } from 'lit';
import { formStyles } from '../internal/form.styles.js';

const directoryOwnStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    padding: var(--ck-space-m, 1rem);
    border: 2px solid var(--ck-directory-border, var(--ck-color-border, #4c4c52));
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-text, #0b0c0c);
  }
  h2 {
    margin-block: 0 var(--ck-space-s, 0.5rem);
    font-size: 1.25rem;
  }
  /* The fields, labels and hints: formStyles (internal/form.styles.ts); buttons: baseStyles. */
  form {
    grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
  }
  .mine {
    margin-block-end: var(--ck-space-m, 1rem);
    max-inline-size: 20rem;
  }
  /* As tall as the fields beside them, in the fields' text colour. */
  button {
    min-block-size: 2.75rem;
    color: var(--ck-color-text, #0b0c0c);
  }
  .primary {
    background: var(--ck-color-primary, #0b5cad);
    border-color: var(--ck-color-primary, #0b5cad);
    color: #ffffff;
    justify-self: start;
  }
  [aria-disabled='true'] {
    cursor: progress;
  }
  .status:empty {
    margin: 0;
  }
  .notice {
    margin-block-end: var(--ck-space-m, 1rem);
    padding: var(--ck-space-s, 0.5rem) var(--ck-space-m, 1rem);
    border-inline-start: 6px solid var(--ck-color-primary, #0b5cad);
    background: var(--ck-color-surface-alt, #f3f2f1);
  }
  .notice p {
    margin-block: 0 var(--ck-space-s, 0.5rem);
    font-weight: 600;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-s, 0.5rem);
  }
  ul {
    list-style: none;
    margin: var(--ck-space-m, 1rem) 0 0;
    padding: 0;
  }
  li {
    display: grid;
    grid-template-columns: 1fr auto auto auto;
    gap: var(--ck-space-s, 0.5rem) var(--ck-space-m, 1rem);
    align-items: center;
    padding-block: var(--ck-space-s, 0.5rem);
    border-block-end: 1px solid var(--ck-color-border, #4c4c52);
  }
  @container (max-width: 32rem) {
    li {
      grid-template-columns: 1fr;
    }
  }
  .who {
    display: grid;
  }
  .name {
    font-weight: 600;
  }
  .role,
  .contact,
  .seen {
    font-size: 0.875rem;
  }
  .presence {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.375rem;
  }
  .seen {
    flex-basis: 100%;
  }
  /* The shape says the state as well as the words (never colour alone). */
  .shape {
    display: inline-block;
    inline-size: 0.875rem;
    block-size: 0.875rem;
    border: 2px solid currentColor;
    box-sizing: border-box;
    flex: none;
  }
  [data-state='available'] .shape {
    border-radius: 50%;
    background: var(--ck-presence-available, #007f3b);
    border-color: var(--ck-presence-available, #007f3b);
  }
  [data-state='busy'] .shape {
    /* A bar: "do not disturb". */
    block-size: 0.375rem;
    background: var(--ck-presence-busy, #d5281b);
    border-color: var(--ck-presence-busy, #d5281b);
  }
  [data-state='in-consultation'] .shape {
    /* A square, as a screen. */
    background: var(--ck-presence-in-consultation, #8a1538);
    border-color: var(--ck-presence-in-consultation, #8a1538);
  }
  [data-state='away'] .shape {
    /* A diamond. */
    transform: rotate(45deg);
    background: var(--ck-presence-away, #b36200);
    border-color: var(--ck-presence-away, #b36200);
  }
  [data-state='offline'] .shape {
    /* A hollow circle. */
    border-radius: 50%;
    background: transparent;
  }
`;

/** After baseStyles: the shared form styles, then the element's own. */
export const clinicianDirectoryStyles = [formStyles, directoryOwnStyles];

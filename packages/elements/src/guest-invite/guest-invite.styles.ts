import { css } from 'lit';
import { formStyles } from '../internal/form.styles.js';

const guestInviteOwnStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    padding: var(--ck-space-m, 1rem);
    border: 2px solid var(--ck-guest-invite-border, var(--ck-color-border, #4c4c52));
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-guest-invite-background, var(--ck-color-surface, #ffffff));
  }
  h2,
  h3 {
    margin-block: 0 var(--ck-space-s, 0.5rem);
    font-size: 1.25rem;
  }
  h3 {
    margin-block-start: var(--ck-space-m, 1rem);
    font-size: 1.125rem;
  }
  /* The fields, labels and hints: formStyles (internal/form.styles.ts). */
  form {
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
  }
  [part~='invite'] {
    justify-self: start;
    background: var(--ck-color-primary, #0b5cad);
    border-color: var(--ck-color-primary, #0b5cad);
    color: #ffffff;
  }
  [aria-disabled='true'] {
    cursor: progress;
    border-style: dashed;
  }
  [part~='invite'][aria-disabled='true'] {
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-primary, #0b5cad);
  }
  [part~='link'] {
    inline-size: 100%;
    font-family: ui-monospace, monospace;
  }
  [part~='status']:empty {
    display: none;
  }
  [part~='error'] {
    color: var(--ck-color-error, #b3261e);
    font-weight: 600;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--ck-space-s, 0.5rem);
  }
  li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
  }
  .who {
    flex: 1 1 12rem;
  }
  .joined {
    font-style: italic;
  }
`;

/** After baseStyles: the shared form styles, then the element's own. */
export const guestInviteStyles = [formStyles, guestInviteOwnStyles];

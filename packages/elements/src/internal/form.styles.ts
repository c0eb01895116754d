import { css } from 'lit';

/**
 * A form of labelled fields in a grid (`<guest-invite>`, `<clinician-directory>`): each `.field`
 * a label over its input or select, with an optional `.hint`; fields as tall as a button and with
 * the same visible focus. The element sets the grid's columns (`form { grid-template-columns }`).
 * Comes after {@link baseStyles} and before the element's own styles.
 */
export const formStyles = css`
  form {
    display: grid;
    gap: var(--ck-space-s, 0.5rem) var(--ck-space-m, 1rem);
    align-items: end;
  }
  .field {
    display: grid;
    gap: 0.25rem;
  }
  label {
    font-weight: 600;
  }
  input,
  select {
    font: inherit;
    min-block-size: 2.75rem;
    padding-inline: var(--ck-space-s, 0.5rem);
    border: 2px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-text, #0b0c0c);
  }
  input:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
  .hint {
    margin: 0;
    font-size: 0.875rem;
  }
`;

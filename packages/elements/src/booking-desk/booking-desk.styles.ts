import { css } from 'lit';

export const bookingDeskStyles = css`
  :host {
    display: block;
    line-height: 1.5;
    --_accent: var(--ck-desk-accent, var(--ck-color-primary, #0b5cad));
    --_error: var(--ck-desk-error, var(--ck-color-danger, #c42b1c));
    --_muted: var(--ck-desk-muted, var(--ck-color-muted, #505a5f));
  }
  p {
    margin-block: 0 var(--ck-space-s, 0.5rem);
  }
  [part~='live'] {
    color: var(--_muted);
  }
  [part~='status']:empty {
    display: none;
  }
  [part~='error'] {
    border: 4px solid var(--_error);
    padding: var(--ck-space-m, 1rem);
  }
  [part~='heading'] {
    margin-block: var(--ck-space-l, 1.5rem) var(--ck-space-s, 0.5rem);
    color: var(--_accent);
  }
  [part~='practitioner-name'] {
    margin-block: var(--ck-space-m, 1rem) var(--ck-space-s, 0.5rem);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--ck-space-s, 0.5rem);
  }
  [part~='booking'] {
    background: var(--ck-desk-card, var(--ck-color-surface, #fff));
    border: 1px solid var(--ck-color-border, #4c4c52);
    border-inline-start: 6px solid var(--_accent);
    border-radius: var(--ck-radius, 0.5rem);
    padding: var(--ck-space-m, 1rem);
  }
  [part~='booking'][aria-busy='true'] {
    opacity: 0.7;
  }
  [part~='who'],
  [part~='booking-status'] {
    color: var(--_muted);
  }
  [part~='actions'] {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-s, 0.5rem);
  }
  [part~='video-now'] {
    margin-block: var(--ck-space-m, 1rem);
  }
  [part~='video-now-form'] {
    display: grid;
    gap: var(--ck-space-m, 1rem);
    max-inline-size: 32rem;
    margin-block-start: var(--ck-space-m, 1rem);
    padding: var(--ck-space-m, 1rem);
    background: var(--ck-desk-card, var(--ck-color-surface, #fff));
    border: 1px solid var(--ck-color-border, #4c4c52);
    border-inline-start: 6px solid var(--_accent);
    border-radius: var(--ck-radius, 0.5rem);
  }
  [part~='video-now-form'] h2 {
    margin: 0;
    color: var(--_accent);
  }
  [part~='field'] {
    display: grid;
    gap: var(--ck-space-xs, 0.25rem);
  }
  [part~='field'] p {
    margin: 0;
  }
  [part~='field-error'],
  [part~='error-summary'] a {
    color: var(--_error);
    font-weight: 700;
  }
  [part~='error-summary'] {
    border: 4px solid var(--_error);
    padding: var(--ck-space-m, 1rem);
  }
  [part~='error-summary'] h3 {
    margin-block: 0 var(--ck-space-s, 0.5rem);
  }
  [part~='error-summary'] ul {
    gap: var(--ck-space-xs, 0.25rem);
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--_error);
    border-inline-start-width: 6px;
  }
  [part~='confirm'],
  [part~='video-now-submit'],
  [part~='draft'] button[type='submit'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--ck-color-surface, #fff);
  }
  [part~='draft'] {
    margin-block-start: var(--ck-space-m, 1rem);
    padding-block-start: var(--ck-space-m, 1rem);
    border-block-start: 1px solid var(--ck-color-border, #4c4c52);
    display: grid;
    gap: var(--ck-space-s, 0.5rem);
    max-inline-size: 32rem;
  }
  [part~='draft-heading'] {
    font-weight: 700;
  }
  label {
    font-weight: 600;
  }
  input,
  select,
  textarea {
    font: inherit;
    min-block-size: 44px;
    padding: var(--ck-space-xs, 0.25rem) var(--ck-space-s, 0.5rem);
    border: 2px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
  }
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  [tabindex='-1']:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
  button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: not-allowed;
  }
`;

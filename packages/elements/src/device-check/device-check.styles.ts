import { css } from 'lit';

export const deviceCheckStyles = css`
  :host {
    display: block;
    max-inline-size: var(--ck-device-check-max-inline-size, 40rem);
  }
  [part~='preview'] {
    display: block;
    inline-size: 100%;
    aspect-ratio: 4 / 3;
    background: var(--ck-device-check-preview-background, var(--ck-color-stage, #1d1d1f));
    border-radius: var(--ck-radius, 0.5rem);
    object-fit: cover;
    transform: scaleX(-1);
  }
  .fields {
    display: grid;
    gap: var(--ck-space-m, 1rem);
    margin-block: var(--ck-space-m, 1rem);
  }
  label {
    display: block;
    font-weight: 600;
    margin-block-end: var(--ck-space-xs, 0.25rem);
  }
  select {
    font: inherit;
    inline-size: 100%;
    min-block-size: 44px;
    padding-inline: var(--ck-space-s, 0.5rem);
    border: 2px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-color-surface, #ffffff);
    color: inherit;
  }
  select:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
  [part~='level'] {
    display: block;
    inline-size: 100%;
    block-size: 1rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-s, 0.5rem);
  }
  [part~='continue'] {
    background: var(--ck-color-primary, #0b5cad);
    border-color: var(--ck-color-primary, #0b5cad);
    color: #ffffff;
  }
  [part~='help'] {
    border-inline-start: 6px solid var(--ck-color-danger, #c42b1c);
    padding-inline-start: var(--ck-space-m, 1rem);
    margin-block: var(--ck-space-m, 1rem);
  }
  [part~='help'] h3 {
    margin-block: 0 var(--ck-space-s, 0.5rem);
  }
`;

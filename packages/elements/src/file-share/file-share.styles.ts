import { css } from 'lit';

export const fileShareStyles = css`
  :host {
    display: block;
    padding: var(--ck-space-m, 1rem);
    border: 2px solid var(--ck-file-share-border, var(--ck-color-border, #4c4c52));
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-file-share-background, var(--ck-color-surface, #ffffff));
  }
  h2 {
    margin-block: 0 var(--ck-space-s, 0.5rem);
    font-size: 1.25rem;
  }
  .drop {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem) var(--ck-space-m, 1rem);
    padding: var(--ck-space-m, 1rem);
    border: 2px dashed var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
  }
  .drop.dragging {
    border-style: solid;
    border-color: var(--ck-file-share-drop, var(--ck-color-primary, #0b5cad));
    background: var(--ck-color-surface-alt, #eef4fb);
  }
  .drop p {
    margin: 0;
    flex: 1 1 14rem;
  }
  [part~='choose'] {
    background: var(--ck-color-primary, #0b5cad);
    border-color: var(--ck-color-primary, #0b5cad);
    color: #ffffff;
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
    margin: var(--ck-space-m, 1rem) 0 0;
    padding: 0;
    display: grid;
    gap: var(--ck-space-m, 1rem);
  }
  li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
    padding-block-end: var(--ck-space-s, 0.5rem);
    border-block-end: 1px solid var(--ck-color-border, #4c4c52);
  }
  .what {
    display: grid;
    flex: 1 1 12rem;
    min-inline-size: 0;
  }
  .name {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .from,
  .cancelled,
  .filed,
  .empty {
    font-size: 0.875rem;
  }
  .progress {
    display: flex;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
    flex: 1 1 12rem;
  }
  progress {
    flex: 1;
    block-size: 1rem;
    accent-color: var(--ck-color-primary, #0b5cad);
  }
  [part~='preview'] {
    display: block;
    inline-size: 100%;
    max-inline-size: 16rem;
    max-block-size: 12rem;
    object-fit: contain;
    border: 1px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
  }
  a {
    color: var(--ck-color-link, #0b5cad);
    min-block-size: 44px;
    display: inline-flex;
    align-items: center;
    padding-inline: var(--ck-space-xs, 0.25rem);
  }
  a:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
`;

import { css } from 'lit';

export const waitingRoomStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    padding: var(--ck-space-m, 1rem);
    border: 2px solid var(--ck-waiting-room-border, var(--ck-color-border, #4c4c52));
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-waiting-room-background, var(--ck-color-surface, #ffffff));
  }
  h2 {
    margin-block: 0 var(--ck-space-s, 0.5rem);
    font-size: 1.25rem;
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
    font-weight: 600;
  }
  [part~='admit'] {
    background: var(--ck-color-primary, #0b5cad);
    border-color: var(--ck-color-primary, #0b5cad);
    color: #ffffff;
  }
  [part~='admit'][aria-disabled='true'] {
    cursor: progress;
    border-style: dashed;
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-primary, #0b5cad);
  }
  form {
    display: grid;
    gap: var(--ck-space-s, 0.5rem);
    inline-size: 100%;
  }
  textarea {
    font: inherit;
    min-block-size: 4rem;
    padding: var(--ck-space-s, 0.5rem);
    border: 2px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
  }
  textarea:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
  .buttons {
    display: flex;
    gap: var(--ck-space-s, 0.5rem);
  }
  /* A phone: who is waiting on a line of its own, their buttons under it. */
  @container (inline-size < 26rem) {
    .who {
      flex-basis: 100%;
    }
  }
`;

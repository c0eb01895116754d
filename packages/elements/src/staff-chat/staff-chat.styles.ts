import { css } from 'lit';

/**
 * Logical properties only: the same sheet reads right in a right-to-left page. `baseStyles` comes
 * first (box sizing, `.visually-hidden`, the buttons' defaults).
 *
 * The log and the message form (`.log` to `[part~='send']`) repeat `<consult-chat>`'s rules on
 * purpose. One shared sheet was tried: the CDN build puts it in a chunk beside
 * `internal/message-text.ts`, and apart from each element's own sheet it compresses worse, so
 * every page with a chat grew (the join page with the chat opened and `consult-room.js` by
 * 0.15 kB, over the room's budget; a page with `<staff-chat>` by 0.26 kB).
 */
export const staffChatStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    padding: var(--ck-space-m, 1rem);
    border: 2px solid var(--ck-staff-chat-border, var(--ck-color-border, #4c4c52));
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-text, #0b0c0c);
  }
  h2 {
    margin-block: 0 var(--ck-space-s, 0.5rem);
    font-size: 1.25rem;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
  }
  h3 {
    margin-block: 0 var(--ck-space-xs, 0.25rem);
    font-size: 1.125rem;
  }
  .panes {
    display: grid;
    grid-template-columns: minmax(14rem, 1fr) 2fr;
    gap: var(--ck-space-m, 1rem);
    align-items: start;
  }
  @container (max-width: 40rem) {
    .panes {
      grid-template-columns: 1fr;
    }
  }
  .list-pane,
  .open-pane,
  .conversation,
  .start {
    display: flex;
    flex-direction: column;
    gap: var(--ck-space-s, 0.5rem);
    min-inline-size: 0;
  }
  button,
  input,
  textarea {
    font: inherit;
    color: var(--ck-color-text, #0b0c0c);
    background: var(--ck-color-surface, #ffffff);
    border: 2px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
  }
  button {
    min-block-size: 2.75rem;
    padding-inline: var(--ck-space-m, 1rem);
    cursor: pointer;
  }
  input:not([type='checkbox']) {
    min-block-size: 2.75rem;
    padding-inline: var(--ck-space-s, 0.5rem);
  }
  input[type='checkbox'] {
    inline-size: 1.5rem;
    block-size: 1.5rem;
    margin: 0;
    flex: none;
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  .log:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
  .primary {
    background: var(--ck-color-primary, #0b5cad);
    border-color: var(--ck-color-primary, #0b5cad);
    color: #ffffff;
    justify-self: start;
    align-self: flex-start;
  }
  [aria-disabled='true'] {
    cursor: progress;
  }
  .badge {
    display: inline-block;
    min-inline-size: 1.5rem;
    padding-inline: 0.375rem;
    border-radius: 999px;
    background: var(--ck-staff-chat-badge-background, var(--ck-color-primary, #0b5cad));
    color: #ffffff;
    font-size: 0.875rem;
    font-weight: 700;
    text-align: center;
    line-height: 1.5rem;
  }
  .status:empty {
    display: none;
  }
  .status,
  .notice,
  .hint,
  .empty,
  .members,
  .about {
    margin: 0;
  }
  .notice {
    padding: var(--ck-space-s, 0.5rem) var(--ck-space-m, 1rem);
    border-inline-start: 6px solid var(--ck-color-primary, #0b5cad);
    background: var(--ck-color-surface-alt, #f3f2f1);
    font-weight: 600;
  }
  .about {
    font-size: 0.875rem;
    font-style: italic;
  }
  ul,
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .conversations {
    display: flex;
    flex-direction: column;
    gap: var(--ck-space-xs, 0.25rem);
  }
  [part~='conversation'] {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0 var(--ck-space-s, 0.5rem);
    inline-size: 100%;
    padding: var(--ck-space-s, 0.5rem);
    text-align: start;
    border-width: 1px;
  }
  [part~='conversation'] > :not(.badge) {
    grid-column: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='conversation'] > .badge {
    grid-column: 2;
    grid-row: 1;
    align-self: start;
  }
  [part~='conversation'][aria-current='true'] {
    border-width: 2px;
    border-inline-start-width: 6px;
    border-color: var(--ck-color-primary, #0b5cad);
    background: var(--ck-color-surface-alt, #f3f2f1);
  }
  .name {
    font-weight: 700;
  }
  .last,
  .role {
    font-size: 0.875rem;
  }
  .log {
    max-block-size: var(--ck-staff-chat-max-block-size, 28rem);
    min-block-size: 6rem;
    overflow-y: auto;
    border: 1px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
    padding: var(--ck-space-s, 0.5rem);
  }
  .log ol {
    display: flex;
    flex-direction: column;
    gap: var(--ck-space-s, 0.5rem);
  }
  .log li {
    max-inline-size: 85%;
    align-self: flex-start;
    padding-block: var(--ck-space-xs, 0.25rem);
    padding-inline: var(--ck-space-s, 0.5rem);
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-color-surface-alt, #f0f4f5);
    overflow-wrap: anywhere;
  }
  .log li.mine {
    align-self: flex-end;
    background: var(--ck-staff-chat-mine-background, #e8f1fa);
  }
  .meta {
    margin: 0;
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-s, 0.5rem);
    font-size: 0.875rem;
  }
  [part~='author'] {
    font-weight: 700;
  }
  [part~='text'] {
    margin: 0;
    white-space: pre-wrap;
    text-align: start;
  }
  a {
    color: var(--ck-color-link, #005eb8);
  }
  form[part~='form'] {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: var(--ck-space-xs, 0.25rem) var(--ck-space-s, 0.5rem);
    align-items: end;
  }
  form[part~='form'] label {
    grid-column: 1 / -1;
  }
  label,
  legend {
    font-weight: 600;
  }
  textarea {
    inline-size: 100%;
    min-block-size: 2.75rem;
    resize: vertical;
    padding: var(--ck-space-s, 0.5rem);
  }
  textarea[aria-invalid='true'] {
    border-color: var(--ck-color-error, #d5281b);
  }
  .count,
  .error {
    grid-column: 1 / -1;
    margin: 0;
    font-size: 0.875rem;
  }
  .error {
    color: var(--ck-color-error, #d5281b);
    font-weight: 600;
  }
  .error:empty {
    display: none;
  }
  [part~='send'] {
    grid-row: 2;
    grid-column: 2;
  }
  .find {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: var(--ck-space-s, 0.5rem);
  }
  .find label {
    flex-basis: 100%;
  }
  .find input {
    flex: 1 1 12rem;
  }
  fieldset {
    margin: 0;
    padding: var(--ck-space-s, 0.5rem);
    border: 1px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
    max-block-size: 16rem;
    overflow-y: auto;
  }
  .colleagues li {
    display: flex;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
    min-block-size: 2.75rem;
  }
  .colleagues label {
    font-weight: 400;
  }
  .field {
    display: grid;
    gap: 0.25rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-s, 0.5rem);
  }
`;

import { css } from 'lit';

/** Logical properties only: the same sheet reads right in a right-to-left page. */
export const consultChatStyles = css`
  :host {
    display: block;
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-text, #1d1d1f);
    border-radius: var(--ck-radius, 0.5rem);
    padding: var(--ck-space-s, 0.5rem);
  }
  section {
    display: flex;
    flex-direction: column;
    gap: var(--ck-space-s, 0.5rem);
  }
  h2 {
    font-size: 1.125rem;
    margin: 0;
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--ck-space-s, 0.5rem);
  }
  .unread {
    font-size: 0.875rem;
    font-weight: 600;
    padding-inline: var(--ck-space-s, 0.5rem);
    border-radius: 999px;
    background: var(--ck-color-primary, #005eb8);
    color: #ffffff;
  }
  .log {
    max-block-size: var(--ck-chat-max-block-size, 24rem);
    min-block-size: 4rem;
    overflow-y: auto;
    border: 1px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
    padding: var(--ck-space-s, 0.5rem);
  }
  .log:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: var(--ck-space-s, 0.5rem);
  }
  li {
    max-inline-size: 85%;
    align-self: flex-start;
    padding-block: var(--ck-space-xs, 0.25rem);
    padding-inline: var(--ck-space-s, 0.5rem);
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-chat-other-background, #f0f4f5);
    overflow-wrap: anywhere;
  }
  li.mine {
    align-self: flex-end;
    background: var(--ck-chat-mine-background, #e8f1fa);
  }
  .meta {
    margin: 0;
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-s, 0.5rem);
    font-size: 0.875rem;
    color: var(--ck-color-text-secondary, #4c6272);
  }
  [part~='author'] {
    font-weight: 600;
    color: var(--ck-color-text, #1d1d1f);
  }
  [part~='text'] {
    margin: 0;
    white-space: pre-wrap;
    text-align: start;
  }
  a {
    color: var(--ck-color-link, #005eb8);
  }
  [part~='delivery'] {
    font-size: 0.875rem;
    color: var(--ck-color-text-secondary, #4c6272);
  }
  [part~='delivery'].failed {
    /* Darker than the error token: it sits on the message's tinted background (4.5:1 and more). */
    color: var(--ck-chat-error-color, #a8211a);
    font-weight: 600;
  }
  [part~='retry'] {
    margin-inline-start: var(--ck-space-s, 0.5rem);
    min-block-size: 44px;
  }
  .empty,
  .notice {
    margin: 0;
    color: var(--ck-color-text-secondary, #4c6272);
  }
  form {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: var(--ck-space-xs, 0.25rem) var(--ck-space-s, 0.5rem);
    align-items: end;
  }
  label {
    grid-column: 1 / -1;
    font-weight: 600;
  }
  textarea {
    font: inherit;
    inline-size: 100%;
    min-block-size: 44px;
    resize: vertical;
    padding: var(--ck-space-s, 0.5rem);
    border: 2px solid var(--ck-color-border, #4c4c52);
    border-radius: var(--ck-radius, 0.5rem);
    color: inherit;
    background: var(--ck-color-surface, #ffffff);
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
    background: var(--ck-color-primary, #005eb8);
    border-color: var(--ck-color-primary, #005eb8);
    color: #ffffff;
  }
`;

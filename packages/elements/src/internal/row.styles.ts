import { css } from 'lit';

/**
 * A `.row` of controls and words that wraps on a narrow screen (`<consult-recorder>`,
 * `<screen-share>`: their button beside what it says). Comes after {@link baseStyles} and before
 * the element's own styles.
 */
export const rowStyles = css`
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-s, 0.5rem);
  }
`;

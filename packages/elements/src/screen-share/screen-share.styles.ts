import { css } from 'lit';
import { rowStyles } from '../internal/row.styles.js';

const screenShareOwnStyles = css`
  :host {
    display: block;
  }
  /* Among other controls (as in <consult-room>): the button alone; who shares is said by the host. */
  :host([controls-only]) {
    display: inline-block;
  }
  [part~='state'] {
    margin: 0;
  }
  [part~='toggle'][aria-pressed='true'] {
    background: var(--ck-screen-share-on-background, var(--ck-color-toggle-on, #ffdd00));
    color: var(--ck-color-text, #0b0c0c);
  }
  [part~='screen'] {
    display: block;
    inline-size: 100%;
    max-block-size: var(--ck-screen-share-max-block-size, 70vh);
    margin-block-start: var(--ck-space-s, 0.5rem);
    background: #000;
    /* A screen is read, never cropped. */
    object-fit: contain;
    border-radius: var(--ck-radius, 0.5rem);
  }
  [part~='error'] {
    margin: 0;
    flex-basis: 100%;
    color: var(--ck-screen-share-error-color, inherit);
    font-weight: 600;
  }
`;

/** After baseStyles: the shared `.row`, then the element's own. */
export const screenShareStyles = [rowStyles, screenShareOwnStyles];

import { css } from 'lit';

/**
 * Shared base styles: global design tokens (`--ck-*`) with defaults, set by a theme on `:root`
 * (`themes/default.css`, `themes/nhs.css`) or by the host.
 */
export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--ck-color-text, #1d1d1f);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  button {
    font: inherit;
    min-block-size: 44px;
    min-inline-size: 44px;
    padding-block: var(--ck-space-s, 0.5rem);
    padding-inline: var(--ck-space-m, 1rem);
    border-radius: var(--ck-radius, 0.5rem);
    border: 2px solid var(--ck-color-border, #4c4c52);
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-text, #1d1d1f);
    cursor: pointer;
  }
  button:focus-visible,
  summary:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
    box-shadow: 0 0 0 5px var(--ck-color-focus-ring, #0b0c0c);
  }
  /*
   * A date field's calendar button takes a Tab stop of its own with only the browser's thin ring,
   * and the field loses ours meanwhile. Dates here are typed (a date of birth is remembered, not
   * picked: GOV.UK's advice); the browser's picker still opens with Alt+Down.
   */
  ::-webkit-calendar-picker-indicator {
    display: none;
  }
  /* WCAG 2.3.3 / reduced motion: no element animates today; this keeps it so for any that would. */
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

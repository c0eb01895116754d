import { css } from 'lit';

export const consultRoomStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    background: var(--ck-room-background, var(--ck-color-stage, #0b0c0c));
    color: var(--ck-room-color, #ffffff);
    border-radius: var(--ck-room-radius, var(--ck-radius, 0.5rem));
    padding: var(--ck-space-s, 0.5rem);
  }
  .stage {
    position: relative;
    aspect-ratio: 4 / 3;
    max-block-size: var(--ck-room-max-block-size, 80vh);
    inline-size: 100%;
    background: var(--ck-room-stage-background, #1d1d1f);
    border-radius: var(--ck-radius, 0.5rem);
    overflow: hidden;
  }
  /* A consultation of any number: the grid sizes itself (never taller than the screen allows). */
  .room-stage {
    position: relative;
  }
  /* A shared screen: large, the cameras in a narrow column at the inline end (under it on a phone). */
  .room-stage[data-screen] {
    display: grid;
    grid-template-columns: minmax(0, 1fr) var(--ck-room-filmstrip-size, clamp(8rem, 22%, 16rem));
    gap: var(--ck-space-s, 0.5rem);
    align-items: start;
  }
  .room-stage[data-screen] .screen-caption {
    grid-column: 1 / -1;
    margin: 0;
    font-weight: 600;
  }
  /* In the column beside the screen your own view is a tile as wide as the others. */
  .room-stage[data-screen] participant-grid::part(self) {
    inline-size: 100%;
  }
  screen-share {
    --ck-screen-share-error-color: var(--ck-room-error-color, #ffb3ad);
  }
  .room-stage .screen {
    inline-size: 100%;
    max-block-size: var(--ck-room-max-block-size, 80vh);
    aspect-ratio: 16 / 10;
    object-fit: contain;
    background: var(--ck-room-stage-background, #1d1d1f);
    border-radius: var(--ck-radius, 0.5rem);
  }
  @container (inline-size < 36rem) {
    .room-stage[data-screen] {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .room-stage .placeholder.gone {
    position: static;
    min-block-size: 12rem;
    background: var(--ck-room-stage-background, #1d1d1f);
    border-radius: var(--ck-radius, 0.5rem);
  }
  .rejoin {
    display: block;
    margin-block: var(--ck-space-s, 0.5rem) 0;
    margin-inline: auto;
    background: var(--ck-color-primary, #005eb8);
    border-color: var(--ck-color-primary, #005eb8);
    color: #ffffff;
  }
  video {
    display: block;
    background: #000;
    object-fit: cover;
  }
  /* The other person is never cropped: a clinician must see the whole patient, whatever the shapes. */
  [part~='remote-video'] {
    inline-size: 100%;
    block-size: 100%;
    object-fit: contain;
    background: var(--ck-room-stage-background, #1d1d1f);
  }
  [part~='local-video'] {
    position: absolute;
    inset-block-end: var(--ck-space-s, 0.5rem);
    inset-inline-end: var(--ck-space-s, 0.5rem);
    inline-size: var(--ck-room-local-size, 28%);
    aspect-ratio: 4 / 3;
    border: 2px solid var(--ck-color-surface, #ffffff);
    border-radius: var(--ck-radius, 0.5rem);
    /* A preview is a mirror, as people expect of themselves. */
    transform: scaleX(-1);
  }
  .placeholder {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    padding: var(--ck-space-m, 1rem);
    text-align: center;
    font-size: 1.125rem;
  }
  [part~='controls'] {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ck-space-s, 0.5rem);
    justify-content: center;
    padding-block-start: var(--ck-space-s, 0.5rem);
  }
  button[aria-pressed='true'] {
    background: var(--ck-color-toggle-on, #ffdd00);
    color: var(--ck-color-text, #0b0c0c);
  }
  [part~='hang-up'] {
    background: var(--ck-color-danger, #d5281b);
    border-color: var(--ck-color-danger, #d5281b);
    color: #ffffff;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    align-items: center;
    gap: var(--ck-space-m, 1rem);
  }
  [part~='status'],
  [part~='network'],
  [part~='notice'] {
    margin: 0;
    padding-block: var(--ck-space-xs, 0.25rem);
    text-align: center;
  }
  [part~='network'] {
    display: inline-flex;
    align-items: center;
    gap: var(--ck-space-xs, 0.25rem);
  }
  .bars {
    display: inline-flex;
    align-items: flex-end;
    gap: 2px;
    block-size: 1rem;
  }
  .bars i {
    display: block;
    inline-size: 4px;
    background: currentColor;
    opacity: 0.35;
  }
  .bars i:nth-child(1) {
    block-size: 40%;
  }
  .bars i:nth-child(2) {
    block-size: 70%;
  }
  .bars i:nth-child(3) {
    block-size: 100%;
  }
  .bars i[data-on] {
    opacity: 1;
  }
  [part~='network'][data-quality='poor'] .bars i[data-on] {
    color: var(--ck-room-poor-color, #ffb3ad);
  }
  [part~='banner'] {
    position: absolute;
    inset-block-start: var(--ck-space-s, 0.5rem);
    inset-inline: var(--ck-space-s, 0.5rem);
    padding: var(--ck-space-s, 0.5rem) var(--ck-space-m, 1rem);
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-room-banner-background, #ffdd00);
    color: var(--ck-room-banner-color, #0b0c0c);
    font-weight: 700;
    text-align: center;
  }
  [part~='notice'] {
    font-style: italic;
  }
  [part~='error'] {
    color: var(--ck-room-error-color, #ffb3ad);
  }
  /* The chat panel, under the controls (the stage's layout is not the chat's to change). */
  [part~='chat'] {
    margin-block-start: var(--ck-space-s, 0.5rem);
  }
`;

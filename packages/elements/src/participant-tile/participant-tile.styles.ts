import { css } from 'lit';

export const participantTileStyles = css`
  :host {
    display: block;
    position: relative;
    container-type: inline-size;
    min-inline-size: 0;
    min-block-size: 0;
    color: var(--ck-tile-color, #ffffff);
  }
  /* The picture above, the caption under it: nothing is drawn over anyone's picture. */
  .tile {
    position: relative;
    display: grid;
    grid-template-rows: minmax(0, 1fr) auto;
    inline-size: 100%;
    block-size: 100%;
    min-block-size: 4rem;
    overflow: hidden;
    border-radius: var(--ck-radius, 0.5rem);
    background: var(--ck-tile-background, #1d1d1f);
  }
  /* The whole picture, always: a clinician must see all of the patient, whatever the tile's shape. */
  .picture {
    position: relative;
    min-block-size: 0;
  }
  video {
    display: block;
    inline-size: 100%;
    block-size: 100%;
    object-fit: contain;
    background: var(--ck-tile-background, #1d1d1f);
  }
  /* A preview is a mirror, as people expect of themselves. */
  video[data-mirror] {
    transform: scaleX(-1);
  }
  [part~='placeholder'] {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: var(--ck-tile-background, #1d1d1f);
  }
  [part~='placeholder'] span {
    display: grid;
    place-items: center;
    inline-size: clamp(2.5rem, 30%, 6rem);
    aspect-ratio: 1;
    border-radius: 50%;
    background: #4c4c52;
    font-size: clamp(1rem, 4vmin, 2rem);
    font-weight: 700;
  }
  /* The active speaker: a thick outline around the whole tile (a shape, not only a colour). */
  :host([active]) {
    outline: 4px solid var(--ck-tile-active-color, #ffdd00);
    outline-offset: 0;
    border-radius: var(--ck-radius, 0.5rem);
  }
  .caption {
    display: flex;
    padding: var(--ck-space-xs, 0.25rem);
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-xs, 0.25rem);
  }
  [part~='label'],
  [part~='marker'] {
    padding-block: 0.125rem;
    padding-inline: var(--ck-space-xs, 0.25rem);
    border-radius: var(--ck-radius-s, 0.25rem);
    background: var(--ck-tile-marker-background, #0b0c0c);
    color: var(--ck-tile-color, #ffffff);
    font-size: 0.8125rem;
    line-height: 1.35;
    overflow-wrap: anywhere;
  }
  [part~='label'] {
    font-weight: 700;
  }
  [part~='markers'] {
    display: contents;
    list-style: none;
  }
  [part~='marker'] {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
  }
  .icon {
    display: inline-block;
    inline-size: 0.625rem;
    block-size: 0.625rem;
    border-radius: 50%;
    background: currentColor;
  }
  [part~='marker-muted'] .icon,
  [part~='marker-camera-off'] .icon {
    border-radius: 0;
    clip-path: polygon(20% 0, 100% 80%, 80% 100%, 0 20%);
  }
  [part~='marker-poor-network'] {
    background: var(--ck-tile-poor-background, #ffdd00);
    color: #0b0c0c;
  }
  [part~='marker-poor-network'] .icon {
    border-radius: 0;
    clip-path: polygon(50% 0, 100% 100%, 0 100%);
  }
  [part~='marker-speaking'] .icon {
    border-radius: 0;
    clip-path: polygon(0 30%, 40% 30%, 80% 0, 80% 100%, 40% 70%, 0 70%);
  }
  [part~='actions'] {
    margin-inline-start: auto;
    display: flex;
    flex-wrap: wrap;
    justify-content: end;
    gap: var(--ck-space-xs, 0.25rem);
  }
  [part~='sound'],
  [part~='actions'] button {
    min-block-size: 2rem;
    padding-block: 0.125rem;
    padding-inline: var(--ck-space-s, 0.5rem);
  }
  [part~='admit'] {
    background: var(--ck-color-primary, #005eb8);
    border-color: var(--ck-color-primary, #005eb8);
    color: #ffffff;
  }
  button[aria-disabled='true'] {
    cursor: progress;
    border-style: dashed;
    background: var(--ck-color-surface, #ffffff);
    color: var(--ck-color-primary, #005eb8);
  }
  /* A small tile (a phone with many people): markers as icons, their words kept for screen readers. */
  @container (inline-size < 15rem) {
    [part~='marker'] .text {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    [part~='marker'] {
      padding-block: 0.25rem;
    }
    .icon {
      inline-size: 0.875rem;
      block-size: 0.875rem;
    }
  }
`;

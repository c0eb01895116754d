import { css } from 'lit';

export const participantGridStyles = css`
  :host {
    display: block;
    container-type: inline-size;
  }
  .stage {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--ck-grid-gap, var(--ck-space-s, 0.5rem));
    align-items: start;
  }
  /* Your own view beside one or two others: at the inline end on a wide screen. */
  .stage[data-aside] {
    grid-template-columns: minmax(0, 1fr) var(--ck-grid-self-size, clamp(7rem, 22%, 16rem));
  }
  .self {
    aspect-ratio: 4 / 3;
  }
  .grid {
    --cols: var(--cols-wide);
    --rows: var(--rows-wide);
    display: grid;
    grid-template-columns: repeat(var(--cols), minmax(0, 1fr));
    grid-template-rows: repeat(var(--rows), minmax(0, 1fr));
    gap: var(--ck-grid-gap, var(--ck-space-s, 0.5rem));
    /* As tall as 4:3 pictures and their captions need, never taller than the screen allows (the controls stay in view). */
    --row-ratio: 3.5;
    aspect-ratio: calc(var(--cols) * 4) / calc(var(--rows) * var(--row-ratio));
    max-block-size: var(--ck-grid-max-block-size, 64vh);
    inline-size: 100%;
  }
  .grid[data-span-wide] > .span {
    grid-column: span 2;
  }
  /* A phone: fewer columns, and your own view under the grid, at the inline end. */
  @container (inline-size < 36rem) {
    .grid {
      --cols: var(--cols-narrow);
      --rows: var(--rows-narrow);
      --row-ratio: var(--row-ratio-narrow);
      max-block-size: var(--ck-grid-max-block-size, 70vh);
    }
    .grid[data-span-wide] > .span {
      grid-column: auto;
    }
    .grid[data-span-narrow] > .span {
      grid-column: span 2;
    }
    .stage[data-aside] {
      grid-template-columns: minmax(0, 1fr);
    }
    .self {
      justify-self: end;
      inline-size: 40%;
    }
  }
`;

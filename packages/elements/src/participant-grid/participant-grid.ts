import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import type { ParticipantState, PendingCommand } from '@consultkit/core';
import { baseStyles } from '../internal/tokens.styles.js';
import { participantGridStyles } from './participant-grid.styles.js';
// The class (no side effects: participant-grid/define.ts registers the tag), for the template's checks.
import '../participant-tile/participant-tile.js';
import type { ParticipantTile } from '../participant-tile/participant-tile.js';

/** Columns and rows for `tiles` tiles, in a wide and a narrow (phone) container. */
export function gridShape(tiles: number, narrow: boolean): { cols: number; rows: number } {
  const n = Math.max(1, tiles);
  const cols = narrow ? (n <= 2 ? 1 : 2) : n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
  return { cols, rows: Math.ceil(n / cols) };
}

/**
 * The participants of a consultation as a grid that adapts to how many there are: one fills the
 * stage; two sit side by side (stacked on a phone); three and four make two by two; five and six
 * three by two (two by three on a phone); more, three or four columns. The active speaker comes
 * first, outlined, and takes two cells where one would be left empty. Your own view is small
 * beside one or two others, and one tile among the rest from four people on. A thin view over
 * `ParticipantState` values; tile events (`ck-request-admit`, `ck-request-remove`) bubble through.
 *
 * @summary Grid of participant tiles: adapts to the count, the active speaker first.
 * @tagname participant-grid
 *
 * @csspart stage - The grid and your own view.
 * @csspart grid - The grid of tiles.
 * @csspart self - Your own tile, when it sits beside the grid.
 *
 * @cssproperty --ck-grid-max-block-size - Tallest the grid may grow (default 64vh; 70vh on a phone).
 * @cssproperty --ck-grid-self-size - Width of your own view beside one or two others.
 * @cssproperty --ck-grid-gap - Space between tiles.
 */
@localized()
export class ParticipantGrid extends ConsultKitElement {
  static override styles = [baseStyles, participantGridStyles];

  /** The others (core's `participants`), those to show: admitted and present. Not an attribute. */
  @property({ attribute: false })
  participants: readonly ParticipantState[] = [];

  /** This page's own participant (core's `self`), or null. Not an attribute. */
  @property({ attribute: false })
  self: ParticipantState | null = null;

  /** The commands at work (core's `pending`), handed to each tile. */
  @property({ attribute: false })
  pending: readonly PendingCommand[] = [];

  /** Show the clinician's tile controls. */
  @property({ type: Boolean, attribute: 'can-manage' })
  canManage = false;

  /** The peer id of the active speaker: whoever spoke last stays so until another speaks. */
  #active: string | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('participants')) return;
    const speaking = this.participants.filter((p) => p.speaking);
    if (!speaking.some((p) => p.peerId === this.#active)) this.#active = speaking[0]?.peerId ?? this.#active;
    if (!this.participants.some((p) => p.peerId === this.#active)) this.#active = null;
  }

  /** The active speaker (a peer id), or null: for hosts and tests. */
  get activeSpeaker(): string | null {
    return this.#active;
  }

  /** The grid's shape as custom properties, and its tiles in order: set after each render. */
  #shape: Record<string, string> = {};
  #order: { p: ParticipantState; span: boolean }[] = [];
  /**
   * One tile per participant, kept while they are in the grid: a tile (and its video) never moves
   * to another person when someone leaves or the active speaker comes first (as Lit's `repeat`
   * keyed by peer id did, without its 1 kB).
   */
  readonly #tiles = new Map<string, ParticipantTile>();

  /**
   * The shape is set through the CSSOM (as Lit's `styleMap` does): a page whose
   * Content-Security-Policy refuses inline styles still lets it through. The tiles are placed in
   * order, each moved only when it is not where it belongs (a moved tile shows its picture again
   * once back in the page).
   */
  protected override updated(): void {
    const grid = this.renderRoot.querySelector<HTMLElement>('.grid');
    if (!grid) return;
    for (const [name, value] of Object.entries(this.#shape)) grid.style.setProperty(name, value);
    // Those gone first, so that no one else's tile moves for them.
    const shown = new Set(this.#order.map(({ p }) => p.peerId));
    for (const [peerId, tile] of this.#tiles) {
      if (shown.has(peerId)) continue;
      tile.remove();
      this.#tiles.delete(peerId);
    }
    this.#order.forEach(({ p, span }, i) => {
      let tile = this.#tiles.get(p.peerId);
      if (!tile) {
        tile = document.createElement('participant-tile');
        tile.setAttribute('exportparts', 'tile, video, placeholder, label, markers, marker, actions, admit, remove');
        this.#tiles.set(p.peerId, tile);
      }
      tile.className = span ? 'span' : '';
      tile.participant = p;
      tile.pending = this.pending;
      tile.canManage = this.canManage;
      tile.active = p.peerId === this.#active && this.participants.length > 1;
      if (grid.children[i] !== tile) grid.insertBefore(tile, grid.children[i] ?? null);
    });
  }

  protected override render() {
    const others = [...this.participants].sort(
      (a, b) => Number(b.peerId === this.#active) - Number(a.peerId === this.#active),
    );
    const self = this.self;
    // Your own view: alone, it is the stage; beside one or two others, small at the side; from
    // four people on, one tile among the rest (a small view over the grid would cover someone).
    const selfAside = !!self && others.length >= 1 && others.length <= 2;
    const tiles: ParticipantState[] = selfAside || !self ? others : [...others, self];
    const wide = gridShape(tiles.length, false);
    const narrow = gridShape(tiles.length, true);
    const spanWide = wide.cols * wide.rows - tiles.length === 1 && wide.cols > 1;
    const spanNarrow = narrow.cols * narrow.rows - tiles.length === 1 && narrow.cols > 1;
    this.#order = tiles.map((p, i) => ({ p, span: i === 0 }));
    this.#shape = {
      '--cols-wide': String(wide.cols),
      '--rows-wide': String(wide.rows),
      '--cols-narrow': String(narrow.cols),
      '--rows-narrow': String(narrow.rows),
      // Two columns of small tiles: their captions take a larger share of the height.
      '--row-ratio-narrow': narrow.cols === 1 ? '3.5' : '4',
    };
    return html`<div part="stage" class="stage" ?data-aside=${selfAside}>
      <div
        part="grid"
        class="grid"
        role="group"
        aria-label=${msg('Participants')}
        data-count=${tiles.length}
        ?data-span-wide=${spanWide}
        ?data-span-narrow=${spanNarrow}
      ></div>
      ${
        selfAside && self
          ? html`<participant-tile
              part="self"
              class="self"
              exportparts="tile: self-tile, video: self-video, label: self-label, markers: self-markers"
              .participant=${self}
            ></participant-tile>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'participant-grid': ParticipantGrid;
  }
}

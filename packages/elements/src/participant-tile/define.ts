import { ParticipantTile } from './participant-tile.js';

export { ParticipantTile };

if (!customElements.get('participant-tile')) customElements.define('participant-tile', ParticipantTile);

declare global {
  interface HTMLElementTagNameMap {
    'participant-tile': ParticipantTile;
  }
}

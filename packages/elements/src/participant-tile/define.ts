import { ParticipantTile } from './participant-tile.js';

export { ParticipantTile };

if (!customElements.get('participant-tile')) customElements.define('participant-tile', ParticipantTile);

// The grid renders <participant-tile>: registered with it.
import '../participant-tile/define.js';
import { ParticipantGrid } from './participant-grid.js';

export { ParticipantGrid };

if (!customElements.get('participant-grid')) customElements.define('participant-grid', ParticipantGrid);

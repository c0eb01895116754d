/**
 * CDN bundle of `<consult-room>`: registers the element and exports what a page needs to drive it
 * with no build step (`<script type="module" src=".../cdn/consult-room.js">`).
 */
import '../consult-room/define.js';

export { ConsultRoom } from '../consult-room/consult-room.js';
export { ParticipantGrid } from '../participant-grid/participant-grid.js';
export { ParticipantTile } from '../participant-tile/participant-tile.js';
export { ConsultChat } from '../consult-chat/consult-chat.js';
export { Consultation, ConsultKitError, createStore } from '@consultkit/core';

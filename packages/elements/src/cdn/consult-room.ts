/**
 * CDN entry of `<consult-room>`: registers the element and exports what a page needs to drive it
 * with no build step (`<script type="module" src=".../cdn/consult-room.js">`).
 */
export { define, ConsultRoom } from '../consult-room/define.js';
export { ParticipantGrid } from '../participant-grid/participant-grid.js';
export { ParticipantTile } from '../participant-tile/participant-tile.js';
export { ScreenShareElement } from '../screen-share/screen-share.js';
export { ConsultChat } from '../consult-chat/consult-chat.js';
export { ConsultRecorder } from '../consult-recorder/consult-recorder.js';
export { Consultation, ConsultKitError, createStore } from '@consultkit/core';

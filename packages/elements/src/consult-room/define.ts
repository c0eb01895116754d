// The room renders <participant-grid> (and its <participant-tile>s): registered with it.
import '../participant-grid/define.js';
// The room offers documents with <file-share>: registered with it.
import '../file-share/define.js';
import { ConsultRoom } from './consult-room.js';

export { ConsultRoom };

if (!customElements.get('consult-room')) customElements.define('consult-room', ConsultRoom);

declare global {
  interface HTMLElementTagNameMap {
    'consult-room': ConsultRoom;
  }
}

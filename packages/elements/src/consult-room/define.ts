import { ConsultRoom } from './consult-room.js';

export { ConsultRoom };

if (!customElements.get('consult-room')) customElements.define('consult-room', ConsultRoom);

declare global {
  interface HTMLElementTagNameMap {
    'consult-room': ConsultRoom;
  }
}

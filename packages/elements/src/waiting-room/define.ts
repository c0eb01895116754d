import { WaitingRoom } from './waiting-room.js';

export { WaitingRoom };

if (!customElements.get('waiting-room')) customElements.define('waiting-room', WaitingRoom);

declare global {
  interface HTMLElementTagNameMap {
    'waiting-room': WaitingRoom;
  }
}

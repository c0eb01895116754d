import { ConsultChat } from './consult-chat.js';

export { ConsultChat };

if (!customElements.get('consult-chat')) customElements.define('consult-chat', ConsultChat);

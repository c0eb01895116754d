import { ScreenShareElement } from './screen-share.js';

export { ScreenShareElement };

if (!customElements.get('screen-share')) customElements.define('screen-share', ScreenShareElement);

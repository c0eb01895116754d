import { FileShare } from './file-share.js';

export { FileShare };

if (!customElements.get('file-share')) customElements.define('file-share', FileShare);

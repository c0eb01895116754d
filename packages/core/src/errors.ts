export { ConsultKitError, type ConsultKitErrorCode } from './contract/errors.js';
export { LinkError, type LinkErrorCode } from './contract/link-error.js';

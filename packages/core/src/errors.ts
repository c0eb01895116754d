export { ConsultKitError, LinkError, type ConsultKitErrorCode, type LinkErrorCode } from './contract/errors.js';

export {
  Files,
  DocumentError,
  checkDocument,
  type DocumentErrorCode,
  type FilesOptions,
  type FilesState,
  type SharedDocument,
} from './files.js';

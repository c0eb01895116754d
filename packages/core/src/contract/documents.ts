/**
 * Documents shared in a consultation (docs/collaboration.md, docs/decisions/0026-documents.md):
 * the limits, the type check from the content's first bytes, the name rule and the wire types,
 * written once for the server and core.
 */

import { DOCUMENT } from './document-notice.js';

/** The largest document: 20 MB (20 × 1024 × 1024 bytes). */
export const DOCUMENT_MAX_BYTES = 20 * 1024 * 1024;

/** The longest name kept (characters, after sanitising). */
export const DOCUMENT_NAME_MAX = 120;

/** The types a document may have, as its first bytes say. */
export const DOCUMENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** What the first bytes of a file are: one of {@link DOCUMENT_TYPES}, `heic`, or `unknown`. */
export type Sniffed = DocumentType | 'image/heic' | 'unknown';

/** How many first bytes {@link sniffDocumentType} needs. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

/** The type of a file from its first bytes (its magic number), never from its name. */
export function sniffDocumentType(bytes: Uint8Array): Sniffed {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 12 && ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'image/webp';
  if (b.length >= 5 && ascii(b, 0, '%PDF-')) return 'application/pdf';
  if (
    b.length >= 12 &&
    ascii(b, 4, 'ftyp') &&
    /^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif)$/.test(String.fromCharCode(...b.subarray(8, 12)))
  ) {
    return 'image/heic';
  }
  return 'unknown';
}

/** The extensions a name may end with, for each type (a `.pdf` that is a PNG is refused). */
export const DOCUMENT_EXTENSIONS: Record<DocumentType, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};

/**
 * A file name as it is kept and shown (the bytes are stored by id: a name is never a path): no control or bidirectional-override
 * characters, no characters that mean something in a header, a path or markup
 * (`<>:"/\|?*`), spaces collapsed, at most {@link DOCUMENT_NAME_MAX} characters with the
 * extension kept; `document` when nothing is left.
 */
export function sanitiseDocumentName(name: string): string {
  let clean = name
    .normalize('NFC')
    // Control characters (C0, C1) and bidirectional marks and overrides go.
    .replace(/\p{Cc}|[\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '')
    .replace(/[<>:"/\\|?*`;]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if ([...clean].length > DOCUMENT_NAME_MAX) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 6 ? clean.slice(dot) : '';
    clean = [...clean.slice(0, clean.length - ext.length)].slice(0, DOCUMENT_NAME_MAX - ext.length).join('') + ext;
  }
  return clean || 'document';
}

/** The extension of a name, lower case, or '' when it has none. */
export function documentExtension(name: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(name);
  return match ? match[1]!.toLowerCase() : '';
}

/** Why a document is refused: one code per rule, said in both places. */
export type DocumentProblem = 'too-large' | 'empty' | 'heic' | 'wrong-type' | 'name-mismatch';

/**
 * Checks a file before and as it is sent: its size, and (given its first bytes) its type and that
 * its name's extension agrees. Null when it may be sent.
 */
export function documentProblem(name: string, size: number, firstBytes?: Uint8Array): DocumentProblem | null {
  if (size > DOCUMENT_MAX_BYTES) return 'too-large';
  if (size <= 0) return 'empty';
  const ext = documentExtension(name);
  if (ext === 'heic' || ext === 'heif') return 'heic';
  if (!firstBytes) return null;
  const type = sniffDocumentType(firstBytes);
  if (type === 'image/heic') return 'heic';
  if (type === 'unknown') return 'wrong-type';
  if (!DOCUMENT_EXTENSIONS[type].includes(ext)) return 'name-mismatch';
  return null;
}

/** The sentence for each problem (the server's OperationOutcome; elements say it in the page's language). */
export const DOCUMENT_PROBLEM_TEXT: Record<DocumentProblem, string> = {
  'too-large': 'The file is larger than 20 MB.',
  empty: 'The file is empty.',
  heic: 'HEIC photos cannot be shared: choose "Most compatible" (JPEG) in the camera settings, or send a screenshot of the photo.',
  'wrong-type': 'Only PNG, JPEG and WebP pictures and PDF documents can be shared.',
  'name-mismatch': "The file's name does not match what it contains (for example a picture named .pdf).",
};

/** The issue detail system of a document refusal (`details.coding[0].code` is a {@link DocumentProblem}). */
export const DOCUMENT_PROBLEM_SYSTEM = 'urn:consultkit:document-problem';

/** A document of a consultation, as the server lists it and announces it. */
export interface DocumentInfo {
  /** The document's id (also its upload's id). */
  id: string;
  /** The sanitised name. */
  name: string;
  /** The type from its first bytes; null until they arrived. */
  type: DocumentType | null;
  /** Its size in bytes, as declared at the start. */
  size: number;
  /** Bytes received so far. */
  received: number;
  /** `uploading`, `complete`, or `cancelled` (by its sender, or refused by the server). */
  status: 'uploading' | 'complete' | 'cancelled';
  /** Hex SHA-256 of the bytes, once complete. */
  sha256: string | null;
  /** Who sent it: their role and the name the others see. */
  from: { role: 'patient' | 'clinician' | 'guest' | 'staff'; name: string };
  /** When the upload started (ISO 8601). */
  createdAt: string;
  /** The `DocumentReference` id once a clinician filed it to the patient's record. */
  filed: string | null;
}

/** The server tells every connected page of the consultation of a document's change. */
export { DOCUMENT };
export interface DocumentMessage {
  type: typeof DOCUMENT;
  payload: DocumentInfo;
}

/** `GET /api/consultations/:id/documents`. */
export interface DocumentList {
  documents: DocumentInfo[];
}

/** The path of a consultation's documents (tus uploads are created here with POST). */
export const documentsPath = (appointmentId: number | string) => `/api/consultations/${appointmentId}/documents`;

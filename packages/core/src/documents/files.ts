/**
 * Documents shared in a consultation (docs/collaboration.md, "Documents"): a participant sends a
 * picture or a PDF, resumably (tus, through `tus-js-client`), and every other participant let in
 * sees it arrive (`CK-DOCUMENT` notices on the signalling socket), with progress on both sides.
 *
 * State is one store: the consultation's documents, each with its progress (a fraction that never
 * goes backwards) and, once complete, where to view and download it. Commands: `send(file)`,
 * `cancel(id)`, `resume(id)`, `refresh()`, `fileToRecord(id)` (a clinician). Errors are
 * `DocumentError`s (a `ConsultKitError`): `document-refused` with the `problem`,
 * `document-failed`, `document-cancelled`.
 */
import type { DetailedError, Upload } from 'tus-js-client';
import {
  DOCUMENT_PROBLEM_SYSTEM,
  DOCUMENT_PROBLEM_TEXT,
  SNIFF_BYTES,
  documentProblem,
  documentsPath,
  sanitiseDocumentName,
  type DocumentInfo,
  type DocumentList,
  type DocumentProblem,
} from '../contract/documents.js';
import { ConsultKitError } from '../errors.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';

/** A document as this page shows it. */
export interface SharedDocument extends DocumentInfo {
  /** Sent from this page (its upload may be cancelled or resumed here). */
  mine: boolean;
  /** How much has arrived at the server, 0 to 1: it never goes backwards. */
  progress: number;
  /** This page's own upload stopped (network lost after retries): `resume(id)` goes on from the server's offset. */
  stalled: boolean;
  /**
   * Where it opens in the browser (images inline, PDFs in the browser's viewer), once complete: a
   * short-lived signed link (no credentials needed, so `<img src>` and a new tab work); `links(id)`
   * makes fresh ones.
   */
  viewUrl: string | null;
  /** Where it downloads (as an attachment), once complete (short-lived, like `viewUrl`). */
  downloadUrl: string | null;
  /** When the links stop working (ISO 8601), or null. */
  linksExpireAt: string | null;
}

export interface FilesState {
  /** The consultation's documents, oldest first. */
  documents: readonly SharedDocument[];
  /** Sending is in progress from this page. */
  sending: boolean;
  /** The last error (a refused file, a failed upload), or null. */
  error: DocumentError | null;
}

export type DocumentErrorCode = 'document-refused' | 'document-failed' | 'document-cancelled';

export class DocumentError extends ConsultKitError {
  declare readonly code: DocumentErrorCode;
  constructor(
    code: DocumentErrorCode,
    message: string,
    /** For `document-refused`: which rule. */
    readonly problem: DocumentProblem | null = null,
    /** The server's HTTP status, when it answered (0 otherwise). */
    readonly status = 0,
  ) {
    super(code, message);
    this.name = 'DocumentError';
  }
}

export interface FilesOptions {
  /** The ConsultKit server (origin). */
  server: string | URL;
  /** The appointment of the consultation. */
  appointmentId: number | string;
  /** The signalling token (the bearer of every request). */
  token: string;
  /** Delays between retries of an upload that lost the server (ms); the default gives about two minutes. */
  retryDelays?: number[];
  /** Bytes per PATCH (default 4 MB): a stop loses at most this much. */
  chunkSize?: number;
}

/** Reads the first bytes of a file (for the type check from its content). */
async function head(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
}

/**
 * Checks a file before it is sent, as the server will: its size, its type from its first bytes,
 * and that its name agrees. Null when it may be sent.
 */
export async function checkDocument(file: File): Promise<DocumentProblem | null> {
  const early = documentProblem(file.name, file.size);
  if (early) return early;
  return documentProblem(file.name, file.size, await head(file));
}

export class Files {
  readonly #state: WritableStore<FilesState>;
  readonly #options: FilesOptions;
  readonly #base: string;
  /** Progress as last shown, per document: never lowered. */
  readonly #shown = new Map<string, number>();
  readonly #uploads = new Map<string, { upload: Upload; file: File; reject: (e: DocumentError) => void }>();
  #closed = false;

  constructor(options: FilesOptions) {
    this.#options = options;
    this.#base = new URL(documentsPath(options.appointmentId), options.server).href;
    this.#state = createStore<FilesState>({ documents: [], sending: false, error: null });
  }

  get state(): ReadableStore<FilesState> {
    return this.#state;
  }

  #headers(): Record<string, string> {
    return { authorization: `Bearer ${this.#options.token}` };
  }

  /** The list from the server (after a reload, or to catch up). */
  async refresh(): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.#base, { headers: this.#headers(), cache: 'no-store' });
    } catch (cause) {
      throw this.#fail(
        new DocumentError('document-failed', 'The documents could not be listed: the server is not reachable.'),
        cause,
      );
    }
    if (!response.ok) throw this.#fail(await errorFrom(response, 'The documents could not be listed.'));
    const { documents } = (await response.json()) as DocumentList;
    for (const info of documents) this.received(info);
  }

  /** A `CK-DOCUMENT` notice (or a listed document): merged in, progress never lowered. */
  received(info: DocumentInfo): void {
    if (this.#closed || !/^[0-9a-f]{32}$/.test(String(info?.id))) return;
    const list = [...this.#state.get().documents];
    const at = list.findIndex((d) => d.id === info.id);
    const previous = at >= 0 ? list[at] : undefined;
    const mine = previous?.mine ?? false;
    // Our own upload's progress comes from the upload itself; a notice may lag behind it.
    const received = Math.max(info.received, previous?.received ?? 0);
    const next = this.#view({ ...info, received }, mine, previous?.stalled ?? false);
    if (at >= 0) list[at] = next;
    else list.push(next);
    this.#state.update({ documents: list });
  }

  #view(info: DocumentInfo, mine: boolean, stalled: boolean): SharedDocument {
    const fraction = info.status === 'complete' ? 1 : info.size > 0 ? Math.min(info.received / info.size, 1) : 0;
    const progress = Math.max(fraction, this.#shown.get(info.id) ?? 0);
    this.#shown.set(info.id, progress);
    const known = this.#state.get().documents.find((d) => d.id === info.id);
    const complete = info.status === 'complete';
    if (complete && !known?.viewUrl && !this.#linking.has(info.id)) {
      this.#linking.add(info.id);
      void this.links(info.id)
        .catch(() => undefined)
        .finally(() => this.#linking.delete(info.id));
    }
    return {
      ...info,
      mine,
      progress,
      stalled: stalled && info.status === 'uploading',
      viewUrl: complete ? (known?.viewUrl ?? null) : null,
      downloadUrl: complete ? (known?.downloadUrl ?? null) : null,
      linksExpireAt: complete ? (known?.linksExpireAt ?? null) : null,
    };
  }

  readonly #linking = new Set<string>();

  /** Fresh short-lived links to view and download a complete document (also put in the state). */
  async links(id: string): Promise<{ view: string; download: string; expiresAt: string }> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}/${id}/link`, { headers: this.#headers(), cache: 'no-store' });
    } catch (cause) {
      throw this.#fail(
        new DocumentError('document-failed', 'The document cannot be opened: the server is not reachable.'),
        cause,
      );
    }
    if (!response.ok) throw this.#fail(await errorFrom(response, 'The document cannot be opened.'));
    const links = (await response.json()) as { view: string; download: string; expiresAt: string };
    const absolute = {
      view: new URL(links.view, this.#options.server).href,
      download: new URL(links.download, this.#options.server).href,
      expiresAt: links.expiresAt,
    };
    this.#patch(id, (d) => ({
      ...d,
      viewUrl: absolute.view,
      downloadUrl: absolute.download,
      linksExpireAt: absolute.expiresAt,
    }));
    return absolute;
  }

  #patch(id: string, change: (d: SharedDocument) => SharedDocument): void {
    const list = this.#state.get().documents.map((d) => (d.id === id ? change(d) : d));
    this.#state.update({ documents: list });
  }

  #fail(error: DocumentError, cause?: unknown): DocumentError {
    if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause });
    if (!this.#closed) this.#state.update({ error });
    return error;
  }

  /** Clears the last error (after it was shown and dismissed). */
  dismissError(): void {
    this.#state.update({ error: null });
  }

  /**
   * Sends a file. Checked here first (size, type from its first bytes, name); the server checks
   * again. Resolves with the document once all of it arrived; rejects with a `DocumentError`.
   */
  async send(file: File): Promise<DocumentInfo> {
    if (this.#closed) throw new DocumentError('document-failed', 'The consultation is closed.');
    const problem = await checkDocument(file);
    if (problem) throw this.#fail(new DocumentError('document-refused', DOCUMENT_PROBLEM_TEXT[problem], problem));
    this.#state.update({ error: null, sending: true });
    try {
      // tus-js-client is imported on the first upload, not with every call (decision 32: its size).
      const { Upload } = await loadTus().catch((cause: unknown) => {
        throw this.#fail(
          new DocumentError('document-failed', 'The document could not be sent: the uploader did not load.'),
          cause,
        );
      });
      return await new Promise<DocumentInfo>((resolve, reject) => {
        let id: string | null = null;
        const upload = new Upload(file, {
          endpoint: `${this.#base.replace(/\/documents$/, '/uploads')}`,
          headers: this.#headers(),
          metadata: { filename: sanitiseDocumentName(file.name), filetype: file.type },
          chunkSize: this.#options.chunkSize ?? 4 * 1024 * 1024,
          // About two minutes: a server restarting (a deployment) is waited for.
          retryDelays: this.#options.retryDelays ?? [
            0, 1000, 2000, 3000, 5000, 5000, 10000, 10000, 15000, 20000, 20000, 30000,
          ],
          // The upload's address is kept by this page (resume), not in localStorage across visits.
          storeFingerprintForResuming: false,
          removeFingerprintOnSuccess: true,
          onUploadUrlAvailable: () => {
            id = upload.url?.split('/').pop() ?? null;
            if (!id) return;
            this.#uploads.set(id, { upload, file, reject });
            if (!this.#state.get().documents.some((d) => d.id === id)) {
              this.received({
                id,
                name: sanitiseDocumentName(file.name),
                type: null,
                size: file.size,
                received: 0,
                status: 'uploading',
                sha256: null,
                from: { role: 'patient', name: '' },
                createdAt: new Date().toISOString(),
                filed: null,
              });
            }
            this.#patch(id, (d) => ({ ...d, mine: true }));
          },
          // Bytes the server confirmed (never bytes merely handed to the network): never backwards.
          onChunkComplete: (_chunk, accepted, total) => {
            if (!id) return;
            const progress = Math.max(total ? accepted / total : 0, this.#shown.get(id) ?? 0);
            this.#shown.set(id, progress);
            this.#patch(id, (d) => ({ ...d, received: Math.max(d.received, accepted), progress, stalled: false }));
          },
          onSuccess: () => {
            if (!id) return;
            const sent = id;
            this.#uploads.delete(sent);
            // The server's word on it (complete, its digest), even without the notice.
            void this.refresh()
              .catch(() => undefined)
              .finally(() =>
                resolve(this.#state.get().documents.find((d) => d.id === sent) ?? ({ id: sent } as DocumentInfo)),
              );
          },
          onError: (error) => {
            const failed = refusal(error as DetailedError);
            if (id && failed.code === 'document-failed') {
              // Kept: resume(id) goes on from what the server has.
              this.#patch(id, (d) => ({ ...d, stalled: true }));
            } else if (id) {
              this.#uploads.delete(id);
            }
            reject(this.#fail(failed));
          },
        });
        upload.start();
      });
    } finally {
      this.#state.update({ sending: this.#uploads.size > 0 });
    }
  }

  /**
   * Goes on with an upload of this page that stopped (`stalled`): asks the server how much it has
   * and sends the rest. Resolves once it is complete.
   */
  resume(id: string): Promise<DocumentInfo> {
    const entry = this.#uploads.get(id);
    if (!entry)
      return Promise.reject(new DocumentError('document-failed', 'There is no upload of this page to resume.'));
    this.#patch(id, (d) => ({ ...d, stalled: false }));
    this.#state.update({ error: null, sending: true });
    return new Promise<DocumentInfo>((resolve, reject) => {
      const upload = entry.upload;
      const options = upload.options;
      options.onSuccess = () => {
        this.#uploads.delete(id);
        this.#state.update({ sending: this.#uploads.size > 0 });
        void this.refresh()
          .catch(() => undefined)
          .finally(() => resolve(this.#state.get().documents.find((d) => d.id === id)!));
      };
      options.onError = (error) => {
        const failed = refusal(error as DetailedError);
        if (failed.code === 'document-failed') this.#patch(id, (d) => ({ ...d, stalled: true }));
        else this.#uploads.delete(id);
        this.#state.update({ sending: this.#uploads.size > 0 });
        reject(this.#fail(failed));
      };
      entry.reject = reject;
      upload.start();
    });
  }

  /**
   * Cancels a document: this page's upload stops and the server drops its bytes (a clinician may
   * also remove another's document that is not filed).
   */
  async cancel(id: string): Promise<void> {
    const entry = this.#uploads.get(id);
    this.#uploads.delete(id);
    if (entry) {
      await entry.upload.abort(false);
      entry.reject(new DocumentError('document-cancelled', 'The upload was cancelled.'));
    }
    let response: Response;
    try {
      response = await fetch(`${this.#base.replace(/\/documents$/, '/uploads')}/${id}`, {
        method: 'DELETE',
        headers: { ...this.#headers(), 'tus-resumable': '1.0.0' },
      });
    } catch (cause) {
      throw this.#fail(
        new DocumentError('document-failed', 'The server is not reachable to cancel the upload.'),
        cause,
      );
    }
    if (!response.ok && response.status !== 410)
      throw this.#fail(await errorFrom(response, 'The upload could not be cancelled.'));
    this.#patch(id, (d) => ({ ...d, status: 'cancelled', stalled: false }));
    this.#state.update({ sending: this.#uploads.size > 0 });
  }

  /**
   * A clinician files a complete document to the patient's record: the server makes a FHIR
   * `DocumentReference` (and `Binary`) and returns the reference.
   */
  async fileToRecord(id: string): Promise<{ resourceType: 'DocumentReference'; id: string }> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}/${id}/$file`, { method: 'POST', headers: this.#headers() });
    } catch (cause) {
      throw this.#fail(
        new DocumentError('document-failed', 'The server is not reachable to file the document.'),
        cause,
      );
    }
    if (!response.ok) throw this.#fail(await errorFrom(response, 'The document could not be filed.'));
    const reference = (await response.json()) as { resourceType: 'DocumentReference'; id: string };
    this.#patch(id, (d) => ({ ...d, filed: reference.id }));
    return reference;
  }

  /** Stops this page's uploads (they stay resumable on the server) and stops updating the state. */
  close(): void {
    this.#closed = true;
    for (const { upload } of this.#uploads.values()) void upload.abort(false);
    this.#uploads.clear();
  }
}

interface Outcome {
  issue?: { diagnostics?: string; details?: { coding?: { system?: string; code?: string }[] } }[];
}

function fromOutcome(status: number, text: string, fallback: string): DocumentError {
  let outcome: Outcome = {};
  try {
    outcome = JSON.parse(text) as Outcome;
  } catch {
    // not an OperationOutcome
  }
  const issue = outcome.issue?.[0];
  const coding = issue?.details?.coding?.find((c) => c.system === DOCUMENT_PROBLEM_SYSTEM);
  const problem = (coding?.code as DocumentProblem | undefined) ?? null;
  if (problem && problem in DOCUMENT_PROBLEM_TEXT) {
    return new DocumentError('document-refused', DOCUMENT_PROBLEM_TEXT[problem], problem, status);
  }
  return new DocumentError('document-failed', issue?.diagnostics ?? fallback, null, status);
}

/** tus-js-client, imported once, when this page first sends a document. */
let tus: Promise<typeof import('tus-js-client')> | null = null;
function loadTus(): Promise<typeof import('tus-js-client')> {
  tus ??= import('tus-js-client').catch((error: unknown) => {
    tus = null; // a later attempt tries again (the network may be back)
    throw error;
  });
  return tus;
}

async function errorFrom(response: Response, fallback: string): Promise<DocumentError> {
  return fromOutcome(response.status, await response.text().catch(() => ''), fallback);
}

/** A tus-js-client error as a DocumentError: the server's OperationOutcome when it answered. */
function refusal(error: DetailedError): DocumentError {
  const response = error.originalResponse;
  if (response) return fromOutcome(response.getStatus(), response.getBody(), 'The server refused the document.');
  return new DocumentError('document-failed', 'The document could not be sent: the server is not reachable.');
}

import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { DocumentError, Files, FilesState, SharedDocument } from '@consultkit/core';
import { DOCUMENT_EXTENSIONS, DOCUMENT_TYPES, type DocumentProblem } from '@consultkit/core/contract';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { StoreController } from '../internal/store-controller.js';
import { isolate } from '../internal/words.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { fileShareStyles } from './file-share.styles.js';

/** What the file chooser offers: the types and their extensions. */
const ACCEPT = [
  ...DOCUMENT_TYPES,
  ...Object.values(DOCUMENT_EXTENSIONS)
    .flat()
    .map((e) => `.${e}`),
].join(',');

/** Why a file was refused, in the page's language (the same rules as the server's). */
export function problemText(problem: DocumentProblem | null, name: string): string {
  const file = isolate(name);
  switch (problem) {
    case 'too-large':
      return msg(str`${file} is larger than 20 MB. Send a smaller file, or a photo of the page.`);
    case 'empty':
      return msg(str`${file} is empty. Choose another file.`);
    case 'heic':
      return msg(
        str`${file} is a HEIC photo, which cannot be shared. Choose “Most compatible” (JPEG) in your camera settings, or send a screenshot of the photo.`,
      );
    case 'wrong-type':
      return msg(str`${file} cannot be shared. Only PNG, JPEG and WebP pictures and PDF documents can be shared.`);
    case 'name-mismatch':
      return msg(
        str`${file} is not what its name says (for example a picture named .pdf). Rename it or save it again, then send it.`,
      );
    default:
      return msg(str`${file} could not be sent. Check your connection and try again.`);
  }
}

/**
 * Documents in a consultation: choose a file (or drop one; the button does the same), see it
 * arrive on both sides with a progress bar, cancel it, resume it after the connection was lost,
 * see pictures inline, open PDFs in the browser's own viewer, download. A clinician files a
 * document to the patient's record. A thin view over core's `Files` (`consultation.files`).
 *
 * Files are checked here before they are sent (size, type from their first bytes, name), and again
 * by the server; every refusal is said in a visible alert.
 *
 * @summary Share pictures and PDFs in a consultation.
 * @tagname file-share
 *
 * @fires ck-document-sent - A file of this page arrived at the server. `detail: { document }`
 * @fires ck-document-filed - A clinician filed a document to the patient's record. `detail: { document, reference }`
 *
 * @csspart heading - The heading.
 * @csspart drop-zone - Where a file may be dropped (the button does the same).
 * @csspart choose - The "Choose a file" button.
 * @csspart hint - What may be sent.
 * @csspart list - The list of documents.
 * @csspart document - One document of the list.
 * @csspart progress - A document's progress bar.
 * @csspart preview - A picture's preview.
 * @csspart open - The link that opens a document in the browser.
 * @csspart download - The link that downloads a document.
 * @csspart cancel - The "Cancel" button of an upload.
 * @csspart resume - The "Resume" button of an upload that stopped.
 * @csspart file - The clinician's "File to the record" button.
 * @csspart status - The live region saying what happened.
 * @csspart error - What went wrong (an alert).
 *
 * @cssproperty --ck-file-share-background - The background.
 * @cssproperty --ck-file-share-border - The border colour.
 * @cssproperty --ck-file-share-drop - The drop zone's border colour while a file is dragged over it.
 */
@localized()
export class FileShare extends ConsultKitElement {
  static override styles = [baseStyles, fileShareStyles];

  /** The consultation's documents: `consultation.files`. Not an attribute. */
  @property({ attribute: false })
  files: Files | undefined;

  /** Show "File to the record" (a clinician's page). */
  @property({ type: Boolean, attribute: 'can-file' })
  canFile = false;

  @state() private said = '';
  @state() private error: string | null = null;
  @state() private dragging = false;
  @state() private filing: string | null = null;

  readonly #state = new StoreController<FilesState>(this, (value, previous) => this.#announce(value, previous));

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('files')) {
      this.#state.store = this.files?.state;
      this.files?.refresh().catch(() => undefined);
    }
  }

  /** Says what changed: a document from someone else begins or arrives; one of ours arrives. */
  #announce(value: FilesState, previous: FilesState | undefined): void {
    if (!previous) return;
    for (const document of value.documents) {
      const before = previous.documents.find((d) => d.id === document.id);
      const name = isolate(document.name);
      if (!before && !document.mine && document.status === 'uploading') {
        this.said = msg(str`${isolate(document.from.name)} is sending ${name}.`);
      } else if (before?.status === 'uploading' && document.status === 'complete') {
        this.said = document.mine ? msg(str`${name} is sent.`) : msg(str`${name} has arrived.`);
      } else if (before?.status === 'uploading' && document.status === 'cancelled') {
        this.said = msg(str`${name} was cancelled.`);
      } else if (!before?.stalled && document.stalled) {
        this.error = msg(str`Sending ${name} stopped: the connection was lost. Press Resume to go on.`);
      }
    }
  }

  #refused(error: unknown, name: string): void {
    const e = error as Partial<DocumentError>;
    if (e.code === 'document-cancelled') return;
    if (e.code === 'document-refused') this.error = problemText(e.problem ?? null, name);
    else if (e.code === 'document-failed' && e.status === 403) {
      this.error = msg('You cannot share documents in this consultation now.');
    } else this.error = problemText(null, name);
  }

  /** Sends a file (as choosing or dropping it does). Resolves when it arrived or was refused. */
  async send(file: File): Promise<void> {
    const files = this.files;
    if (!files) return;
    this.error = null;
    this.said = msg(str`Sending ${isolate(file.name)}.`);
    try {
      const document = await files.send(file);
      this.emit('ck-document-sent', { document });
    } catch (error) {
      this.said = '';
      this.#refused(error, file.name);
    }
  }

  #chosen(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.send(file);
  }

  #choose(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')?.click();
  }

  #dragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  #drop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    const file = event.dataTransfer?.files?.[0];
    if (file) void this.send(file);
  }

  async #cancel(document: SharedDocument): Promise<void> {
    try {
      await this.files?.cancel(document.id);
    } catch (error) {
      this.#refused(error, document.name);
    }
  }

  async #resume(document: SharedDocument): Promise<void> {
    this.error = null;
    try {
      const done = await this.files?.resume(document.id);
      if (done) this.emit('ck-document-sent', { document: done });
    } catch (error) {
      this.#refused(error, document.name);
    }
  }

  async #file(document: SharedDocument): Promise<void> {
    if (!this.files || this.filing) return;
    this.filing = document.id;
    this.error = null;
    try {
      const reference = await this.files.fileToRecord(document.id);
      this.said = msg(str`${isolate(document.name)} is filed to the patient’s record.`);
      this.emit('ck-document-filed', { document, reference });
    } catch {
      this.error = msg(str`${isolate(document.name)} could not be filed. Try again.`);
    } finally {
      this.filing = null;
    }
  }

  #item(document: SharedDocument, i: number) {
    const id = `ck-doc-${i}`;
    const percent = Math.floor(document.progress * 100);
    const from = document.mine ? msg('Sent by you') : msg(str`From ${isolate(document.from.name)}`);
    const image = document.type !== null && document.type.startsWith('image/');
    return html`<li part="document">
      <div class="what">
        <span class="name" id=${id} dir="auto">${document.name}</span>
        <span class="from">${from}</span>
      </div>
      ${
        document.status === 'uploading'
          ? html`<div class="progress">
                <progress part="progress" max="100" .value=${percent} aria-labelledby=${id}></progress>
                <span aria-hidden="true">${msg(str`${percent}%`)}</span>
                ${document.stalled ? html`<span>${msg('Stopped.')}</span>` : nothing}
              </div>
              ${
                document.mine && document.stalled
                  ? html`<button
                      part="resume"
                      type="button"
                      aria-describedby=${id}
                      @click=${() => this.#resume(document)}
                    >
                      ${msg('Resume')}
                    </button>`
                  : nothing
              }
              ${
                document.mine
                  ? html`<button
                      part="cancel"
                      type="button"
                      aria-describedby=${id}
                      @click=${() => this.#cancel(document)}
                    >
                      ${msg('Cancel')}
                    </button>`
                  : nothing
              }`
          : nothing
      }
      ${document.status === 'cancelled' ? html`<span class="cancelled">${msg('Cancelled.')}</span>` : nothing}
      ${
        document.status === 'complete'
          ? html`${
                image && document.viewUrl
                  ? html`<img
                      part="preview"
                      src=${document.viewUrl}
                      alt=${msg(str`Preview of ${isolate(document.name)}`)}
                    />`
                  : nothing
              }
              <div class="actions">
                ${
                  document.viewUrl
                    ? html`<a
                        part="open"
                        href=${document.viewUrl}
                        target="_blank"
                        rel="noopener noreferrer"
                        aria-describedby=${id}
                      >
                        ${image ? msg('Open') : msg('Open in the browser')}
                      </a>`
                    : nothing
                }
                ${
                  document.downloadUrl
                    ? html`<a part="download" href=${document.downloadUrl} download aria-describedby=${id}
                        >${msg('Download')}</a
                      >`
                    : nothing
                }
                ${
                  this.canFile
                    ? document.filed
                      ? html`<span class="filed">${msg('Filed to the patient’s record.')}</span>`
                      : html`<button
                          part="file"
                          type="button"
                          aria-describedby=${id}
                          aria-disabled=${this.filing === document.id ? 'true' : 'false'}
                          @click=${() => this.#file(document)}
                        >
                          ${this.filing === document.id ? msg('Filing…') : msg('File to the patient’s record')}
                        </button>`
                    : nothing
                }
              </div>`
          : nothing
      }
    </li>`;
  }

  protected override render() {
    const state = this.#state.value;
    const documents = state?.documents.filter((d) => d.status !== 'cancelled' || d.mine) ?? [];
    return html`<section aria-labelledby="ck-files-heading">
      <h2 part="heading" id="ck-files-heading">${msg('Documents')}</h2>
      <div
        part="drop-zone"
        class="drop ${this.dragging ? 'dragging' : ''}"
        @dragover=${this.#dragOver}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.#drop}
      >
        <p part="hint" id="ck-files-hint">
          ${msg('Drop a picture or a PDF here, or choose one. PNG, JPEG, WebP or PDF, up to 20 MB.')}
        </p>
        <button
          part="choose"
          type="button"
          aria-describedby="ck-files-hint"
          ?disabled=${!this.files}
          @click=${this.#choose}
        >
          ${msg('Choose a file')}
        </button>
        <input type="file" hidden accept=${ACCEPT} @change=${this.#chosen} />
      </div>
      <p part="status" role="status">${this.said}</p>
      ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
      ${
        documents.length === 0
          ? html`<p class="empty">${msg('No documents yet.')}</p>`
          : html`<ul part="list">
              ${documents.map((document, i) => this.#item(document, i))}
            </ul>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'file-share': FileShare;
  }
}

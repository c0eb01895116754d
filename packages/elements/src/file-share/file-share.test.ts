import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createStore, Files, type FilesState, type SharedDocument } from '@consultkit/core';
import './define.js';
import type { FileShare } from './file-share.js';

/** Waits (polling each frame, 20 s at most) until `check` gives a truthy value, and returns it. */
async function until<T>(what: string, check: () => T | null | undefined | false): Promise<T> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

/** A clinician's documents of a booked video appointment on the run's server (through the same-origin proxy). */
async function clinicianFiles(): Promise<Files> {
  const { id } = (await executeServerCommand('ck-video-appointment')) as { id: string };
  const { key } = (await executeServerCommand('ck-staff-key')) as { key: string };
  const response = await fetch(`/api/consultations/${id}/clinician-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).to.equal(200);
  const ticket = (await response.json()) as { token: string };
  return new Files({ server: location.origin, appointmentId: id, token: ticket.token });
}

/** A real PNG picture (a canvas), as a file named `name`. */
async function picture(name: string): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#c0392b';
  g.fillRect(0, 0, 64, 48);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

const doc = (over: Partial<SharedDocument>): SharedDocument => ({
  id: '0123456789abcdef0123456789abcdef',
  name: 'scan.pdf',
  type: 'application/pdf',
  size: 1000,
  received: 400,
  status: 'uploading',
  sha256: null,
  from: { role: 'patient', name: 'Ada Lovelace' },
  createdAt: new Date().toISOString(),
  filed: null,
  mine: false,
  progress: 0.4,
  stalled: false,
  viewUrl: null,
  downloadUrl: null,
  linksExpireAt: null,
  ...over,
});

describe('<file-share>', () => {
  const part = (el: FileShare, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
  const all = (el: FileShare, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
  const input = (el: FileShare) => el.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
  const choose = (el: FileShare, file: File) => {
    const data = new DataTransfer();
    data.items.add(file);
    input(el).files = data.files;
    input(el).dispatchEvent(new Event('change'));
  };

  it('empty, refused, sent, previewed and filed, with the real server: accessible in each state', async () => {
    const files = await clinicianFiles();
    const el = await fixture<FileShare>(html`<file-share .files=${files} can-file></file-share>`);
    expect(part(el, 'choose')!.textContent!.trim()).to.equal('Choose a file');
    expect(part(el, 'hint')!.textContent).to.contain('up to 20 MB');
    expect(input(el).accept).to.contain('application/pdf');
    await expect(el).to.be.accessible();

    // A PNG named .pdf: refused here, said in a visible alert, nothing sent.
    choose(el, new File([await picture('x.png')], 'results.pdf', { type: 'application/pdf' }));
    const alert = await until('the refusal', () => part(el, 'error'));
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.contain('is not what its name says');
    expect(files.state.get().documents).to.have.length(0);
    await expect(el).to.be.accessible();
    // HEIC by its name: its own sentence.
    choose(el, new File([new Uint8Array([0, 0, 0, 24])], 'IMG_1.HEIC'));
    await until('the HEIC refusal', () => part(el, 'error')?.textContent?.includes('HEIC photo'));

    // A real picture whose name carries markup: sent, listed as text, previewed, openable, downloadable.
    const name = '<img src=x onerror="window.pwned=1">.png';
    choose(el, await picture(name));
    const preview = await until('the preview', () => part(el, 'preview') as HTMLImageElement | null);
    await until('the preview decoded', () => preview.complete && preview.naturalWidth === 64);
    expect(part(el, 'error')).to.equal(null);
    expect(el.shadowRoot!.querySelector('.name')!.textContent).to.equal('_img src=x onerror=_window.pwned=1__.png');
    expect(el.shadowRoot!.querySelectorAll('img')).to.have.length(1);
    expect((window as unknown as { pwned?: number }).pwned).to.equal(undefined);
    expect(part(el, 'download')!.hasAttribute('download')).to.equal(true);
    expect(part(el, 'open')!.getAttribute('rel')).to.contain('noopener');
    expect(part(el, 'status')!.textContent).to.contain('is sent.');
    await expect(el).to.be.accessible();

    // Filed to the record.
    part(el, 'file')!.click();
    await until('filed', () => el.shadowRoot!.querySelector('.filed'));
    expect(part(el, 'status')!.textContent).to.contain('is filed to the patient’s record.');
    await expect(el).to.be.accessible();
    files.close();
  });

  it('arriving, sending, stopped and cancelled: progress bars, Cancel and Resume, announcements; accessible', async () => {
    const store = createStore<FilesState>({ documents: [], sending: false, error: null });
    const calls: string[] = [];
    const fake = {
      state: store,
      refresh: async () => undefined,
      cancel: async (id: string) => void calls.push(`cancel ${id}`),
      resume: async (id: string) => {
        calls.push(`resume ${id}`);
        return doc({ id });
      },
      send: async (file: File) => {
        calls.push(`send ${file.name}`);
        return doc({ name: file.name });
      },
    } as unknown as Files;
    const el = await fixture<FileShare>(html`<file-share .files=${fake}></file-share>`);
    await expect(el).to.be.accessible();
    store.update({ documents: [doc({})] });
    await until('the arrival is said', () => part(el, 'status')?.textContent?.includes('is sending'));
    const bar = part(el, 'progress') as HTMLProgressElement;
    expect(bar.value).to.equal(40);
    expect(bar.getAttribute('aria-labelledby')).to.equal('ck-doc-0');
    expect(part(el, 'cancel'), 'not mine: no Cancel').to.equal(null);
    await expect(el).to.be.accessible();

    const mine = doc({ id: 'fedcba9876543210fedcba9876543210', name: 'rash.jpg', mine: true, progress: 0.5 });
    store.update({ documents: [doc({ progress: 0.8, received: 800 }), mine] });
    await el.updateComplete;
    expect(all(el, 'progress').map((p) => (p as HTMLProgressElement).value)).to.deep.equal([80, 50]);
    all(el, 'cancel')[0]!.click();
    expect(calls).to.deep.equal([`cancel ${mine.id}`]);
    await expect(el).to.be.accessible();

    store.update({ documents: [doc({ progress: 0.8 }), { ...mine, stalled: true }] });
    await until('the stop is said', () => part(el, 'error')?.textContent?.includes('Press Resume'));
    part(el, 'resume')!.click();
    expect(calls.at(-1)).to.equal(`resume ${mine.id}`);
    await expect(el).to.be.accessible();

    store.update({ documents: [doc({ status: 'cancelled' }), { ...mine, status: 'cancelled', stalled: false }] });
    await until('the cancel is said', () => part(el, 'status')?.textContent?.includes('was cancelled'));
    expect(el.shadowRoot!.querySelector('.cancelled')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it('a dropped file is sent like a chosen one; right to left, the layout follows', async () => {
    const sent: string[] = [];
    const store = createStore<FilesState>({ documents: [], sending: false, error: null });
    const fake = { state: store, refresh: async () => undefined, send: async (f: File) => void sent.push(f.name) };
    const el = await fixture<FileShare>(
      html`<div dir="rtl" lang="ar"><file-share .files=${fake as unknown as Files}></file-share></div>`,
    );
    const share = el.querySelector('file-share')!;
    const zone = part(share, 'drop-zone')!;
    const data = new DataTransfer();
    data.items.add(new File(['%PDF-1.7'], 'letter.pdf', { type: 'application/pdf' }));
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, cancelable: true, bubbles: true }));
    await share.updateComplete;
    expect(zone.classList.contains('dragging')).to.equal(true);
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true, bubbles: true }));
    await until('sent', () => sent.length === 1);
    expect(sent).to.deep.equal(['letter.pdf']);
    // Logical properties: the choose button sits at the inline end in RTL (left of the hint).
    const hint = part(share, 'hint')!.getBoundingClientRect();
    const button = part(share, 'choose')!.getBoundingClientRect();
    expect(button.right <= hint.left + 1 || button.top >= hint.bottom - 1).to.equal(true);
    await expect(share).to.be.accessible();
  });
});

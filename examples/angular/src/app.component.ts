/**
 * A vendor's app in Angular (a standalone component, zoneless): patients book a time with
 * `<slot-picker>`, and a clinician runs the video consultation with `<consult-room>`, given the
 * ticket the vendor's backend asked the ConsultKit server for. `CUSTOM_ELEMENTS_SCHEMA` lets the
 * template use the elements; events arrive through Angular's own `(ck-…)` bindings, typed with
 * the elements' `CkEventMap`.
 */
import { CUSTOM_ELEMENTS_SCHEMA, ChangeDetectionStrategy, Component, type OnDestroy, signal } from '@angular/core';
import { Consultation, type Booking } from '@consultkit/core';
import type { CkEventMap } from '@consultkit/elements';
import { readConfig } from '../../framework-common/config';

declare global {
  interface Window {
    /** The running consultation, for trying things in the console (and the end-to-end test). */
    consultation?: Consultation;
  }
}

@Component({
  selector: 'ck-example-app',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <p class="brand">Riverside Surgery</p>
      <nav aria-label="Pages">
        <a [href]="config.link('book')" [attr.aria-current]="config.view === 'book' ? 'page' : null"
          >Book an appointment</a
        >
        <a [href]="config.link('call')" [attr.aria-current]="config.view === 'call' ? 'page' : null"
          >Video consultation</a
        >
      </nav>
    </header>
    @if (config.view === 'book') {
      <main>
        <h1>Book an appointment</h1>
        <!-- The picker's headings start at h3 (the day): it sits under a heading of the page's. -->
        <h2>Available times</h2>
        <slot-picker
          [fhirBase]="fhirBase"
          (ck-slot-selected)="onSlotSelected($event)"
          (ck-booked)="onBooked($event)"
          (ck-booking-failed)="onBookingFailed($event)"
        ></slot-picker>
        <section aria-labelledby="host-heading" class="host">
          <h2 id="host-heading">What the Angular app heard</h2>
          <p role="status" data-event="ck-slot-selected">
            {{ chosen() ? 'Time chosen: ' + chosenText() : 'No time chosen yet.' }}
          </p>
          @if (booked(); as booking) {
            <p role="status" data-event="ck-booked">Booking {{ booking.reference }} is {{ booking.status }}.</p>
          }
          @if (failure(); as message) {
            <p role="alert" data-event="ck-booking-failed">{{ message }}</p>
          }
        </section>
      </main>
    } @else {
      <main>
        <h1>Video consultation</h1>
        @if (!config.ticket) {
          <p>
            Open this page with the ticket your backend was given by the ConsultKit server: <code>#ticket=</code> and
            the ticket as base64url JSON.
          </p>
        } @else {
          @if (consultation(); as running) {
            <consult-room
              [consultation]="running"
              (ck-status-change)="onStatusChange($event)"
              (ck-request-admit)="onRequestAdmit($event)"
              (ck-mute-change)="onMuteChange($event)"
              (ck-ended)="onEnded($event)"
            ></consult-room>
          } @else {
            <button type="button" class="primary" (click)="join()">Join the consultation</button>
          }
          <section aria-labelledby="host-heading" class="host">
            <h2 id="host-heading">What the Angular app heard</h2>
            @if (events().length === 0) {
              <p>Nothing yet: join the consultation.</p>
            }
            <ol aria-label="Events from the room" data-events="">
              @for (line of events(); track $index) {
                <li>{{ line }}</li>
              }
            </ol>
          </section>
        }
      </main>
    }
  `,
})
export class AppComponent implements OnDestroy {
  readonly config = readConfig(location);
  readonly fhirBase = `${this.config.server}/fhir`;

  readonly chosen = signal<string | null>(null);
  readonly booked = signal<Booking | null>(null);
  readonly failure = signal<string | null>(null);
  readonly consultation = signal<Consultation | null>(null);
  readonly events = signal<string[]>([]);

  chosenText(): string {
    const start = this.chosen();
    return start
      ? new Date(start).toLocaleString('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' })
      : '';
  }

  onSlotSelected(event: CkEventMap['ck-slot-selected']): void {
    this.chosen.set(event.detail.slot.start);
  }

  onBooked(event: CkEventMap['ck-booked']): void {
    this.failure.set(null);
    this.booked.set(event.detail.booking);
  }

  onBookingFailed(event: CkEventMap['ck-booking-failed']): void {
    this.failure.set(event.detail.error.message);
  }

  onStatusChange(event: CkEventMap['ck-status-change']): void {
    this.log(`Status: ${event.detail.status}`);
  }

  onRequestAdmit(event: CkEventMap['ck-request-admit']): void {
    this.log(`Admit asked for ${event.detail.peerId}`);
  }

  onMuteChange(event: CkEventMap['ck-mute-change']): void {
    this.log(event.detail.muted ? 'Microphone muted' : 'Microphone on');
  }

  onEnded(event: CkEventMap['ck-ended']): void {
    this.log(`Ended: ${event.detail.reason}`);
  }

  join(): void {
    if (!this.config.ticket) return;
    const started = new Consultation({ server: this.config.server, ticket: this.config.ticket });
    window.consultation = started;
    this.consultation.set(started);
    started.join().catch(() => {
      // <consult-room> shows the failure in its alert.
    });
  }

  /** Leaving the page leaves the call and releases the camera. */
  ngOnDestroy(): void {
    this.consultation()?.leave();
  }

  private log(line: string): void {
    this.events.update((list) => [...list, line]);
  }
}

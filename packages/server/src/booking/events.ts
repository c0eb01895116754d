/**
 * The in-process event bus: every appointment create or update is announced here, and the staff
 * event stream (`GET /api/staff/events`) relays it.
 *
 * One process only: with several server instances on one PostgreSQL, each instance hears only
 * its own changes. Fanning out across instances (PostgreSQL LISTEN/NOTIFY, sent in the same
 * transaction as the change) is out of scope for now.
 */
import { EventEmitter } from 'node:events';

export interface AppointmentEvent {
  id: string;
  status: string;
  versionId: string;
}

export class BookingEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open staff stream listens: no leak warning at ten.
    this.emitter.setMaxListeners(0);
  }

  emit(event: AppointmentEvent): void {
    this.emitter.emit('appointment', event);
  }

  /** Calls `listener` on every appointment change; returns the function that stops it. */
  subscribe(listener: (event: AppointmentEvent) => void): () => void {
    this.emitter.on('appointment', listener);
    return () => this.emitter.off('appointment', listener);
  }

  get listenerCount(): number {
    return this.emitter.listenerCount('appointment');
  }
}

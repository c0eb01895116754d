/**
 * The in-process event bus: every appointment create or update is announced here, and the staff
 * event stream (`GET /api/staff/events`) relays it.
 *
 * With several server instances on one PostgreSQL, {@link BookingEvents.share} sends each change
 * through the bus too (channel `appointments`), so a desk connected to any instance hears every
 * change (docs/decisions/0035-instances.md). Sent after the change is committed, at most once.
 */
import { EventEmitter } from 'node:events';
import type { Bus } from '../bus.js';

const CHANNEL = 'appointments';

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

  #share: ((event: AppointmentEvent) => void) | undefined;

  emit(event: AppointmentEvent): void {
    this.emitter.emit('appointment', event);
    this.#share?.(event);
  }

  /**
   * Shares the events with the other instances over `bus`: this instance's go out, theirs come in
   * (and are announced here as if made here). Returns the function that stops sharing.
   */
  share(bus: Bus, instance: string, onError: (error: unknown) => void): () => void {
    this.#share = (event) => {
      bus.publish(CHANNEL, { from: instance, event }).catch(onError);
    };
    const stop = bus.subscribe(CHANNEL, (message) => {
      const { from, event } = message as { from: string; event: AppointmentEvent };
      if (from !== instance) this.emitter.emit('appointment', event);
    });
    return () => {
      this.#share = undefined;
      stop();
    };
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

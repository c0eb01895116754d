/**
 * Recording consent and the composite recorder's upload: one module, imported by a `Consultation`
 * when a recording first concerns it (a roster carrying a request, or a consent command); decision 47.
 */
export { Recording } from './recording.js';
export { CompositeRecorder } from '../recording/composite-recorder.js';

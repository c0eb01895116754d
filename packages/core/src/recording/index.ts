export {
  CompositeRecorder,
  sceneOf,
  type CompositeRecorderOptions,
  type RecorderEvents,
  type RecorderInput,
  type RecorderState,
  type RecorderStatus,
} from './composite-recorder.js';
export { RecordingError } from './error.js';
export type { UploadStatus } from './chunk-queue.js';
export type { CompositeScene, CompositeSource } from './compositor.js';

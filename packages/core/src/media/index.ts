export {
  DeviceCheck,
  openMedia,
  stopStream,
  type DeviceCheckState,
  type DeviceCheckStatus,
  type DeviceOption,
} from './devices.js';
export { classify, monitorQuality, QUALITY_THRESHOLDS, type NetworkQuality, type QualitySample } from './quality.js';
export { adapt, DEGRADE_STEPS, type AdaptState, type DegradeStep } from './adapt.js';
export { LocalMedia, type LocalMediaState } from './local.js';
export { senderPlan, applySenderPlan, type SenderPlan, type SenderInput, type VideoLevel } from './senders.js';

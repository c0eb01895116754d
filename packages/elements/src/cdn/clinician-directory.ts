/** CDN entry of `<clinician-directory>`: registers it; `StaffDirectory` and `StaffClient` are what it reads through. */
export { define, ClinicianDirectory } from '../clinician-directory/define.js';
export { StaffDirectory } from '@consultkit/core';
export { StaffClient } from '@consultkit/core/booking';

/** CDN entry of `<staff-chat>`: registers it; `StaffMessages`, `StaffPeople`, `StaffStream` and `StaffClient` are what it reads through. */
export { define, StaffChat } from '../staff-chat/define.js';
export { StaffMessages, StaffStream, StaffDirectory, StaffPeople } from '@consultkit/core';
export { StaffClient } from '@consultkit/core/booking';

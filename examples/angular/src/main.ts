import { bootstrapApplication } from '@angular/platform-browser';
// Registers the ConsultKit elements (<slot-picker>, <consult-room>, …) under their own tag names.
import '@consultkit/elements';
import { AppComponent } from './app.component';

bootstrapApplication(AppComponent).catch((error: unknown) => console.error(error));

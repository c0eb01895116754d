import { createApp } from 'vue';
// Registers the ConsultKit elements (<slot-picker>, <consult-room>, …) under their own tag names.
import '@consultkit/elements';
import '@consultkit/elements/themes/default.css';
import '../../framework-common/app.css';
import App from './App.vue';

createApp(App).mount('#app');

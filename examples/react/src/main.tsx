import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@consultkit/elements/themes/default.css';
import '../../framework-common/app.css';
import { App } from './App.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

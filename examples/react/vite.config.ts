import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `base: './'`: the built app works from any folder a host serves it under.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
});

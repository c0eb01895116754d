import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `base: './'`: the built app works from any folder a host serves it under.
export default defineConfig({
  base: './',
  plugins: [react()],
  // The page is src/index.html, so the server's list of plain examples (folders with an index.html)
  // does not offer this unbuilt app.
  root: 'src',
  build: { outDir: '../dist', emptyOutDir: true },
});

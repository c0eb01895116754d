import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  // The built app works from any folder a host serves it under.
  base: './',
  plugins: [
    vue({
      template: {
        // The ConsultKit elements are custom elements, not Vue components: Vue leaves them to the
        // browser, sets their properties (`:consultation`) and listens to their events (`@ck-booked`).
        compilerOptions: { isCustomElement: (tag) => tag.includes('-') },
      },
    }),
  ],
  // The page is src/index.html, so the server's list of plain examples (folders with an index.html)
  // does not offer this unbuilt app.
  root: 'src',
  build: { outDir: '../dist', emptyOutDir: true },
});

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by carethread under /app; the API is same-origin, so no proxy or CORS is needed.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});

import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The page lives in web/ and is built to dist/web, which the server serves at /.
export default defineConfig({
  root: 'web',
  plugins: [preact()],
  build: { outDir: '../dist/web', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});

import { defineConfig } from 'vite';

// `npm run dev -w @overhear/web` serves the page with hot reload and proxies /api to `overhear serve` on 7878.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or styles (strict CSP): every asset is a file, the module preload polyfill is not needed.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:7878', changeOrigin: false } },
  },
});

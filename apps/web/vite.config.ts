import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'

export default defineConfig({
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The bundle benchmark walks the manifest to size each route.
    manifest: true,
    // Timing reports about plugins are noise for users running `npm start`.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/sync': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
})

// Built by CMake (CMakeLists.txt, target caresim_studio_page) into build/studio/, next to the
// caresim binary that serves it. Relative asset paths, so the page works under any host and port.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: '../../build/studio', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
});

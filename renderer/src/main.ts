/**
 * Starts the window on whichever transport the host provides: the Electron preload's
 * `window.rsyncTray`, or HTTP + WebSocket to `rsync-tray serve` when opened in a browser.
 */
import { createApp } from 'vue';
import { createHttpClient } from './api/http-client.ts';
import type { HostClient } from './api/host-client.ts';
import App from './App.vue';
import { createStore, STORE } from './store.ts';
import './styles/index.css';

const client: HostClient = window.rsyncTray ? { kind: 'electron', ...window.rsyncTray } : createHttpClient();
const store = createStore(client);
store.start();
createApp(App).provide(STORE, store).mount('#app');

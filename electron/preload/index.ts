/**
 * The preload (sandboxed, bundled to one CommonJS file): exposes the API contract (+ the folder
 * chooser) as `window.rsyncTray` through contextBridge, and nothing else — no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL } from '../shared/ipc-channels.ts';
import { createApiClient } from './api-bridge.ts';

contextBridge.exposeInMainWorld(API_GLOBAL, createApiClient(ipcRenderer));

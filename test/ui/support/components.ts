/**
 * The window's components for happy-dom tests: one bundle (see build-renderer.ts) and a fake
 * host client that answers API calls from a table and lets a test push engine events.
 */
import path from 'node:path';
import type { Method, MethodInput, MethodOutputs, Result } from '../../../electron/shared/contract.ts';
import type { EngineEvent } from '../../../electron/shared/status.ts';
import { buildComponentBundle, ROOT } from './build-renderer.ts';

const src = (rel: string) => JSON.stringify(path.join(ROOT, 'renderer/src', rel));

/** Loosely typed: the bundle is built at test time, and the tests use what they assert on. */
export interface Wrapper {
  find(selector: string): Wrapper & { exists(): boolean };
  findAll(selector: string): Wrapper[];
  get(selector: string): Wrapper;
  text(): string;
  html(): string;
  attributes(name?: string): any;
  setValue(value: unknown): Promise<void>;
  trigger(event: string, init?: unknown): Promise<void>;
  element: any;
  unmount(): void;
}

export interface ComponentBundle {
  mount(component: unknown, options?: unknown): Wrapper;
  flushPromises(): Promise<void>;
  nextTick(): Promise<void>;
  createStore(client: unknown): any;
  STORE: symbol;
  StateBadge: unknown;
  ProfileCard: unknown;
  ProfileEditor: unknown;
  ActivityView: unknown;
  DashboardView: unknown;
  SettingsView: unknown;
}

export function loadComponents(): Promise<ComponentBundle> {
  return buildComponentBundle<ComponentBundle>(`
export { mount, flushPromises } from '@vue/test-utils';
export { nextTick } from 'vue';
export { createStore, STORE } from ${src('store.ts')};
export { default as StateBadge } from ${src('components/StateBadge.vue')};
export { default as ProfileCard } from ${src('views/ProfileCard.vue')};
export { default as ProfileEditor } from ${src('views/ProfileEditor.vue')};
export { default as ActivityView } from ${src('views/ActivityView.vue')};
export { default as DashboardView } from ${src('views/DashboardView.vue')};
export { default as SettingsView } from ${src('views/SettingsView.vue')};
`);
}

type Handler = (input: any) => unknown;

export interface FakeClient {
  kind: 'browser' | 'electron';
  calls: Array<{ method: Method; input: unknown }>;
  handlers: Partial<Record<Method, Handler>>;
  call<M extends Method>(method: M, input: MethodInput<M>): Promise<Result<MethodOutputs[M]>>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  emit(event: EngineEvent): void;
  pickFolder?: () => Promise<string | null>;
}

/** Methods answer from `handlers` (a thrown {code,message,hint} becomes an error result). */
export function fakeClient(
  handlers: Partial<Record<Method, Handler>> = {},
  kind: 'browser' | 'electron' = 'browser',
): FakeClient {
  const listeners = new Set<(event: EngineEvent) => void>();
  const defaults: Partial<Record<Method, Handler>> = {
    'status.get': () => [],
    'profiles.list': () => [],
    'activity.list': () => [],
    'settings.get': () => ({ rsyncPath: 'rsync', defaultDebounceMs: 5 }),
    'secrets.has': () => false,
  };
  const client: FakeClient = {
    kind,
    calls: [],
    handlers: { ...defaults, ...handlers },
    async call(method, input) {
      client.calls.push({ method, input });
      const handler = client.handlers[method];
      if (!handler)
        return { ok: false, error: { code: 'INTERNAL', message: `fake: no handler for ${method}`, hint: '' } };
      try {
        return { ok: true, value: (await handler(input)) as never };
      } catch (error) {
        return { ok: false, error: error as never };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event) => listeners.forEach((l) => l(event)),
  };
  return client;
}

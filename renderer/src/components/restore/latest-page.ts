/**
 * A page the restore screens ask the host for, where only the latest request counts: an answer to
 * an earlier one (a folder left already, a search typed on) is dropped, not drawn over the newer.
 */
import { ref, type Ref } from 'vue';
import type { Result } from '@shared/contract.ts';
import type { ErrorInfo } from '@shared/errors.ts';

export interface LatestPage<T> {
  page: Ref<T | null>;
  error: Ref<ErrorInfo | null>;
  loading: Ref<boolean>;
  load(): Promise<void>;
}

export function useLatestPage<T>(ask: () => Promise<Result<T>>): LatestPage<T> {
  const page = ref<T | null>(null) as Ref<T | null>;
  const error = ref<ErrorInfo | null>(null);
  const loading = ref(false);
  let asked = 0;
  async function load(): Promise<void> {
    const mine = ++asked;
    loading.value = true;
    const result = await ask();
    if (mine !== asked) return;
    loading.value = false;
    if (result.ok) {
      page.value = result.value;
      error.value = null;
    } else error.value = result.error;
  }
  return { page, error, loading, load };
}

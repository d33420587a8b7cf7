/** A tiny hash router: five screens need no library, and hash URLs work from file:// too. */
import { readonly, ref } from 'vue';

export type Route =
  /** `focus`: a profile whose card is scrolled to and focused (the sidebar badge's link to trouble). */
  | { name: 'dashboard'; focus?: string | null }
  | { name: 'editor'; profile: string | null }
  | { name: 'activity'; profile: string | null }
  | { name: 'transfer' }
  | { name: 'settings' }
  | { name: 'restore'; profile: string | null }
  | { name: 'log'; profile: string | null };

export function parseRoute(hash: string): Route {
  const [head = '', arg] = hash
    .replace(/^#\/?/, '')
    .split('/', 2)
    .map((s) => decodeURIComponent(s));
  switch (head) {
    case 'new':
      return { name: 'editor', profile: null };
    case 'edit':
      return arg ? { name: 'editor', profile: arg } : { name: 'dashboard' };
    case 'activity':
      return { name: 'activity', profile: arg || null };
    case 'transfer':
      return { name: 'transfer' };
    case 'settings':
      return { name: 'settings' };
    case 'log':
      return { name: 'log', profile: arg || null };
    case 'profiles':
      return { name: 'dashboard', focus: arg || null };
    case 'restore':
      return { name: 'restore', profile: arg || null };
    default:
      return { name: 'dashboard' };
  }
}

export function href(route: Route): string {
  switch (route.name) {
    case 'dashboard':
      return route.focus ? `#/profiles/${encodeURIComponent(route.focus)}` : '#/';
    case 'editor':
      return route.profile === null ? '#/new' : `#/edit/${encodeURIComponent(route.profile)}`;
    case 'activity':
      return route.profile ? `#/activity/${encodeURIComponent(route.profile)}` : '#/activity';
    case 'transfer':
      return '#/transfer';
    case 'settings':
      return '#/settings';
    case 'log':
      return route.profile ? `#/log/${encodeURIComponent(route.profile)}` : '#/log';
    case 'restore':
      return route.profile ? `#/restore/${encodeURIComponent(route.profile)}` : '#/restore';
  }
}

const current = ref<Route>(typeof window === 'undefined' ? { name: 'dashboard' } : parseRoute(window.location.hash));
if (typeof window !== 'undefined')
  window.addEventListener('hashchange', () => (current.value = parseRoute(window.location.hash)));

export const route = readonly(current);

export function navigate(to: Route): void {
  const target = href(to);
  if (window.location.hash !== target) window.location.hash = target;
  current.value = to;
}

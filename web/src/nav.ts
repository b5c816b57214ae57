/**
 * Client-side navigation over the History API: pushState for every user step (so Back/Forward walk through
 * them), replaceState for corrections the user did not make (a clamped page). Links are real <a href>; a plain
 * left click on a same-origin link is turned into navigate(), a modified click opens a tab as usual.
 */
import { useEffect, useState } from 'preact/hooks';
import { OFFLINE } from './mode';
import { formatRoute, hashLocation, parseRoute, type Route } from './route';

/** The link that shows the current page: path and query, or in the offline bundle the hash route. */
function currentHref(): string {
  return OFFLINE ? (location.hash || '#/') : location.pathname + location.search;
}

function currentRoute(previous?: Route): Route {
  if (!OFFLINE) return parseRoute(location.pathname, location.search);
  const at = hashLocation(location.hash);
  // A plain in-page anchor (#filters-title) is not a route: the view stays.
  return at ? parseRoute(at.pathname, at.search) : previous ?? parseRoute('/', '');
}

const EVENT = 'app:navigate';

export function navigate(to: Route | string, options: { replace?: boolean } = {}): void {
  const href = typeof to === 'string' ? to : formatRoute(to);
  if (href === currentHref()) return;
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(EVENT));
  if (!options.replace) window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => currentRoute());
  useEffect(() => {
    const update = () => setRoute((previous) => currentRoute(previous));
    window.addEventListener('popstate', update);
    window.addEventListener('hashchange', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('hashchange', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return route;
}

/** Delegated click handler for the whole app: in-app links navigate without a reload. */
export function interceptLinks(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (OFFLINE) {
    if (url.origin !== location.origin || url.pathname !== location.pathname) return;
    e.preventDefault();
    if (hashLocation(url.hash)) navigate(url.hash || '#/');
    else document.getElementById(decodeURIComponent(url.hash.slice(1)))?.scrollIntoView();
    return;
  }
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  // An in-page anchor (#filters) is the browser's job.
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}

// The browser host hands out its token in the URL once (`?token=`). Keep it for this tab only
// (sessionStorage), and take it out of the address bar so it is not copied, bookmarked or shown
// in screenshots. A newer token in the URL (the server restarted) replaces the stored one.
const KEY = 'iovlab.token';

export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem(KEY);
}

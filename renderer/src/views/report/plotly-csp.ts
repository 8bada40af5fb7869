// Runs before plotly.js-basic-dist-min is evaluated (Plot.tsx imports this module first). Under
// the app's CSP (style-src 'self') plotly would inject a <style> element at load, which the
// browser refuses with a console error. It skips the injection when an element with id
// plotly.js-style-global and class no-inline-styles already exists; its rules come from
// ./plotly.css instead. (The basic bundle carries no maplibre, so no map stylesheet to stop.)
// After a plotly upgrade, the e2e tests' "no CSP violations" check shows if the id changed.
const MARKER = 'plotly.js-style-global';

if (!document.getElementById(MARKER)) {
  const marker = document.createElement('meta');
  marker.id = MARKER;
  marker.className = 'no-inline-styles';
  document.head.appendChild(marker);
}

export {};

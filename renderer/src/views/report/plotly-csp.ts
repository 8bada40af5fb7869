// Runs before plotly.js-dist-min is evaluated (Plot.tsx imports this module first). Under the
// app's CSP (style-src 'self') plotly and its bundled maplibre would inject <style> elements at
// load, which the browser refuses with a console error each. Both skip the injection when an
// element with their id already exists:
// - plotly.js-style-global with class no-inline-styles: plotly's own rules come from ./plotly.css;
// - maplibre's stylesheet id (plotly.js 4.1.2's bundle): iovlab draws no maps.
// After a plotly upgrade, the e2e tests' "no CSP violations" check shows if an id changed.
const MARKERS = ['plotly.js-style-global', 'ce8d464691048653ffe3a57c6c18ab566e8366f186677868cf724621a857b4fe'];

for (const id of MARKERS) {
  if (document.getElementById(id)) continue;
  const marker = document.createElement('meta');
  marker.id = id;
  marker.className = 'no-inline-styles';
  document.head.appendChild(marker);
}

export {};

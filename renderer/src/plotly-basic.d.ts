// plotly.js-basic-dist-min ships no types of its own. It is plotly.js built with fewer trace
// types (scatter, bar, pie), so plotly.js's declarations (@types/plotly.js) describe its API.
declare module 'plotly.js-basic-dist-min' {
  import * as Plotly from 'plotly.js';
  export = Plotly;
}

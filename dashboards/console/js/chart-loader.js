// Chart.js is loaded only when a view draws a chart. The console service serves it from
// node_modules/chart.js/dist/ at /vendor/chart.js/ (same origin: the CSP allows only 'self' scripts).
export const CHART_JS_SRC = '/vendor/chart.js/chart.umd.js';

let loading;

/** Resolves to the global `Chart` (UMD build), loading the script once; rejects when it is not served. */
export function loadChartJs() {
  if (globalThis.Chart) return Promise.resolve(globalThis.Chart);
  loading ??= new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.src = CHART_JS_SRC;
    el.async = true;
    el.onload = () => (globalThis.Chart ? resolve(globalThis.Chart) : reject(new Error(`${CHART_JS_SRC} did not define Chart`)));
    el.onerror = () => {
      loading = undefined;
      el.remove();
      reject(new Error(`${CHART_JS_SRC} could not be loaded`));
    };
    document.head.append(el);
  });
  return loading;
}

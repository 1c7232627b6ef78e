/**
 * Small, dependency-free SVG charts for the Markdown report (GitHub and any browser render them).
 */
export interface Bar {
  label: string;
  value: number;
  /** Optional target drawn as a tick on the bar's row. */
  target?: number;
  note?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 10) / 10));

/** Horizontal bars, one row each, on a shared linear scale; targets as red ticks. */
export function barChart(title: string, unit: string, bars: Bar[]): string {
  const rowH = 26;
  const left = 230;
  const width = 760;
  const plotW = width - left - 110;
  const top = 34;
  const height = top + bars.length * rowH + 16;
  const max = Math.max(1, ...bars.map((b) => Math.max(b.value, b.target ?? 0))) * 1.05;
  const x = (v: number) => left + (v / max) * plotW;
  const rows = bars
    .map((b, i) => {
      const y = top + i * rowH;
      const target = b.target !== undefined ? `<line x1="${x(b.target)}" x2="${x(b.target)}" y1="${y}" y2="${y + rowH - 6}" stroke="#c0392b" stroke-width="2"/>` : '';
      const ok = b.target === undefined ? '#4a78b5' : b.value >= b.target ? '#3a9d5d' : '#d08a2b';
      return (
        `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect x="${left}" y="${y + 2}" width="${Math.max(1, x(b.value) - left)}" height="${rowH - 10}" fill="${ok}"/>` +
        `<text x="${x(b.value) + 6}" y="${y + 15}">${fmt(b.value)}${b.note ? ` ${esc(b.note)}` : ''}</text>` +
        target
      );
    })
    .join('\n');
  return svg(width, height, `<text x="10" y="20" font-weight="bold">${esc(title)} (${esc(unit)})</text>\n${rows}`);
}

/** Empirical distribution (CDF) of latency samples, with the percentiles marked; log-scaled x when wide. */
export function cdfChart(title: string, samplesMs: number[], targets: Array<{ label: string; ms: number }> = []): string {
  const width = 760;
  const height = 300;
  const m = { l: 60, r: 20, t: 34, b: 40 };
  const s = [...samplesMs].sort((a, b) => a - b);
  if (s.length === 0) return svg(width, 60, `<text x="10" y="30">${esc(title)}: no samples</text>`);
  const lo = Math.max(0.1, s[0]!);
  const hi = Math.max(lo * 10, s[s.length - 1]!, ...targets.map((t) => t.ms));
  const lx = (v: number) => m.l + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (width - m.l - m.r);
  const ly = (q: number) => height - m.b - q * (height - m.t - m.b);
  const pts = s.map((v, i) => `${lx(v).toFixed(1)},${ly((i + 1) / s.length).toFixed(1)}`).join(' ');
  const ticks: string[] = [];
  for (let d = Math.floor(Math.log10(lo)); d <= Math.ceil(Math.log10(hi)); d++) {
    const v = 10 ** d;
    if (v < lo || v > hi) continue;
    ticks.push(`<line x1="${lx(v)}" x2="${lx(v)}" y1="${m.t}" y2="${height - m.b}" stroke="#ddd"/><text x="${lx(v)}" y="${height - m.b + 16}" text-anchor="middle">${fmt(v)} ms</text>`);
  }
  const qs = [0, 0.5, 0.95, 0.99, 1].map((q) => `<text x="${m.l - 6}" y="${ly(q) + 4}" text-anchor="end">${q === 1 ? '100' : Math.round(q * 100)}%</text>`);
  const tgt = targets.map((t) => `<line x1="${lx(t.ms)}" x2="${lx(t.ms)}" y1="${m.t}" y2="${height - m.b}" stroke="#c0392b" stroke-dasharray="4 3"/><text x="${lx(t.ms) + 4}" y="${m.t + 12}" fill="#c0392b">${esc(t.label)}</text>`);
  return svg(
    width,
    height,
    `<text x="10" y="20" font-weight="bold">${esc(title)} (${s.length} samples; share of alerts arriving within x)</text>\n${ticks.join('\n')}\n${qs.join('\n')}\n${tgt.join('\n')}\n<polyline fill="none" stroke="#4a78b5" stroke-width="2" points="${pts}"/>`,
  );
}

/** Per-second series (e.g. events accepted each second of a phase). */
export function lineChart(title: string, unit: string, series: Array<{ label: string; values: number[]; color: string }>): string {
  const width = 760;
  const height = 260;
  const m = { l: 70, r: 20, t: 34, b: 36 };
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values)) * 1.1;
  const x = (i: number) => m.l + (i / (n - 1)) * (width - m.l - m.r);
  const y = (v: number) => height - m.b - (v / max) * (height - m.t - m.b);
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  const legend = series.map((s, i) => `<rect x="${m.l + i * 160}" y="${height - 14}" width="12" height="8" fill="${s.color}"/><text x="${m.l + i * 160 + 16}" y="${height - 6}">${esc(s.label)}</text>`);
  const grid = [0, 0.5, 1].map((q) => `<line x1="${m.l}" x2="${width - m.r}" y1="${y(q * max)}" y2="${y(q * max)}" stroke="#ddd"/><text x="${m.l - 6}" y="${y(q * max) + 4}" text-anchor="end">${fmt(q * max)}</text>`);
  return svg(width, height, `<text x="10" y="20" font-weight="bold">${esc(title)} (${esc(unit)}, per second)</text>\n${grid.join('\n')}\n${lines.join('\n')}\n${legend.join('\n')}`);
}

function svg(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="#fff"/>\n${body}\n</svg>\n`;
}

// A vehicle's (or person's) route as an SVG sketch: checkpoints placed by latitude/longitude, scaled to
// fit, each labelled with its name and visit numbers, and arrows from each sighting to the next in time
// order. No map tiles: the console runs on networks without internet access.
import { s } from './dom.js';

let markerSeq = 0;

/**
 * Pure layout. `points` are sightings in time order (`{checkpointId, lat, lon, label?}`; those without a
 * position are skipped). Returns nodes (one per checkpoint, with the 1-based visit numbers) and segments
 * (one per move between two different checkpoints, as a quadratic curve so A→B and B→A do not overlap).
 */
export function routeGeometry(points, { width = 640, height = 360, pad = 56, radius = 7 } = {}) {
  const pts = (points ?? []).filter((p) => Number.isFinite(p?.lat) && Number.isFinite(p?.lon));
  if (pts.length === 0) return { width, height, nodes: [], segments: [] };
  const meanLat = pts.reduce((a, p) => a + p.lat, 0) / pts.length;
  // Equirectangular with the mean latitude's shrink, so a north–south road does not look east–west.
  const k = Math.cos((meanLat * Math.PI) / 180);
  const px = pts.map((p) => p.lon * k);
  const py = pts.map((p) => -p.lat);
  const [minX, maxX, minY, maxY] = [Math.min(...px), Math.max(...px), Math.min(...py), Math.max(...py)];
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  const innerW = width - 2 * pad;
  const innerH = height - 2 * pad;
  const scale = spanX === 0 && spanY === 0 ? 1 : Math.min(spanX > 0 ? innerW / spanX : Infinity, spanY > 0 ? innerH / spanY : Infinity);
  const offX = pad + (innerW - spanX * scale) / 2;
  const offY = pad + (innerH - spanY * scale) / 2;
  const place = (i) => ({ x: offX + (px[i] - minX) * scale, y: offY + (py[i] - minY) * scale });

  const nodes = [];
  const byId = new Map();
  const order = [];
  pts.forEach((p, i) => {
    let node = byId.get(p.checkpointId);
    if (!node) {
      node = { checkpointId: p.checkpointId, label: p.label ?? p.checkpointId, ...place(i), visits: [] };
      byId.set(p.checkpointId, node);
      nodes.push(node);
    }
    node.visits.push(i + 1);
    order.push(node);
  });

  const segments = [];
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1];
    const b = order[i];
    if (a === b) continue;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    // Bend to the left of the direction of travel: the return trip bends the other way.
    const bend = Math.min(40, len * 0.18);
    const cx = (a.x + b.x) / 2 - (dy / len) * bend;
    const cy = (a.y + b.y) / 2 + (dx / len) * bend;
    const toward = (from, tx, ty, r) => {
      const d = Math.hypot(tx - from.x, ty - from.y) || 1;
      return { x: from.x + ((tx - from.x) / d) * r, y: from.y + ((ty - from.y) / d) * r };
    };
    const start = toward(a, cx, cy, radius + 1);
    const end = toward(b, cx, cy, radius + 3);
    segments.push({ order: i, from: a.checkpointId, to: b.checkpointId, x1: start.x, y1: start.y, cx, cy, x2: end.x, y2: end.y });
  }
  placeLabels(nodes, width, height);
  return { width, height, nodes, segments };
}

/** Rough label box width: CJK characters are about one font size wide, Latin about half. */
const labelWidth = (text) => [...text].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 12 : 6.6), 0);
const overlaps = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/**
 * Puts each node's two-line label (name, visit numbers) beside it where it overlaps no other label and
 * no other node: right, left, above-right, below-right…, else the least crowded spot. Checkpoints a few
 * kilometres apart would otherwise print their names over each other.
 */
function placeLabels(nodes, width, height) {
  const placed = [];
  const dots = nodes.map((n) => ({ x1: n.x - 8, x2: n.x + 8, y1: n.y - 8, y2: n.y + 8 }));
  for (const n of [...nodes].sort((a, b) => a.y - b.y || a.x - b.x)) {
    const w = Math.max(labelWidth(n.label), 40);
    const options = [
      [11, -3, 'start'],
      [-11, -3, 'end'],
      [11, -19, 'start'],
      [-11, -19, 'end'],
      [11, 13, 'start'],
      [-11, 13, 'end'],
      [11, -35, 'start'],
      [11, 29, 'start'],
    ].map(([dx, dy, anchor]) => {
      const x = n.x + dx;
      const box = anchor === 'start' ? { x1: x, x2: x + w } : { x1: x - w, x2: x };
      const b = { ...box, y1: n.y + dy - 11, y2: n.y + dy + 15 };
      const outside = (b.x1 < 0 ? -b.x1 : 0) + (b.x2 > width ? b.x2 - width : 0) + (b.y1 < 0 ? -b.y1 : 0) + (b.y2 > height ? b.y2 - height : 0);
      const crowd = placed.filter((o) => overlaps(o, b)).length + dots.filter((o) => overlaps(o, b)).length - (overlaps(dots[nodes.indexOf(n)], b) ? 1 : 0);
      return { x, y: n.y + dy, anchor, box: b, cost: crowd * 100 + outside };
    });
    const best = options.reduce((a, b) => (b.cost < a.cost ? b : a));
    Object.assign(n, { labelX: best.x, labelY: best.y, anchor: best.anchor });
    placed.push(best.box);
  }
}

const r1 = (n) => Math.round(n * 10) / 10;

/** The SVG element for `points` (see routeGeometry); `labelOf(checkpointId)` names a checkpoint. */
export function renderRoutePlot(points, { labelOf = (id) => id, width = 640, height = 360, testid = 'route-plot' } = {}) {
  const labelled = (points ?? []).map((p) => ({ ...p, label: labelOf(p.checkpointId) }));
  // One place is a dot, not a map: no tall empty box around it.
  if (new Set(labelled.filter((p) => Number.isFinite(p.lat)).map((p) => p.checkpointId)).size <= 1) height = Math.min(height, 140);
  const g = routeGeometry(labelled, { width, height });
  const marker = `route-arrow-${++markerSeq}`;
  const last = g.segments.length ? g.segments[g.segments.length - 1].to : g.nodes[0]?.checkpointId;
  return s(
    'svg',
    { class: 'route-plot', viewBox: `0 0 ${width} ${height}`, role: 'img', testid, preserveAspectRatio: 'xMidYMid meet' },
    s('defs', {}, s('marker', { id: marker, viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'route-arrowhead' }))),
    g.segments.map((seg) =>
      s('path', {
        class: 'route-leg',
        d: `M${r1(seg.x1)},${r1(seg.y1)} Q${r1(seg.cx)},${r1(seg.cy)} ${r1(seg.x2)},${r1(seg.y2)}`,
        'marker-end': `url(#${marker})`,
        dataset: { order: seg.order },
      }),
    ),
    g.nodes.map((n) =>
      s(
        'g',
        { class: ['route-node', n.checkpointId === last ? 'route-node-last' : '', n.visits[0] === 1 ? 'route-node-first' : ''], dataset: { checkpointId: n.checkpointId } },
        s('circle', { cx: r1(n.x), cy: r1(n.y), r: 7 }),
        s('text', { x: r1(n.labelX), y: r1(n.labelY), 'text-anchor': n.anchor, class: 'route-label' }, n.label),
        s('text', { x: r1(n.labelX), y: r1(n.labelY + 13), 'text-anchor': n.anchor, class: 'route-visits' }, `#${n.visits.join(', #')}`),
      ),
    ),
  );
}

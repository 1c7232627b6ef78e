import { describe, expect, it } from 'vitest';
import { routeGeometry } from './route-plot.js';

const A = { checkpointId: 'CP-A', lat: 25.0, lon: 103.0, label: 'A' };
const B = { checkpointId: 'CP-B', lat: 27.0, lon: 104.0, label: 'B' };
const C = { checkpointId: 'CP-C', lat: 30.6, lon: 104.1, label: 'C' };

describe('route plot geometry', () => {
  it('scales the checkpoints to fit inside the padded plot', () => {
    const g = routeGeometry([A, B, C], { width: 600, height: 400, pad: 50 });
    for (const n of g.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(50);
      expect(n.x).toBeLessThanOrEqual(550);
      expect(n.y).toBeGreaterThanOrEqual(50);
      expect(n.y).toBeLessThanOrEqual(350);
    }
    // North is up: the northernmost checkpoint is drawn highest and uses the full height.
    const y = Object.fromEntries(g.nodes.map((n) => [n.checkpointId, n.y]));
    expect(y['CP-C']).toBeCloseTo(50);
    expect(y['CP-A']).toBeCloseTo(350);
  });

  it('draws one node per checkpoint with its visit numbers and one arrow per move, in time order', () => {
    const g = routeGeometry([A, B, A, B, C]);
    expect(g.nodes.map((n) => [n.checkpointId, n.visits])).toEqual([
      ['CP-A', [1, 3]],
      ['CP-B', [2, 4]],
      ['CP-C', [5]],
    ]);
    expect(g.segments.map((s) => [s.order, s.from, s.to])).toEqual([
      [1, 'CP-A', 'CP-B'],
      [2, 'CP-B', 'CP-A'],
      [3, 'CP-A', 'CP-B'],
      [4, 'CP-B', 'CP-C'],
    ]);
  });

  it('bends a return trip to the other side so the two arrows do not overlap', () => {
    const g = routeGeometry([A, B, A]);
    const [there, back] = g.segments;
    const side = (s: { x1: number; y1: number; x2: number; y2: number }, px: number, py: number) => Math.sign((s.x2 - s.x1) * (py - s.y1) - (s.y2 - s.y1) * (px - s.x1));
    // Measured against the line A→B, the outbound and the return curve bulge to opposite sides.
    const ab = { x1: g.nodes[0]!.x, y1: g.nodes[0]!.y, x2: g.nodes[1]!.x, y2: g.nodes[1]!.y };
    expect(side(ab, there!.cx, there!.cy)).toBe(-side(ab, back!.cx, back!.cy));
  });

  it('skips a repeated stop and sightings without a position, and centres a single checkpoint', () => {
    const g = routeGeometry([A, A, { checkpointId: 'CP-X', lat: undefined, lon: undefined }], { width: 600, height: 400 });
    expect(g.nodes).toHaveLength(1);
    expect(g.segments).toHaveLength(0);
    expect(g.nodes[0]).toMatchObject({ x: 300, y: 200, visits: [1, 2] });
  });

  it('places labels of checkpoints close together so they do not cover each other', () => {
    const near = { checkpointId: 'CP-N', lat: 27.01, lon: 104.01, label: '宜宾南公安检查站' };
    const g = routeGeometry([A, { ...B, label: '水富滇川省界公安检查站' }, near, C]);
    const b = g.nodes.find((n) => n.checkpointId === 'CP-B')!;
    const n = g.nodes.find((x) => x.checkpointId === 'CP-N')!;
    const sameSpot = b.anchor === n.anchor && Math.abs(b.labelY - n.labelY) < 26 && Math.abs(b.labelX - n.labelX) < 100;
    expect(sameSpot).toBe(false);
  });
});

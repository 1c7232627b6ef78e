/**
 * One CSV line (RFC 4180 quoting: `"a, b"`, `""` for a quote). Fields never span lines, so files stream
 * line by line; a multi-line quoted field is reported as an unterminated quote.
 */
export function parseCsvLine(line: string): { ok: true; cells: string[] } | { ok: false; reason: string } {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return { ok: false, reason: 'unterminated quoted field' };
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += line[i++];
      }
      if (i < line.length && line[i] !== ',') return { ok: false, reason: `unexpected character after a quoted field at column ${i + 1}` };
    } else {
      const end = line.indexOf(',', i);
      cell = end < 0 ? line.slice(i) : line.slice(i, end);
      i = end < 0 ? line.length : end;
    }
    cells.push(cell);
    if (i >= line.length) return { ok: true, cells };
    i++; // the comma
    if (i === line.length) {
      cells.push('');
      return { ok: true, cells };
    }
  }
}

const NUMERIC = new Set(['attributes.maxQuantityKg', 'version']);

/**
 * A CSV row as the object the schema expects: dotted headers nest (`attributes.chemical`, `display.zh`),
 * empty cells are left out, numeric columns become numbers.
 */
export function csvRecordToObject(header: string[], cells: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const raw = cells[i];
    if (!name || raw === undefined || raw.trim() === '' || /(^|\.)(__proto__|constructor|prototype)(\.|$)/.test(name)) return;
    const value: unknown = NUMERIC.has(name) && !Number.isNaN(Number(raw)) ? Number(raw) : raw.trim();
    const path = name.split('.');
    let node = out;
    for (const part of path.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  });
  return out;
}

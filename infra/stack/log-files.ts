import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, statSync } from 'node:fs';

/** Keeps the previous run's log as `<file>.1`, so a crash's log survives the restart that follows it. */
export function rotateLog(file: string): void {
  if (existsSync(file) && statSync(file).size > 0) renameSync(file, `${file}.1`);
}

/** The last `lines` lines of a text file ('' when it does not exist); reads at most the last 256 KiB. */
export function tailFile(file: string, lines: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return lastLines(buf.toString('utf8'), lines);
  } finally {
    closeSync(fd);
  }
}

export function lastLines(text: string, lines: number): string {
  const all = text.replace(/\n$/, '').split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

/**
 * What to show when an engine died: its first error lines (the cause; a JVM's shutdown chatter
 * follows and fills the tail) and then the last lines.
 */
export function failureExcerpt(text: string, errorLines = 8, tailLines = 15): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const tail = lines.slice(Math.max(0, lines.length - tailLines));
  const head = lines.slice(0, Math.max(0, lines.length - tailLines));
  const errors = head.filter((l) => /\b(ERROR|FATAL)\b|Exception|Caused by|could not|cannot/i.test(l) && !/\bINFO\b/.test(l)).slice(0, errorLines);
  return errors.length ? [...errors, '  …', ...tail].join('\n') : tail.join('\n');
}

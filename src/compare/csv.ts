/** CSV text (RFC 4180) and a file download, shared by the list's and the charts' exports. */

function csvField(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text = Array.isArray(value)
    ? value.join(', ')
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
  // Quote only when needed, doubling quotes, as pandas' to_csv does.
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, values read by header name. */
export function toCsv(
  header: string[],
  rows: Iterable<Record<string, unknown>>
): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) {
    lines.push(header.map(name => csvField(row[name])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Saves `url` (a data: or blob: URL) as a file the browser downloads. */
export function downloadUrl(url: string, filename: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** Saves a blob (a CSV the server wrote, an SVG) as a file the browser downloads. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  downloadUrl(url, filename);
  // The download has started from the object URL by the time the next task runs.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Saves text as a file the browser downloads. */
export function downloadText(
  text: string,
  filename: string,
  type = 'text/csv'
): void {
  downloadBlob(new Blob([text], { type }), filename);
}

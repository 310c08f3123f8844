import { rawFetch, type Query } from './client.js';

/** Downloads an authenticated file (the Authorization header rules out a plain link). */
export async function downloadFile(path: string, query: Query, fallbackName: string): Promise<{ name: string; bytes: number }> {
  const response = await rawFetch('GET', path, { query, accept: '*/*' });
  const blob = await response.blob();
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = decodeURIComponent(name);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { name: link.download, bytes: blob.size };
}

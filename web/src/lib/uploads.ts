// A knowledge file's Content-Type and the `format` the API names, from its file name.

/** The Content-Type a file upload goes with (PUT /api/knowledge/links/{id}/file). */
export function uploadType(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'json') return 'application/json';
  if (ext === 'csv') return 'text/csv';
  if (ext === 'md' || ext === 'markdown') return 'text/markdown';
  return 'text/plain';
}

/** The `format` of POST /api/dashboard/crm-links for an inline file. */
export const formatOf = (name: string): 'json' | 'csv' | 'markdown' | 'text' =>
  (({ 'application/json': 'json', 'text/csv': 'csv', 'text/markdown': 'markdown' }) as const)[
    uploadType(name) as 'application/json'
  ] ?? 'text';

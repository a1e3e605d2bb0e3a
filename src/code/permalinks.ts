/** Links into `code-repository` at a fixed commit, so that a line number never drifts (SPEC Part 2). */

function base(serverUrl: string, owner: string, repo: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`
}

/** `https://<server>/<owner>/<repo>/blob/<sha>/<path>#L<line>`; without a line, the file. */
export function permalink(
  serverUrl: string,
  owner: string,
  repo: string,
  sha: string,
  path: string,
  line: number | null
): string {
  const file = path.split('/').map(encodeURIComponent).join('/')
  return `${base(serverUrl, owner, repo)}/blob/${sha}/${file}${line && line > 0 ? `#L${line}` : ''}`
}

/** `https://<server>/<owner>/<repo>/commit/<sha>`. */
export function commitLink(serverUrl: string, owner: string, repo: string, sha: string): string {
  return `${base(serverUrl, owner, repo)}/commit/${sha}`
}

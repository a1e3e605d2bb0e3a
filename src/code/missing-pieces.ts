import type { CodeProblemKind } from './repo.js'

/** One warning per kind of missing piece: why, for how many issues, and how to fix it. */
export interface CodeWarning {
  kind: CodeProblemKind
  /** The Sentry ids whose issue lacks this piece. */
  issues: string[]
  message: string
}

/** Collects missing pieces by kind, so a run says each once rather than once per issue. */
export class CodeWarnings {
  private readonly byKind = new Map<CodeProblemKind, { issues: Set<string>; detail: string }>()

  constructor(private readonly repository: string) {}

  add(kind: CodeProblemKind, issue: string, detail: string): void {
    const seen = this.byKind.get(kind)
    if (seen) seen.issues.add(issue)
    else this.byKind.set(kind, { issues: new Set([issue]), detail })
  }

  list(): CodeWarning[] {
    return [...this.byKind].map(([kind, { issues, detail }]) => ({
      kind,
      issues: [...issues],
      message: this.sentence(kind, issues.size, detail)
    }))
  }

  private sentence(kind: CodeProblemKind, count: number, detail: string): string {
    const n = `${count} issue${count === 1 ? '' : 's'}`
    const repo = this.repository
    switch (kind) {
      case 'permission':
        return `The token cannot read the code of ${repo} (${detail}): ${n} opened without code links, owners or suspect commit. Add \`contents: read\` to the workflow's permissions (next to \`issues: write\`), and if code-repository is another private repository, use a token that can read it.`
      case 'unavailable':
        return `GitHub could not give the code of ${repo} (${detail}): ${n} opened without code context; it is not added later.`
      case 'tree-truncated':
        return `The file list of ${repo} at ${detail.slice(0, 7)} is over GitHub's limit (100,000 entries or 7 MB) and came back cut: some frames of ${n} may not be linked.`
      case 'no-codeowners':
        return `${repo} has no CODEOWNERS at ${detail.slice(0, 7)} (looked in .github/, the root and docs/): no owners named for ${n}. Add a CODEOWNERS file, or drop codeowners from assign.`
      case 'codeowners-invalid':
        return `Lines of the CODEOWNERS of ${repo} were skipped, as GitHub skips them (${detail}).`
      case 'file-not-found':
        return `The crash frame of ${n} matched no single file of ${repo} (e.g. '${detail.slice(0, 200)}'): no owners or suspect commit for them. Check code-repository; a file found in several places is not linked rather than guessed.`
      case 'blame-timeout':
        return `GitHub's blame timed out (${detail}): ${n} opened without a suspect commit. Very large files cannot be blamed in time.`
      case 'blame-failed':
        return `GitHub's blame failed (${detail.slice(0, 200)}): ${n} opened without a suspect commit.`
      case 'release-unresolved':
        return `Release '${detail.slice(0, 100)}' matched no commit of ${repo} (neither Sentry's release commits nor a tag, branch or SHA of that name): links for ${n} point at the default branch's head, and the issue says the line may have moved. Associate commits with releases in Sentry (sentry-cli releases set-commits) or tag releases with their version.`
    }
  }
}

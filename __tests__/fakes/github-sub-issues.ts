/**
 * GitHub's sub-issues REST API for the fake GitHub (API-NOTES G5):
 * - `POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues` with `{ sub_issue_id, replace_parent? }`:
 *   `sub_issue_id` is the child's **id**, not its number. An id no issue has → 404; a child of another
 *   owner's repository (`otherOwnerIds`) → 422; a child that already has a parent, without
 *   `replace_parent: true` → 422; a child attached to itself → 422. Answers 201 with the child issue.
 * - `GET …/sub_issues`: the children, in the order they were attached.
 * - GHES mode (`available: false`): both answer 404, as GitHub Enterprise Server versions without
 *   the API do.
 * The parent gains `sub_issues_summary` ({total, completed, percent_completed}), as GitHub shows it.
 */
import { isRecord, json, type Route, type RouteContext, type RouteResult } from './server.js'
import type { GitHubIssue } from './github.js'

const DOCS = 'https://docs.github.com/rest/issues/sub-issues'

export interface SubIssueKit {
  available: boolean
  /** ids of issues that exist, but in a repository of another owner */
  otherOwnerIds: ReadonlySet<number>
  findItem: (n: number) => GitHubIssue | undefined
  allIssues: () => GitHubIssue[]
  guard: (ctx: RouteContext, write: boolean) => RouteResult | null
}

/** The parent → children (ids) relation, and the routes that serve it. */
export function subIssueRoutes(
  prefix: string,
  kit: SubIssueKit
): { routes: Route[]; children: Map<number, number[]> } {
  const children = new Map<number, number[]>()
  const notFound = () => json(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
  const invalid = (message: string) =>
    json(422, {
      message: 'Validation Failed',
      errors: [{ message }],
      documentation_url: DOCS,
      status: '422'
    })
  const parentOf = (childId: number): number | undefined =>
    [...children].find(([, ids]) => ids.includes(childId))?.[0]
  const summarise = (parent: GitHubIssue) => {
    const kids = (children.get(parent.number) ?? [])
      .map(id => kit.allIssues().find(i => i.id === id))
      .filter((i): i is GitHubIssue => i !== undefined)
    const completed = kids.filter(k => k.state === 'closed').length
    parent.sub_issues_summary = {
      total: kids.length,
      completed,
      percent_completed: kids.length === 0 ? 0 : Math.round((completed / kids.length) * 100)
    }
  }

  const post = (ctx: RouteContext): RouteResult => {
    const denied = kit.guard(ctx, true)
    if (denied) return denied
    if (!kit.available) return notFound()
    const parent = kit.findItem(Number(ctx.params.n))
    if (!parent) return notFound()
    const body = ctx.body
    if (
      !isRecord(body) ||
      typeof body.sub_issue_id !== 'number' ||
      !Number.isInteger(body.sub_issue_id)
    )
      return invalid(
        'sub_issue_id is required and must be an integer (the issue id, not its number)'
      )
    const id = body.sub_issue_id
    if (kit.otherOwnerIds.has(id))
      return invalid('Sub issue must belong to the same owner as the parent')
    const child = kit.allIssues().find(i => i.id === id)
    if (!child) return notFound()
    if (child.number === parent.number) return invalid('An issue cannot be a sub-issue of itself')
    const current = parentOf(id)
    if (current === parent.number) return invalid('Issue is already a sub-issue of this issue')
    if (current !== undefined) {
      if (body.replace_parent !== true) return invalid('Sub issue may only have one parent')
      children.set(
        current,
        (children.get(current) ?? []).filter(c => c !== id)
      )
    }
    children.set(parent.number, [...(children.get(parent.number) ?? []), id])
    summarise(parent)
    return json(201, child)
  }

  const list = (ctx: RouteContext): RouteResult => {
    const denied = kit.guard(ctx, false)
    if (denied) return denied
    if (!kit.available) return notFound()
    const parent = kit.findItem(Number(ctx.params.n))
    if (!parent) return notFound()
    const kids = (children.get(parent.number) ?? [])
      .map(id => kit.allIssues().find(i => i.id === id))
      .filter((i): i is GitHubIssue => i !== undefined)
    return json(200, kids)
  }

  const r = `${prefix}/repos/:owner/:repo/issues/:n/sub_issues`
  return {
    routes: [
      { method: 'POST', pattern: r, handler: post },
      { method: 'GET', pattern: r, handler: list }
    ],
    children
  }
}

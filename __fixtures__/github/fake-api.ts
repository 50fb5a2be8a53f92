import http from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'

export interface FakeComment {
  id: number
  body: string
  user: { login: string }
  html_url: string
}

export interface RecordedRequest {
  method: string
  path: string
  body?: unknown
  /** when it arrived (Date.now()) */
  at: number
}

export type TimelineEvent =
  | { event: 'labeled' | 'unlabeled'; label: { name: string }; actor: { login: string } }
  | { event: 'committed'; sha: string }
  | { event: 'head_ref_force_pushed'; actor: { login: string } }

/** Scripted failures, consumed in order before the normal answer. */
export interface Failure {
  /** only requests whose "METHOD /path" matches fail; default: creating a comment */
  route?: RegExp
  status: number
  headers?: Record<string, string>
  message: string
  /** answer every matching request this way, never consumed (a persistent rate limit) */
  persistent?: boolean
}

/**
 * Just enough of the GitHub REST and GraphQL API over loopback: issue comments with Link-header pagination,
 * GraphQL viewer, GET /user, pulls.get, a PR's timeline and collaborator permissions. Mounted under `prefix`; for GitHub Enterprise Server (`/api/v3`) GraphQL
 * is served at /api/graphql as there, and recorded as path /graphql.
 */
export class FakeGitHub {
  comments: FakeComment[] = []
  pulls = new Map<
    number,
    { state: string; head: { sha: string; ref?: string; repo?: { full_name: string } | null } }
  >()
  /** a PR's timeline (GET /repos/o/r/issues/N/timeline), oldest first: labels applied, commits pushed */
  timeline = new Map<number, TimelineEvent[]>()
  /** each user's permission on o/r (GET /repos/o/r/collaborators/U/permission); others get 404 */
  permissions = new Map<string, string>()
  requests: RecordedRequest[] = []
  failures: Failure[] = []
  viewer = 'github-actions[bot]'
  private nextId = 1
  private server = http.createServer((req, res) => void this.handle(req, res))
  url = ''

  constructor(private readonly prefix = '') {}

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.prefix}`
    return this
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    this.server.close()
  }

  addComment(login: string, body: string): FakeComment {
    const id = this.nextId++
    const comment = {
      id,
      body,
      user: { login },
      html_url: `https://github.com/o/r/pull/1#issuecomment-${id}`
    }
    this.comments.push(comment)
    return comment
  }

  private send(
    res: http.ServerResponse,
    status: number,
    data: unknown,
    headers: Record<string, string> = {}
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(data))
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString()
    const url = new URL(req.url ?? '/', 'http://x')
    const path =
      this.prefix.endsWith('/v3') && url.pathname === `${this.prefix.slice(0, -3)}/graphql`
        ? '/graphql'
        : url.pathname.startsWith(this.prefix)
          ? url.pathname.slice(this.prefix.length)
          : `(outside ${this.prefix}) ${url.pathname}`
    this.requests.push({
      method: req.method ?? '',
      path,
      body: text ? JSON.parse(text) : undefined,
      at: Date.now()
    })
    const index = this.failures.findIndex(f =>
      (f.route ?? /^POST .*\/comments$/).test(`${req.method} ${path}`)
    )
    if (index >= 0) {
      const failure = this.failures[index]!.persistent
        ? this.failures[index]
        : this.failures.splice(index, 1)[0]
      return this.send(res, failure!.status, { message: failure!.message }, failure!.headers)
    }
    if (path === '/graphql' && req.method === 'POST')
      return this.send(res, 200, { data: { viewer: { login: this.viewer } } })
    if (path === '/user' && req.method === 'GET')
      return this.viewer.endsWith('[bot]')
        ? this.send(res, 403, { message: 'Resource not accessible by integration' })
        : this.send(res, 200, { login: this.viewer })
    const comments = /^\/repos\/o\/r\/issues\/(\d+)\/comments$/.exec(path)
    if (comments && req.method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const items = this.comments.slice((page - 1) * perPage, page * perPage)
      const last = Math.max(1, Math.ceil(this.comments.length / perPage))
      const link: Record<string, string> =
        page < last
          ? {
              link: `<${this.url}${path}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.url}${path}?per_page=${perPage}&page=${last}>; rel="last"`
            }
          : {}
      return this.send(res, 200, items, link)
    }
    if (comments && req.method === 'POST') {
      const body = (JSON.parse(text) as { body: string }).body
      return this.send(res, 201, this.addComment(this.viewer, body))
    }
    const update = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(path)
    if (update && req.method === 'PATCH') {
      const comment = this.comments.find(c => c.id === Number(update[1]))
      if (!comment) return this.send(res, 404, { message: 'Not Found' })
      comment.body = (JSON.parse(text) as { body: string }).body
      return this.send(res, 200, comment)
    }
    const timeline = /^\/repos\/o\/r\/issues\/(\d+)\/timeline$/.exec(path)
    if (timeline && req.method === 'GET')
      return this.send(res, 200, this.timeline.get(Number(timeline[1])) ?? [])
    const permission = /^\/repos\/o\/r\/collaborators\/([^/]+)\/permission$/.exec(path)
    if (permission && req.method === 'GET') {
      const login = decodeURIComponent(permission[1]!)
      const level = this.permissions.get(login)
      return level
        ? this.send(res, 200, { permission: level, user: { login } })
        : this.send(res, 404, { message: 'Not Found' })
    }
    const pull = /^\/repos\/o\/r\/pulls\/(\d+)$/.exec(path)
    if (pull) {
      const pr = this.pulls.get(Number(pull[1]))
      return pr
        ? this.send(res, 200, { number: Number(pull[1]), ...pr })
        : this.send(res, 404, { message: 'Not Found' })
    }
    this.send(res, 404, { message: `fake API has no route ${req.method} ${path}` })
  }
}

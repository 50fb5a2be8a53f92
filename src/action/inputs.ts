import { PROFILE_MODES, type ProfileMode } from '../config/cpu-profile.js'
import path from 'node:path'
import { COMMENT_ID_WORDS, isCommentId, toCommentId } from '../github/comment.js'
import { ACTION_WORDS, parseLegOptions } from '../shard/options.js'
import type { ShardSpec } from '../shard/split.js'
import { shardLeg } from '../shard/identity.js'

export type CommentMode = 'always' | 'on-change' | 'on-failure' | 'off'
export type ActionMode = 'auto' | 'run' | 'compare' | 'report' | 'merge'

export interface ActionInputs {
  config: string
  mode: ActionMode
  baseDir?: string
  baseRef?: string
  token: string
  comment: CommentMode
  commentId: string
  /** the matrix leg this job measures, in baseline records (the comment id by default; a shard adds its K/N) */
  leg: string
  /** shard K of N of the suite (a matrix leg; a merge job joins the legs) */
  shard?: ShardSpec
  /** load shard K of N: every scenario at 1/N of its load (a matrix leg; never with shard) */
  loadShard?: ShardSpec
  /** the load legs' shared start as given (ISO 8601 or epoch ms); checked against the clock when the leg measures */
  startAt?: string
  /** ids an earlier perfgate gave this comment by default; that comment is taken over, not duplicated */
  previousCommentIds: string[]
  outDir: string
  onInconclusive?: 'warn' | 'fail'
  /** after a push stored its run, a new change point for the worse: warn, fail, or a sticky issue */
  onChangePoint: 'warn' | 'fail' | 'issue'
  /** when to profile after the verdict (overrides the config's profile.mode) */
  profile?: ProfileMode
  artifactPath?: string
  workspace: string
}

export type GetInput = (name: string) => string

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new Error(
    `Invalid value "${value}" for the "${name}" input. It must be one of: ${allowed.join(', ')}.`
  )
}

/**
 * One comment per config and job: two jobs gating the same config (a workflow with several jobs) get their own
 * comments. The legs of a matrix share a job id and GitHub gives an action no view of the matrix, so matrix jobs set
 * `comment-id` (for example `perf-${{ matrix.node }}`).
 */
function defaultCommentId(config: string, env: NodeJS.ProcessEnv): string {
  return toCommentId(env.GITHUB_JOB ? `${config}:${env.GITHUB_JOB}` : config)
}

/** Every action input, read and checked in one place. */
export function readInputs(getInput: GetInput, env: NodeJS.ProcessEnv): ActionInputs {
  const workspace = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), getInput('working-directory') || '.')
  const config = getInput('config') || 'perfgate.yml'
  const onInconclusive = getInput('on-inconclusive')
  const chosenCommentId = getInput('comment-id')
  if (chosenCommentId && !isCommentId(chosenCommentId))
    throw new Error(
      `Invalid value "${chosenCommentId}" for the "comment-id" input. It may hold only ${COMMENT_ID_WORDS}.`
    )
  const commentId = chosenCommentId || defaultCommentId(config, env)
  const configId = toCommentId(config)
  const { shard, loadShard, startAt } = parseLegOptions(
    {
      shard: getInput('shard') || undefined,
      loadShard: getInput('load-shard') || undefined,
      startAt: getInput('start-at') || undefined
    },
    ACTION_WORDS
  )
  const leg = getInput('leg') || commentId
  return {
    config,
    mode: oneOf('mode', getInput('mode'), ['auto', 'run', 'compare', 'report', 'merge'] as const, 'auto'),
    baseDir: getInput('base-dir') || undefined,
    baseRef: getInput('base-ref') || undefined,
    token: getInput('github-token'),
    comment: oneOf(
      'comment',
      getInput('comment'),
      ['always', 'on-change', 'on-failure', 'off'] as const,
      'always'
    ),
    commentId,
    // every shard stores its own record, whatever leg the workflow named
    leg: shard ? shardLeg(leg, shard) : loadShard ? shardLeg(leg, loadShard, 'load') : leg,
    ...(shard ? { shard } : {}),
    ...(loadShard ? { loadShard } : {}),
    ...(startAt ? { startAt } : {}),
    previousCommentIds: chosenCommentId || commentId === configId ? [] : [configId],
    outDir: path.resolve(workspace, getInput('out-dir') || 'perfgate-report'),
    onInconclusive: onInconclusive
      ? oneOf('on-inconclusive', onInconclusive, ['warn', 'fail'] as const, 'warn')
      : undefined,
    onChangePoint: oneOf(
      'on-change-point',
      getInput('on-change-point'),
      ['warn', 'fail', 'issue'] as const,
      'warn'
    ),
    ...(getInput('profile')
      ? { profile: oneOf('profile', getInput('profile'), PROFILE_MODES, 'on-regression') }
      : {}),
    artifactPath: getInput('artifact-path') || undefined,
    workspace
  }
}

/**
 * The leg options of a suite's matrix, `shard`, `load-shard` and `start-at`: one set of rules for both doors (the
 * CLI's flags and the action's inputs), each naming the options in its own words.
 */
import { parseShard, ShardError, type ShardSpec } from './split.js'

/** The options as the door read them (undefined: not given). */
export interface LegOptionsText {
  shard?: string
  loadShard?: string
  startAt?: string
}

export interface LegOptions {
  /** shard K of N of the suite */
  shard?: ShardSpec
  /** every scenario at 1/N of its load */
  loadShard?: ShardSpec
  /** the load legs' shared start as given (ISO 8601 or epoch ms); checked against the clock when the leg measures */
  startAt?: string
}

/** How a door names the options in its errors. */
export interface LegOptionWords {
  shard: string
  loadShard: string
  /** the two shard options given together */
  combined: string
  /** start-at given without load-shard */
  startAtAlone: string
}

export const CLI_WORDS: LegOptionWords = {
  shard: '--shard',
  loadShard: '--load-shard',
  combined: '--load-shard and --shard cannot be combined',
  startAtAlone: '--start-at is the shared start of --load-shard legs; give --load-shard K/N too'
}

export const ACTION_WORDS: LegOptionWords = {
  shard: 'the "shard" input',
  loadShard: 'the "load-shard" input',
  combined: 'The "shard" and "load-shard" inputs cannot be combined',
  startAtAlone: 'The "start-at" input is the shared start of load-shard legs; set "load-shard" too.'
}

/** Checks the options together (a suite shard or a load shard, a shared start only for a load shard) and parses them. */
export function parseLegOptions(text: LegOptionsText, words: LegOptionWords): LegOptions {
  if (text.shard !== undefined && text.loadShard !== undefined)
    throw new ShardError(`${words.combined}: a load leg sends 1/N of every scenario, a suite leg all of some`)
  if (text.startAt !== undefined && text.loadShard === undefined) throw new ShardError(words.startAtAlone)
  return {
    ...(text.shard !== undefined ? { shard: parseShard(text.shard, words.shard) } : {}),
    ...(text.loadShard !== undefined ? { loadShard: parseShard(text.loadShard, words.loadShard) } : {}),
    ...(text.startAt !== undefined ? { startAt: text.startAt } : {})
  }
}

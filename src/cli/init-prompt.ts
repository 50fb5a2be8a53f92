/** `perfgate init`, prompting: what was found, confirmed or changed at a terminal, one question a line. */
import { createInterface } from 'node:readline/promises'
import type { Detected } from './init-detect.js'
import type { Writer } from './io.js'

/** Where the questions go and the answers come from. */
export interface PromptIO {
  stdout: Writer
  stdin?: NodeJS.ReadableStream
}

export async function ask(io: PromptIO, d: Detected): Promise<Detected> {
  const rl = createInterface({ input: io.stdin!, terminal: false })
  // the line iterator buffers lines typed (or piped) ahead of their question
  const lines = rl[Symbol.asyncIterator]()
  try {
    const answer = async (question: string, current: string) => {
      io.stdout.write(`${question} [${current}]: `)
      const next = await lines.next()
      return (next.done ? '' : String(next.value)).trim() || current
    }
    const command = await answer('Command that starts the service', d.command)
    const port = Number(await answer('Port it listens on', String(d.port)))
    const requestPath = await answer('Path to measure', d.path)
    return {
      ...d,
      command,
      commandFrom: command === d.command ? d.commandFrom : 'your answer',
      commandFound: true,
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : d.port,
      portFrom: port === d.port ? d.portFrom : 'your answer',
      path: requestPath.startsWith('/') ? requestPath : `/${requestPath}`
    }
  } finally {
    rl.close()
  }
}

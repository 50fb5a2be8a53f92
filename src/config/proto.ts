/**
 * Reading a gRPC request's .proto file as @grpc/proto-loader does (protobufjs, with its include-directory
 * resolution: an import is looked for in each include directory in turn, an absolute one taken as it is), and
 * saying what is wrong with it where it is wrong: a file that does not parse at its file:line:col, a service or
 * method it does not declare with the closest one it does.
 */
import fs from 'node:fs'
import path from 'node:path'
import protobuf from 'protobufjs'
import { didYouMean } from './suggest.js'

/** A problem inside a proto file, at its place. */
export interface ProtoProblem {
  file: string
  line: number
  col: number
  message: string
}

/** proto-loader's include resolver (build/src/util.js addIncludePathResolver), without its warning. */
function resolveWithIncludes(root: protobuf.Root, include: readonly string[]): void {
  const original = root.resolvePath.bind(root)
  root.resolvePath = (origin, target) => {
    if (path.isAbsolute(target)) return target
    for (const directory of include) {
      const full = path.join(directory, target)
      try {
        fs.accessSync(full, fs.constants.R_OK)
        return full
      } catch {
        continue
      }
    }
    return original(origin, target)
  }
}

/** Where protobufjs's error points: `illegal token 'x' (file.proto, line 5)`; the column is the token's on its line. */
function locate(err: Error, mainFile: string): ProtoProblem {
  const message = err.message
  const at = /\((?:(.+), )?line (\d+)\)\s*$/.exec(message)
  const missing = /no such file or directory, open '([^']+)'/.exec(message)
  if (missing) {
    return {
      file: mainFile,
      ...firstMention(mainFile, path.basename(missing[1]!)),
      message: `cannot read ${missing[1]}: an import that is in none of the include directories (add its directory to include:)`
    }
  }
  if (!at) {
    // a type that is referenced and never declared: at its first mention in the file
    const unresolved = /no such type: ([\w.]+)/.exec(message)
    const where = unresolved ? firstMention(mainFile, unresolved[1]!.split('.').pop()!) : { line: 1, col: 1 }
    return { file: mainFile, ...where, message: `the proto file does not resolve: ${message}` }
  }
  const file = at[1] ?? mainFile
  const line = Number(at[2])
  const token = /'([^']*)'/.exec(message)?.[1]
  let col = 1
  try {
    const text = fs.readFileSync(file, 'utf8').split(/\r?\n/)[line - 1] ?? ''
    const i = token ? text.indexOf(token) : -1
    col = i < 0 ? 1 : i + 1
  } catch {
    // unreadable: the line is still right
  }
  return {
    file,
    line,
    col,
    message: `the proto file does not parse: ${message.replace(/\s*\([^()]*line \d+\)\s*$/, '')}`
  }
}

/** The line and column of a word's first appearance in a file (1:1 when it is not there). */
function firstMention(file: string, word: string): { line: number; col: number } {
  try {
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/)
    for (let i = 0; i < lines.length; i++) {
      const col = lines[i]!.indexOf(word)
      if (col >= 0) return { line: i + 1, col: col + 1 }
    }
  } catch {
    // unreadable
  }
  return { line: 1, col: 1 }
}

/** The proto file and its imports, resolved; or where it fails. `file` and `include` are absolute. */
export function loadProto(
  file: string,
  include: readonly string[]
): { root: protobuf.Root; problem?: undefined } | { problem: ProtoProblem; root?: undefined } {
  const root = new protobuf.Root()
  resolveWithIncludes(root, include)
  try {
    root.loadSync(file, { keepCase: true })
    root.resolveAll()
    return { root }
  } catch (err) {
    return { problem: locate(err as Error, file) }
  }
}

/** Every service a root declares, by its full name (`pkg.Name`). */
export function servicesOf(root: protobuf.NamespaceBase): protobuf.Service[] {
  const out: protobuf.Service[] = []
  for (const nested of root.nestedArray) {
    if (nested instanceof protobuf.Service) out.push(nested)
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type)
      out.push(...servicesOf(nested))
  }
  return out
}

const fullName = (o: protobuf.ReflectionObject) => o.fullName.replace(/^\./, '')

/** The method a request calls, or what is wrong: an unknown service or method (with the closest name). */
export function findMethod(
  root: protobuf.Root,
  service: string,
  method: string
):
  | { method: protobuf.Method; service: protobuf.Service; problem?: undefined }
  | { problem: string; field: 'service' | 'method' } {
  const services = servicesOf(root)
  const names = services.map(fullName)
  const found = services.find(s => fullName(s) === service)
  if (!found) {
    const hint = didYouMean(service, names)
    return {
      field: 'service',
      problem:
        `the proto declares no service "${service}"` +
        (hint
          ? ` (did you mean "${hint}"?)`
          : names.length
            ? `; it declares ${names.join(', ')}`
            : '; it declares none')
    }
  }
  const methods = found.methodsArray.map(m => m.name)
  const m = found.methodsArray.find(x => x.name === method)
  if (!m) {
    const hint = didYouMean(method, methods)
    return {
      field: 'method',
      problem:
        `service ${service} has no method "${method}"` +
        (hint ? ` (did you mean "${hint}"?)` : `; it has ${methods.join(', ') || 'none'}`)
    }
  }
  if (m.requestStream)
    return {
      field: 'method',
      problem: `${service}.${method} takes a stream of requests; perfgate calls unary and server-streaming methods`
    }
  return { method: m, service: found }
}

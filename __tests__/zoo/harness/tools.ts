import { execFileSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Tool } from './catalog.js'

/** sbin directories are searched too: Debian puts nginx in /usr/sbin, which a non-root PATH may lack. */
function onPath(command: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin']
  return dirs.some(dir => {
    try {
      accessSync(path.join(dir || '.', command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

function hasIpv6Loopback(): boolean {
  return Object.values(os.networkInterfaces()).some(addresses =>
    (addresses ?? []).some(a => a.family === 'IPv6' && a.address === '::1')
  )
}

/** Debian's python3-grpcio and python3-grpc-tools, for Debian's own Python (not a PATH's pyenv or venv one). */
function hasGrpcio(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import grpc, grpc_tools'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Why `tool` cannot be used on this machine, or undefined when it can. */
export function missingTool(tool: Tool | 'wrk'): string | undefined {
  switch (tool) {
    case 'ipv6':
      return hasIpv6Loopback() ? undefined : 'this machine has no IPv6 loopback (::1)'
    case 'nginx':
      return onPath('nginx') ? undefined : 'nginx is not installed (Debian package nginx-light)'
    case 'wrk':
      return onPath('wrk') ? undefined : 'wrk is not installed (Debian package wrk)'
    case 'python3':
      return onPath('python3') ? undefined : 'python3 is not installed'
    case 'php':
      return onPath('php') ? undefined : 'php is not installed (Debian package php-cli)'
    case 'lighttpd':
      return onPath('lighttpd') ? undefined : 'lighttpd is not installed (Debian package lighttpd)'
    case 'openssl':
      return onPath('openssl') ? undefined : 'openssl is not installed (Debian package openssl)'
    case 'h2load':
      return onPath('h2load') ? undefined : 'h2load is not installed (Debian package nghttp2-client)'
    case 'grpcio':
      return hasGrpcio()
        ? undefined
        : "Python's grpcio is not installed for /usr/bin/python3 (Debian packages python3-grpcio, python3-grpc-tools)"
    case 'caddy':
      return onPath('caddy') ? undefined : 'caddy is not installed (Debian package caddy)'
  }
}

/** The first reason the tools cannot be used, or undefined when all of them can. */
export function missingTools(tools: Array<Tool | 'wrk'>): string | undefined {
  return tools.map(missingTool).find(Boolean)
}

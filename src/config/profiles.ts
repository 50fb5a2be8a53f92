/**
 * Built-in profiles for `extends:`: reference limits that teams compare their service against. They apply to
 * every scenario as warnings unless the scenario sets its own limit for the metric. thresholds/<name>.yml holds
 * the same data for users to read; a test keeps the two identical.
 */
export type ProfileName = 'web_server' | 'api_gateway' | 'database_proxy'

export interface Profile {
  description: string
  thresholds: Record<string, string>
}

export const PROFILES: Record<ProfileName, Profile> = {
  web_server: {
    description: 'a web server serving pages and assets',
    thresholds: {
      'latency.p50': '< 10ms',
      'latency.p95': '< 50ms',
      'throughput.bytes': '> 500MB',
      'stress.breaking_point.connections': '> 10000'
    }
  },
  api_gateway: {
    description: 'an API gateway in front of other services',
    thresholds: {
      'latency.p50': '< 20ms',
      'latency.p95': '< 100ms',
      'throughput.bytes': '> 200MB',
      'stress.breaking_point.connections': '> 5000'
    }
  },
  database_proxy: {
    description: 'a proxy in front of a database',
    thresholds: {
      'latency.p50': '< 5ms',
      'latency.p95': '< 20ms',
      'throughput.bytes': '> 100MB',
      'stress.breaking_point.connections': '> 2000'
    }
  }
}

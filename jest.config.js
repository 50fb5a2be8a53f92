/**
 * Two projects. `unit` holds the unit and loop tests: pure logic, the gate's loop on the fake measurer, fake
 * GitHub APIs and small servers on 127.0.0.1 inside the test process; no process started, no load driven, no git
 * (`npm run test:unit`, about half a minute). `integration` holds the tests that start processes (services, git,
 * a browser, the CLI), drive load or run the zoo (`npm run test:integration`). `npm test` runs both.
 * __tests__/policy.test.ts keeps a test that starts processes or drives load out of the unit project.
 */
export const INTEGRATION = [
  'action/baseline',
  'action/cancel',
  'action/credentials',
  'action/gate',
  'action/history',
  'action/log',
  'action/shard',
  'action/target',
  'baseline/git',
  'cli/baseline',
  'cli/doctor',
  'cli/history',
  'cli/init',
  'cli/load-shard',
  'cli/main',
  'cli/profile',
  'cli/shard',
  'git/run',
  'e2e/compare',
  'e2e/first-hour',
  'e2e/grpc-compare',
  'gate/base',
  'gate/baseline',
  'gate/faults',
  'gate/run',
  'gate/slices',
  'gate/target',
  'history/workflow',
  'load/closed',
  'load/framings',
  'load/grpc',
  'load/h2',
  'load/metrics',
  'load/mix',
  'load/open',
  'load/window',
  'local-action',
  'main',
  'measure/affinity',
  'measure/suites',
  'package',
  'post/main',
  'profile/capture',
  'profile/perf',
  'report/browser',
  'report/history-browser',
  'report/legibility',
  'service/sampler',
  'service/spawn',
  'zoo/zoo'
]

const integrationPaths = INTEGRATION.map(name => `<rootDir>/__tests__/${name}.test.ts`)

const common = {
  clearMocks: true,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  preset: 'ts-jest',
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/dist/', '/node_modules/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true }] }
}

export default {
  // one test file at a time: load tests on a 2-core machine must not compete with each other for CPU or ports
  maxWorkers: 1,
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, ...integrationPaths]
    },
    { ...common, displayName: 'integration', testMatch: integrationPaths }
  ]
}

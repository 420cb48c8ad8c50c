// vitest.config.ts points `electron` here: the real package's index would try to download
// Electron's binary. A test of the shell mocks it instead (test/main/wiring/electron-mock.ts).
throw new Error(
  "A test reached 'electron' without vi.mock('electron', () => import('…/test/main/wiring/electron-mock')).",
)

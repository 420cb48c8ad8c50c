export function electronBinary(root: string): string | null
export function whyElectronCannotRun(options: {
  platform: NodeJS.Platform
  env: Record<string, string | undefined>
  binary: string | null
}): string | null

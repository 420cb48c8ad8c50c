export function signingPlan(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
): { args: string[]; notice: string }

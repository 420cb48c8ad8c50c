import { compile } from 'css-select'
import { UserError } from '../user-error'
import { readExtractRule } from './extract-rule-text'
import type { ExtractRule } from './urls'

/**
 * `NAME=css:SELECTOR[@ATTR]` or `NAME=regex:PATTERN` into a rule whose selector or pattern is
 * checked too; a sentence when it is not one.
 */
export function parseExtractRule(text: string): ExtractRule | string {
  const rule = readExtractRule(text)
  return typeof rule === 'string' ? rule : (extractRuleProblem(rule) ?? rule)
}

/** Refuses the first of `rules` that cannot run, in one sentence (code `bad-extract-rule`). */
export function checkExtractRules(rules: readonly ExtractRule[]): void {
  for (const rule of rules) {
    const problem = extractRuleProblem(rule)
    if (problem) throw new UserError(problem, 'bad-extract-rule')
  }
}

/** One sentence saying why a rule cannot run, or null when it can. */
export function extractRuleProblem(rule: ExtractRule): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(rule.name))
    return `The column name "${rule.name}" must be a letter or _, then letters, digits, _ or -.`
  if (rule.pattern === '')
    return `The column ${rule.name} has an empty ${rule.type === 'css' ? 'selector' : 'pattern'}.`
  if (rule.type === 'css') {
    try {
      compile(rule.pattern)
    } catch (error) {
      return `The CSS selector of ${rule.name} ("${rule.pattern}") is not valid: ${firstLine(error)}.`
    }
    return null
  }
  try {
    new RegExp(rule.pattern)
  } catch (error) {
    return `The pattern of ${rule.name} ("${rule.pattern}") is not a valid regular expression: ${firstLine(error)}.`
  }
  return null
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error)
    .split('\n', 1)[0]!
    .replace(/\.$/, '')
}

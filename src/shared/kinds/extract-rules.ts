import { compile } from 'css-select'
import type { ExtractRule } from './urls'

/**
 * `NAME=css:SELECTOR[@ATTR]` or `NAME=regex:PATTERN`, as typed after `--extract` or in the dialog,
 * into a rule; a sentence when the text is not one. The selector and pattern are checked too.
 */
export function parseExtractRule(text: string): ExtractRule | string {
  const match = /^\s*([^=\s]+)\s*=\s*(css|regex):(.*)$/s.exec(text)
  if (!match) return `"${text}" is not NAME=css:SELECTOR[@ATTR] or NAME=regex:PATTERN.`
  const [, name, type, rest] = match as unknown as [string, string, 'css' | 'regex', string]
  let rule: ExtractRule = { name, type, pattern: rest.trim() }
  if (type === 'css') {
    // The last @ starts an attribute name, unless it sits inside a bracketed attribute test.
    const at = /@([A-Za-z_:][-A-Za-z0-9_:.]*)$/.exec(rule.pattern)
    if (at && !rule.pattern.slice(at.index).includes(']'))
      rule = { ...rule, pattern: rule.pattern.slice(0, at.index).trim(), attr: at[1] }
  }
  return extractRuleProblem(rule) ?? rule
}

/** One sentence saying why a rule cannot run, or null when it can. */
export function extractRuleProblem(rule: ExtractRule): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(rule.name))
    return `The column name "${rule.name}" must be a letter or _, then letters, digits, _ or -.`
  if (rule.pattern === '') return `The column ${rule.name} has an empty ${rule.type === 'css' ? 'selector' : 'pattern'}.`
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

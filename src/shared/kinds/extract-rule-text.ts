import type { ExtractRule } from './urls'

/**
 * `NAME=css:SELECTOR[@ATTR]` or `NAME=regex:PATTERN`, as typed after `--extract` or in the dialog,
 * into a rule; a sentence when the text is not one. Only its shape: the selector and pattern are
 * checked by `extractRuleProblem` (which needs css-select, kept out of the window's bundle).
 */
export function readExtractRule(text: string): ExtractRule | string {
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
  return rule
}

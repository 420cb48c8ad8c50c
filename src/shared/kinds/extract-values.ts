import { selectOne } from 'css-select'
import type { AnyNode, Element } from 'domhandler'
import { textContent } from 'domutils'
import { parseDocument } from 'htmlparser2'
import type { ExtractRule } from './urls'

/** Longest value kept: enough for any column, bounded for hostile pages. */
const MAX_VALUE = 2000

/**
 * The job's own columns for one page: a CSS rule takes the first element that matches (as
 * `querySelector` does), its text with runs of white space made one space, or the attribute named;
 * a regex rule takes its first match in the HTML (its first group, when it has one). A rule with no
 * match gives null.
 */
export function extractValues(rules: readonly ExtractRule[], html: string): Record<string, string | null> {
  const values: Record<string, string | null> = {}
  const needsDom = rules.some((rule) => rule.type === 'css')
  const dom = needsDom ? parseDocument(html, { decodeEntities: true }) : null
  for (const rule of rules) {
    let value: string | null = null
    if (rule.type === 'css') {
      const element = selectOne<AnyNode, Element>(rule.pattern, dom!)
      if (element)
        value =
          rule.attr !== undefined ? (element.attribs[rule.attr.toLowerCase()] ?? null) : collapse(textContent(element))
    } else {
      const match = new RegExp(rule.pattern).exec(html)
      if (match) value = match[1] ?? match[0]
    }
    values[rule.name] = value === null ? null : value.slice(0, MAX_VALUE)
  }
  return values
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

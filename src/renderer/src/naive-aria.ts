/**
 * What naive-ui leaves out for assistive technology, added where its elements appear: card
 * titles are `role="heading"` without a level (twice, nested), the − / + buttons of a number
 * field have no name, tabs sit in no tablist, and a card-style modal has no name. Watching the DOM
 * covers every view and dialog, also those added later, with no change to each use.
 */
const fixes: [selector: string, fix: (element: HTMLElement) => void][] = [
  ['.n-card-header[role=heading]', (e) => e.setAttribute('role', 'none')],
  // Level 2: right under the view's h1 (a level 3 there skips one, which axe reports as heading-order).
  ['.n-card-header__main[role=heading]:not([aria-level])', (e) => e.setAttribute('aria-level', '2')],
  [
    '.n-input-number .n-input__suffix .n-button:not([aria-label])',
    (e) => {
      e.setAttribute('aria-label', e.previousElementSibling ? 'Increase' : 'Decrease')
      // The field itself takes the arrow keys; the buttons are for the mouse.
      e.setAttribute('tabindex', '-1')
    },
  ],
  ['.n-tabs-wrapper:not([role])', (e) => e.setAttribute('role', 'tablist')],
  // Toasts sit at the end of <body>, outside every landmark: a named region is one.
  [
    '.n-notification-container:not([role])',
    (e) => {
      e.setAttribute('role', 'region')
      e.setAttribute('aria-label', 'Notifications')
    },
  ],
  // Long tables and the log scroll by themselves: a keyboard reaches them to scroll them.
  ['.n-data-table .v-vl:not([tabindex]), .log .v-vl:not([tabindex])', (e) => e.setAttribute('tabindex', '0')],
  [
    '.n-modal[role=dialog]:not([aria-label])',
    (e) => {
      const title = e.querySelector('.n-card-header__main')?.textContent?.trim()
      if (title) e.setAttribute('aria-label', title)
    },
  ],
]
const anyFix = fixes.map(([selector]) => selector).join(', ')

function fixWithin(root: Element): void {
  if (root.matches(anyFix)) fixOne(root as HTMLElement)
  root.querySelectorAll<HTMLElement>(anyFix).forEach(fixOne)
}
function fixOne(element: HTMLElement): void {
  for (const [selector, fix] of fixes) if (element.matches(selector)) fix(element)
}

export function addMissingAria(root: HTMLElement): () => void {
  fixWithin(root)
  const observer = new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) if (node instanceof Element) fixWithin(node)
  })
  observer.observe(root, { childList: true, subtree: true })
  return () => observer.disconnect()
}

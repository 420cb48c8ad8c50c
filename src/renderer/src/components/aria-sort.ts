import { onBeforeUnmount, onMounted, type Ref } from 'vue'

/**
 * Sets `aria-sort` on a naive-ui table's sortable headers from the sort arrows it draws, so a
 * screen reader hears which column the rows are sorted by (naive-ui marks it with classes only).
 */
export function applyAriaSort(root: ParentNode): void {
  for (const th of root.querySelectorAll<HTMLElement>('th.n-data-table-th--sortable')) {
    const sorter = th.querySelector('.n-data-table-sorter')
    const sort = sorter?.classList.contains('n-data-table-sorter--asc')
      ? 'ascending'
      : sorter?.classList.contains('n-data-table-sorter--desc')
        ? 'descending'
        : 'none'
    if (th.getAttribute('aria-sort') !== sort) th.setAttribute('aria-sort', sort)
  }
}

/** Keeps `aria-sort` current on the table inside `container` as its headers change. */
export function useAriaSort(container: Ref<HTMLElement | { $el: HTMLElement } | null>): void {
  let observer: MutationObserver | null = null
  onMounted(() => {
    const value = container.value
    const el = value instanceof HTMLElement ? value : value?.$el
    if (!el) return
    applyAriaSort(el)
    observer = new MutationObserver(() => applyAriaSort(el))
    observer.observe(el, { subtree: true, attributes: true, attributeFilter: ['class'], childList: true })
  })
  onBeforeUnmount(() => observer?.disconnect())
}

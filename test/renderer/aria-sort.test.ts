// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { applyAriaSort } from '../../src/renderer/src/components/aria-sort'

describe('aria-sort on table headers', () => {
  it('says which sortable column is sorted, and which way', () => {
    document.body.innerHTML = `<table><tr>
      <th class="n-data-table-th--sortable" id="a"><span class="n-data-table-sorter n-data-table-sorter--asc"></span></th>
      <th class="n-data-table-th--sortable" id="b"><span class="n-data-table-sorter"></span></th>
      <th class="n-data-table-th--sortable" id="c"><span class="n-data-table-sorter n-data-table-sorter--desc"></span></th>
      <th id="d"></th></tr></table>`
    applyAriaSort(document)
    const sort = (id: string) => document.getElementById(id)!.getAttribute('aria-sort')
    expect([sort('a'), sort('b'), sort('c'), sort('d')]).toEqual(['ascending', 'none', 'descending', null])
  })
})

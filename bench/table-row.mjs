// One row of the table `bench/run-all.mjs` prints at the end (issue 21's table): each benchmark prints
// its own figures as before, plus one marked line per row it measured, which run-all collects.
export const ROW_MARK = '@@table-row '

/** `work` and `peer` name the row as the table does; `figure` is the ratio or value, already worded. */
export function tableRow(order, work, peer, figure) {
  console.log(`${ROW_MARK}${JSON.stringify({ order, work, peer, figure })}`)
}

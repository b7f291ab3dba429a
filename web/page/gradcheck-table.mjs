// gradcheck-table.mjs — the gradient check's result as a table: per parameter tensor the median
// relative error over the entries the batch touches, the max, how many entries were touched, and a
// verdict. Pure rendering of the worker's answer.

/**
 * @param {HTMLElement} host
 * @param {{ results: { name: string, median: number, max: number, touched: number }[], N: number, T: number, runs: number, ms: number }} check
 */
export function renderGradCheck(host, { results, N, T, runs, ms }) {
  const table = document.createElement('table');
  table.className = 'gradcheck';
  table.innerHTML =
    '<thead><tr><th scope="col">tensor</th><th scope="col">median rel. error</th><th scope="col">max</th><th scope="col">entries</th><th scope="col"></th></tr></thead>';
  const body = document.createElement('tbody');
  for (const { name, median, max, touched } of results) {
    const row = document.createElement('tr');
    // A wrong backward pass is off by order 1 on most entries; float32 rounding stays far below 1e-2
    // on most entries but can reach 0.1 or more on a few tiny ones (hence the median).
    const verdict = median < 1e-2 ? ['ok', 'ok'] : median < 0.1 ? ['doubtful', 'warn'] : ['wrong', 'bad'];
    row.innerHTML = '<td></td><td></td><td></td><td></td><td></td>';
    row.cells[0].textContent = name;
    row.cells[1].textContent = median.toExponential(1);
    row.cells[2].textContent = max.toExponential(1);
    row.cells[3].textContent = `${touched}/${runs}`;
    row.cells[4].textContent = touched ? verdict[0] : 'untouched';
    row.cells[4].className = touched ? verdict[1] : 'warn';
    body.append(row);
  }
  table.append(body);
  const note = document.createElement('p');
  note.className = 'muted small';
  note.textContent = `Centred differences (eps 0.01) in float32 at ${runs} random entries per tensor, on a batch of ${N}×${T} characters from the current state, ${ms.toFixed(0)} ms. The median is over the entries the batch touches (an untouched entry has gradient 0 on both sides). A wrong backward pass gives errors near 1 on most entries; float32 rounding stays well below 1e-2 on most, though a few tiny ones can show more (the max).`;
  host.replaceChildren(table, note);
}

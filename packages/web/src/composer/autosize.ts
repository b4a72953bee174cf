/** Grows a textarea with its content up to its CSS max-height, then it scrolls. */
export function autosize(area: HTMLTextAreaElement): void {
  area.style.height = 'auto';
  area.style.height = `${area.scrollHeight + (area.offsetHeight - area.clientHeight)}px`;
}

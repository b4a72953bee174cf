/**
 * Colours as the browser paints them: an element's text and background colour
 * (its background composited over its ancestors' until an opaque one), the
 * WCAG contrast ratio between two colours, and how many pixels of a screenshot
 * are clearly coloured rather than grey.
 */
import type { Browser, Locator, Page } from 'playwright-core';

export type Rgb = readonly [number, number, number];

/** The text colour and the opaque background colour an element is painted with. */
export async function paintedColors(element: Locator): Promise<{ text: Rgb; background: Rgb }> {
  return element.evaluate((el) => {
    // "rgb(1, 2, 3)", "rgba(1, 2, 3, 0.5)" or "color(srgb 0.1 0.2 0.3 / 0.5)", as computed styles give them.
    const parse = (css: string): [number, number, number, number] => {
      const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/.exec(css);
      if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
      const rgb = /^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)$/.exec(css);
      if (!rgb) throw new Error(`unreadable colour ${css}`);
      return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
    };
    const layers: Array<[number, number, number, number]> = [];
    for (let node: Element | null = el; node; node = node.parentElement) {
      const layer = parse(getComputedStyle(node).backgroundColor);
      layers.push(layer);
      if (layer[3] >= 1) break;
    }
    let color: [number, number, number] = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse()) color = [r * a + color[0] * (1 - a), g * a + color[1] * (1 - a), b * a + color[2] * (1 - a)];
    const [r, g, b] = parse(getComputedStyle(el).color);
    return { text: [r, g, b] as const, background: color };
  });
}

/** WCAG 2 contrast ratio, 1 to 21. */
export function contrast(a: Rgb, b: Rgb): number {
  const luminance = ([r, g, b]: Rgb) => {
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * A blank page (no Content-Security-Policy in the way) that decodes screenshots and draws
 * emoji with the colour emoji font itself. One per test: opening a page costs more than a check.
 */
export class PixelLab {
  readonly #page: Page;

  private constructor(page: Page) {
    this.#page = page;
  }

  static async open(browser: Browser): Promise<PixelLab> {
    return new PixelLab(await browser.newPage());
  }

  /** Pixels of a PNG whose channels differ by more than `spread`: clearly coloured, as grey anti-aliasing of a black-and-white glyph never is. */
  colouredPixels(png: Buffer, spread = 80): Promise<number> {
    return this.#page.evaluate(
      async ({ data, spread }) => {
        const image = new Image();
        image.src = `data:image/png;base64,${data}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        const pixels = context.getImageData(0, 0, image.width, image.height).data;
        let count = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (Math.max(pixels[i]!, pixels[i + 1]!, pixels[i + 2]!) - Math.min(pixels[i]!, pixels[i + 1]!, pixels[i + 2]!) > spread) count++;
        }
        return count;
      },
      { data: png.toString('base64'), spread },
    );
  }

  /** The emoji as the installed colour emoji font draws it (a screenshot): whether it has colour to find at all. */
  async colourFontDrawing(emoji: string): Promise<Buffer> {
    await this.#page.setContent(`<span style="font: 28px 'Noto Color Emoji', 'Apple Color Emoji', 'Segoe UI Emoji'"></span>`);
    const span = this.#page.locator('span');
    await span.evaluate((el, text) => (el.textContent = text), emoji);
    // Painted in the colour font only once it has loaded.
    await this.#page.evaluate(() => document.fonts.ready.then(() => undefined));
    return span.screenshot();
  }

  close(): Promise<void> {
    return this.#page.close();
  }
}

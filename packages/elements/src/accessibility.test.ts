/**
 * WCAG 2.2 AA checks over every element in every state (docs/accessibility.md): reflow at 320 and
 * 640 CSS px (400 % and 200 % zoom of a 1280 px window) without horizontal scrolling, targets of
 * at least 24×24 CSS px (2.5.8), reduced motion honoured, and axe clean at each width.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import { allNodes, elementStates, shown } from './internal/fake-element-states.js';

const CONTROLS =
  'button, a[href], input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/** Controls under `root` (through shadow roots) that are rendered. */
function controls(root: Node): HTMLElement[] {
  return [...allNodes(root)].filter(
    (n): n is HTMLElement => n instanceof HTMLElement && n.matches(CONTROLS) && shown(n),
  );
}

const describeEl = (el: Element) =>
  `<${el.localName}${el.getAttribute('part') ? ` part="${el.getAttribute('part')}"` : ''}> "${(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`;

/**
 * Controls smaller than 24×24 CSS px. WCAG's inline exception (a link in a sentence) is allowed:
 * an `<a>` inside a paragraph's running text.
 */
function tooSmall(root: Node): string[] {
  return controls(root)
    .filter((el) => !(el.localName === 'a' && el.closest('p, li, dd')))
    .map((el) => ({ el, box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.width < 24 || box.height < 24)
    .map(({ el, box }) => `${describeEl(el)} is ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
}

describe('accessibility of every element in every state (WCAG 2.2 AA)', function () {
  this.timeout(120_000);
  const box = document.createElement('div');
  before(() => document.body.append(box));
  after(async () => {
    box.remove();
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  for (const state of elementStates()) {
    describe(state.name, () => {
      for (const [width, dir] of [
        [320, 'ltr'],
        [640, 'ltr'],
        [320, 'rtl'],
      ] as const) {
        it(`at ${width} CSS px, ${dir}: no horizontal scrolling, every target at least 24×24, axe clean`, async () => {
          await setViewport({ width, height: 640 });
          box.dir = dir;
          const unmount = await state.mount(box);
          try {
            const scroll = document.documentElement.scrollWidth;
            expect(scroll, `page width at a ${width} px viewport`).to.be.at.most(width);
            const overflowing = [...allNodes(box)]
              .filter((n): n is HTMLElement => n instanceof HTMLElement && shown(n))
              .filter((el) => el.getBoundingClientRect().right > width + 0.5 || el.getBoundingClientRect().left < -0.5)
              .filter((el) => getComputedStyle(el).position !== 'fixed' && !el.closest('.visually-hidden'))
              .map(describeEl);
            expect(overflowing, 'nodes outside the viewport').to.deep.equal([]);
            // A state with controls must show some, else the size check would pass empty.
            if (!state.noControls) {
              expect(controls(box).length, 'controls found in this state').to.be.greaterThan(0);
            }
            expect(tooSmall(box), 'targets under 24×24 CSS px').to.deep.equal([]);
            await expect(box.firstElementChild).to.be.accessible();
          } finally {
            unmount();
          }
        });
      }

      it('with reduced motion: nothing animates or transitions', async () => {
        await setViewport({ width: 800, height: 600 });
        await emulateMedia({ reducedMotion: 'reduce' });
        const unmount = await state.mount(box);
        try {
          expect(matchMedia('(prefers-reduced-motion: reduce)').matches, 'emulated').to.equal(true);
          const moving: string[] = [];
          for (const node of allNodes(box)) {
            if (!(node instanceof Element)) continue;
            const style = getComputedStyle(node);
            const transition = style.transitionDuration.split(',').some((d) => parseFloat(d) > 0);
            if (style.animationName !== 'none' || transition) moving.push(describeEl(node));
            for (const animation of node.getAnimations()) {
              if (animation.playState === 'running') moving.push(`${describeEl(node)} runs an animation`);
            }
          }
          expect(moving).to.deep.equal([]);
        } finally {
          unmount();
          await emulateMedia({ reducedMotion: 'no-preference' });
        }
      });
    });
  }
});

// `npm run analyze` (run by `npm run build`): the elements' Custom Elements Manifest,
// packages/elements/custom-elements.json, from the classes' JSDoc (`@fires`, `@slot`, `@csspart`,
// `@cssproperty`) and Lit's decorators.
//
// Event detail types come from one place, the `CkEventMap` interface in
// packages/elements/src/internal/events.ts (which also augments `HTMLElementEventMap`): the plugin
// below copies each event's type (`CustomEvent<{ slot: BookableSlot }>`) onto every `@fires` of that
// name, so the JSDoc says what an event means and the map says what it carries. A `@fires` naming an
// event the map lacks stops the build: a host would get an untyped event.

/** @returns {import('@custom-elements-manifest/analyzer').Plugin} */
function eventTypesFromCkEventMap() {
  /** @type {Map<string, string>} */
  const types = new Map();
  return {
    name: 'consultkit-event-types',
    analyzePhase({ ts, node }) {
      if (!ts.isInterfaceDeclaration(node) || node.name.getText() !== 'CkEventMap') return;
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        const name = member.name.getText().replace(/^['"]|['"]$/g, '');
        types.set(name, member.type.getText().replace(/\s+/g, ' '));
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      const untyped = [];
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          for (const event of declaration.events ?? []) {
            const type = types.get(event.name);
            if (type) event.type = { text: type };
            else untyped.push(`${declaration.name}: ${event.name}`);
          }
        }
      }
      if (untyped.length > 0) {
        throw new Error(`@fires without an entry in CkEventMap (internal/events.ts): ${untyped.join(', ')}`);
      }
    },
  };
}

export default {
  globs: ['packages/elements/src/**/*.ts'],
  exclude: ['**/*.test.ts'],
  outdir: 'packages/elements',
  litelement: true,
  plugins: [eventTypesFromCkEventMap()],
};

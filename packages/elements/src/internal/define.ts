/**
 * Registration shared by every element's `define()` (decision 32). A host may register an element
 * under a tag of its own; the default names stay the ones the product is known by.
 *
 * - The tag is free: the element is registered under it. A class can be registered under one name
 *   only (custom elements refuse a constructor twice), so a second name gets a trivial subclass.
 * - The tag is held by a ConsultKit element of the same version (this copy, or another copy of the
 *   same release such as the CDN build beside an npm build): nothing happens, silently.
 * - The tag is held by another version, or by an element that is not ConsultKit's: that one is
 *   kept (a registration cannot be undone) and a `console.warn` names both versions.
 *
 * Returns the constructor that holds the tag afterwards.
 */
export function defineElement(
  tag: string,
  element: CustomElementConstructor & { readonly version: string },
): CustomElementConstructor {
  const held = customElements.get(tag);
  if (held) {
    const heldVersion = (held as { version?: unknown }).version;
    if (heldVersion !== element.version) {
      const holder =
        typeof heldVersion === 'string' ? `ConsultKit ${heldVersion}` : 'an element that is not ConsultKit';
      console.warn(
        `ConsultKit: <${tag}> is already defined by ${holder}; ConsultKit ${element.version} did not ` +
          `register it (the page keeps the one it has).`,
      );
    }
    return held;
  }
  try {
    customElements.define(tag, element);
    return element;
  } catch (error) {
    // The class already holds another tag (NotSupportedError): a subclass of it takes this one.
    if (!(error instanceof DOMException && error.name === 'NotSupportedError')) throw error;
  }
  const named = class extends element {};
  customElements.define(tag, named);
  return named;
}

/**
 * The patient guides as structured content: one module per locale (`content/{locale}.ts`) holds
 * the words, one renderer (`render.ts`) makes the page. Every locale has the same guides, the same
 * sections (by `id`, which is also the anchor) and the same blocks in the same order as the
 * British English source; `guides.test.ts` checks the shape.
 */

/** The guides, by the slug in their address (`/guides/{slug}`). */
export const GUIDE_SLUGS = ['video-appointment', 'choosing-how-to-consult', 'questions'] as const;
export type GuideSlug = (typeof GUIDE_SLUGS)[number];

/** A paragraph, a bulleted list, a numbered list of steps, or a question with its answer. */
export type Block = { p: string } | { ul: string[] } | { ol: string[] };

export interface Section {
  /** The anchor (`#what-you-need`): ASCII, the same in every locale. */
  id: string;
  heading: string;
  blocks: Block[];
}

export interface Guide {
  title: string;
  /** One or two sentences under the title: what the guide is for. */
  summary: string;
  sections: Section[];
}

/** The words around the guides. */
export interface GuideWords {
  /** The name of the set of guides (the index page's title, the "more guides" heading). */
  guides: string;
  /** The index page's introduction. */
  guidesIntro: string;
  /** The heading of the table of contents. */
  contents: string;
  /** The label of the language switcher. */
  language: string;
  /** The heading of the links to the other guides. */
  moreGuides: string;
  /** The notice on every guide: where to go when it is urgent. */
  urgent: string;
}

export interface GuideCatalogue {
  words: GuideWords;
  guides: Record<GuideSlug, Guide>;
}

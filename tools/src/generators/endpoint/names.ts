/** The spellings of an endpoint's name that the generated files use. */
export interface EndpointNames {
  /** As given, lower kebab-case: `order-lines`; the folder, the file prefix and the first path segment. */
  name: string;
  /** One of them, kebab-case: `order-line`. */
  singular: string;
  /** `orderLines` */
  camel: string;
  /** `OrderLines` */
  pascal: string;
  /** `orderLine` */
  singularCamel: string;
  /** `OrderLine` */
  singularPascal: string;
  /** Words for messages and test names: `order lines`, `order line`. */
  words: string;
  singularWords: string;
  /** With its indefinite article: `an order line`, `a report`. */
  singularWithArticle: string;
  /** The same, capitalised: `An order line`. */
  capitalSingularWithArticle: string;
  /** The table: `order_lines`. */
  table: string;
}

/** Lower kebab-case: a letter, then letters and digits, single dashes between words. */
export const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const pascalOf = (kebab: string) =>
  kebab
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
const camelOf = (kebab: string) => {
  const pascal = pascalOf(kebab);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
};

/**
 * The English singular of a kebab-case plural, by the common rules; a name that
 * is not a plural (`inventory`) is its own singular. Wrong for a few words
 * (`statuses` → `statuse`): the generator's `singular` option overrides it.
 *
 * @example
 * singularOf('order-lines'); // 'order-line'
 * singularOf('categories'); // 'category'
 */
export function singularOf(kebab: string): string {
  const rules: Array<[RegExp, string]> = [
    [/([^aeiou])ies$/, '$1y'],
    [/(ss|x|ch|sh|zz)es$/, '$1'],
    [/(ss|us|is)$/, '$1'],
    [/s$/, ''],
  ];
  for (const [pattern, replacement] of rules) {
    if (pattern.test(kebab)) return kebab.replace(pattern, replacement);
  }
  return kebab;
}

/**
 * Every spelling of an endpoint name, from its kebab-case plural (and an
 * explicit singular when the rules get it wrong).
 *
 * @example
 * endpointNames('order-lines').singularPascal; // 'OrderLine'
 * endpointNames('statuses', 'status').singularCamel; // 'status'
 */
export function endpointNames(name: string, singular = singularOf(name)): EndpointNames {
  const singularWords = singular.split('-').join(' ');
  const singularWithArticle = `${/^[aeiou]/.test(singular) ? 'an' : 'a'} ${singularWords}`;
  return {
    name,
    singular,
    camel: camelOf(name),
    pascal: pascalOf(name),
    singularCamel: camelOf(singular),
    singularPascal: pascalOf(singular),
    words: name.split('-').join(' '),
    singularWords,
    singularWithArticle,
    capitalSingularWithArticle: singularWithArticle.charAt(0).toUpperCase() + singularWithArticle.slice(1),
    table: name.split('-').join('_'),
  };
}

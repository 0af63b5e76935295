// Lints the emitted schema (src/graphql/schema.graphql) for what its users read: every type, field,
// argument, input field and enum value described; names without type-graphql's `Type` suffix.
// `npm run lint:schema` (part of `npm run check`). And the Relay server specification: connections,
// edges, PageInfo and the paging arguments as Relay's cursor connections spec has them.
import graphqlPlugin from '@graphql-eslint/eslint-plugin';

const schema = 'src/graphql/schema.graphql';

// Fields whose name only looks like "<type name>…": `Mentor.mentorships` is a word, not a prefix.
const WORDS_NOT_PREFIXES = new Set(['Mentor.mentorships']);
const noTypenamePrefix = graphqlPlugin.rules['no-typename-prefix'];
const noTypenamePrefixExceptWords = {
  ...noTypenamePrefix,
  create(context) {
    const report = (descriptor) => {
      const field = descriptor.data?.fieldName;
      const type = descriptor.data?.typeName;
      if (type && field && WORDS_NOT_PREFIXES.has(`${type}.${field}`)) return;
      context.report(descriptor);
    };
    return noTypenamePrefix.create(Object.create(context, { report: { value: report } }));
  },
};

const { ['@graphql-eslint/strict-id-in-types']: _optional, ['@graphql-eslint/no-typename-prefix']: _wrapped, ...recommended } =
  graphqlPlugin.configs['flat/schema-recommended'].rules;

export default [
  {
    files: [schema],
    languageOptions: {
      parser: graphqlPlugin.parser,
      parserOptions: { graphQLConfig: { schema } },
    },
    plugins: { '@graphql-eslint': graphqlPlugin, schema: { rules: { 'no-typename-prefix': noTypenamePrefixExceptWords } } },
    rules: {
      // description-style, naming-convention (no Type suffix on object types; PascalCase types,
      // camelCase fields and arguments, UPPER_CASE enum values), known-*, unique-*, no-unreachable-types, …
      ...recommended,
      'schema/no-typename-prefix': 'error',
      '@graphql-eslint/require-description': [
        'error',
        {
          // type-graphql gives the root types no description; their fields carry one each.
          ignoredSelectors: ['ObjectTypeDefinition[name.value=/^(Query|Mutation|Subscription)$/]'],
          types: true,
          rootField: true,
          FieldDefinition: true,
          InputValueDefinition: true,
          EnumValueDefinition: true,
          DirectiveDefinition: true,
        },
      ],
      '@graphql-eslint/require-nullable-fields-with-oneof': 'error',
      '@graphql-eslint/require-type-pattern-with-oneof': 'error',
      '@graphql-eslint/require-deprecation-reason': 'error',
      '@graphql-eslint/no-hashtag-description': 'error',
      // Relay: every …Connection has edges and pageInfo; every edge a cursor and a node; PageInfo its
      // four fields; a connection field takes first/after and last/before.
      '@graphql-eslint/relay-connection-types': 'error',
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: false, listTypeCanWrapOnlyEdgeType: false }],
      '@graphql-eslint/relay-page-info': 'error',
      '@graphql-eslint/relay-arguments': ['error', { includeBoth: true }],
    },
  },
];

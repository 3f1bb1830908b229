import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

import { ErrorCode } from '../errors.js';

/** Limits on the shape of one GraphQL document; each exists to bound the work one request can cause. */
export interface QueryLimits {
  /** Deepest nesting of selections, counting the root field as 1. */
  maxDepth: number;
  /** Aliased fields in the whole document. */
  maxAliases: number;
  /** Fields at the root of one operation. */
  maxRootFields: number;
  /** Field selections in the whole document, fragments counted where they are spread. */
  maxFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 8, maxAliases: 20, maxRootFields: 10, maxFields: 500 };

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

interface Measure {
  depth: number;
  fields: number;
  aliases: number;
}

/** Measures a selection set, following fragment spreads once per path so cycles cannot loop. */
function measure(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): Measure {
  let depth = 0;
  let fields = 0;
  let aliases = 0;
  for (const selection of selectionSet.selections) {
    let inner: Measure | undefined;
    if (selection.kind === Kind.FIELD) {
      fields++;
      if (selection.alias) aliases++;
      const child = selection.selectionSet ? measure(selection.selectionSet, fragments, visiting) : { depth: 0, fields: 0, aliases: 0 };
      inner = { depth: child.depth + 1, fields: child.fields, aliases: child.aliases };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(selection.selectionSet, fragments, visiting);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || visiting.has(fragment.name.value)) continue;
      visiting.add(fragment.name.value);
      inner = measure(fragment.selectionSet, fragments, visiting);
      visiting.delete(fragment.name.value);
    }
    depth = Math.max(depth, inner.depth);
    fields += inner.fields;
    aliases += inner.aliases;
  }
  return { depth, fields, aliases };
}

/** Creates a validation rule that rejects documents beyond the limits, with a message naming the limit and the fix. */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const fragments = new Map(
      document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
    );

    // Every check runs when the document is entered, before the other rules: graphql-js aborts
    // validation of very large documents part way, which would drop errors reported later.
    return {
      Document() {
        let totalFields = 0;
        let totalAliases = 0;
        for (const operation of document.definitions) {
          if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
          const name = operation.name ? ` ${operation.name.value}` : '';
          const rootFields = operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD).length;
          if (rootFields > limits.maxRootFields) {
            context.reportError(
              limitError(`Operation${name} selects ${rootFields} root fields; the maximum is ${limits.maxRootFields}. Split it into several requests.`),
            );
          }

          const measured = measure(operation.selectionSet, fragments, new Set());
          if (measured.depth > limits.maxDepth) {
            context.reportError(
              limitError(`Operation${name} nests fields ${measured.depth} deep; the maximum is ${limits.maxDepth}. Select fewer nested fields.`),
            );
          }
          totalFields += measured.fields;
          totalAliases += measured.aliases;
        }

        if (totalAliases > limits.maxAliases) {
          context.reportError(limitError(`The request uses ${totalAliases} aliases; the maximum is ${limits.maxAliases}. Use fewer aliases.`));
        }
        if (totalFields > limits.maxFields) {
          context.reportError(
            limitError(`The request selects ${totalFields} fields; the maximum is ${limits.maxFields}. Select fewer fields or split the request.`),
          );
        }
      },
    };
  };
}

using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Server.Pipeline;
using Fhir.Storage;

namespace Fhir.Server.Bundles;

/// <summary>
/// Rewrites the references of a transaction entry's resource: <c>urn:uuid:…</c> (and any other entry
/// fullUrl) to the id the server gave that entry, and conditional references (<c>Patient?identifier=…</c>)
/// to the one resource that matches.
/// </summary>
internal static class ReferenceResolver
{
    /// <param name="resource">The entry's resource, rewritten in place.</param>
    /// <param name="resolved">
    /// The references resolved so far and what they become: the entries' fullUrls, and the conditional references this
    /// pass has searched, added as it goes. The pass writes nothing, so a conditional reference means the same resource
    /// in every entry: a Synthea bundle repeats its six (practitioner, organisation, location) ~500 times, each a locked
    /// search.
    /// </param>
    /// <param name="session">The transaction's session, whose view the conditional references are searched in.</param>
    /// <param name="context">The server.</param>
    /// <param name="ct">Cancels the searches.</param>
    public static async Task<FhirResponse?> RewriteAsync(
        ElementNode resource, Dictionary<string, string> resolved, WriteSession session, ServerContext context, CancellationToken ct)
    {
        foreach (var reference in References(resource))
        {
            var value = (string)reference.Value!;
            if (resolved.TryGetValue(value, out var target))
            {
                reference.Value = target;
                continue;
            }
            if (value.StartsWith("urn:uuid:", StringComparison.Ordinal) || value.StartsWith("urn:oid:", StringComparison.Ordinal))
            {
                return FhirResponse.Error(400, IssueType.NotFound, $"The reference '{value}' points at no entry of the Bundle.", reference.Location);
            }
            var q = value.IndexOf('?');
            if (q > 0 && context.Definitions.IsResourceType(value[..q]))
            {
                var type = value[..q];
                var (ids, error) = await ConditionalMatch.FindAsync(session, context, type, value[(q + 1)..], ct);
                if (error is not null)
                {
                    return error;
                }
                if (ids.Count != 1)
                {
                    return FhirResponse.Error(412, ids.Count == 0 ? IssueType.NotFound : IssueType.MultipleMatches,
                        $"The conditional reference '{value}' matches {(ids.Count == 0 ? "no" : "more than one")} {type}; it must match exactly one.", reference.Location);
                }
                reference.Value = resolved[value] = $"{type}/{ids[0]}";
            }
        }
        return null;
    }

    /// <summary>The <c>reference</c> strings of every Reference in the resource (contained resources included).</summary>
    private static List<ElementNode> References(ElementNode root)
    {
        var result = new List<ElementNode>();
        var stack = new Stack<ElementNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.Type.Name == "Reference" && node.Child("reference") is { Value: string } reference)
            {
                result.Add(reference);
            }
            foreach (var child in node.Children)
            {
                if (!child.Type.IsPrimitive)
                {
                    stack.Push(child);
                }
            }
        }
        return result;
    }
}

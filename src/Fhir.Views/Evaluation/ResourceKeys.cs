using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Views.Evaluation;

/// <summary>
/// SQL on FHIR's <c>getResourceKey()</c> and <c>getReferenceKey([type])</c>. A resource's key is its logical id, and a
/// reference's key is the id it points at (<c>Patient/p1</c>, <c>http://x/fhir/Patient/p1/_history/2</c> and
/// <c>urn:uuid:p1</c> all give <c>p1</c>), so that keys join with each other and with plain <c>id</c> columns.
/// With a type, a reference whose target is known to be of another type has no key.
/// </summary>
internal static class ResourceKeys
{
    public static FhirPathFunction GetResourceKey { get; } = new("getResourceKey", 0, 0, (input, _, _) => ResourceKey(input));

    public static FhirPathFunction GetReferenceKey { get; } = new("getReferenceKey", 0, 1,
        (input, arguments, _) => ReferenceKey(input, arguments.Count == 0 ? null : (string)arguments[0][0]), FhirPathArgumentKind.TypeName);

    private static IReadOnlyList<object> ResourceKey(IReadOnlyList<object> input)
    {
        List<object>? keys = null;
        foreach (var item in input)
        {
            if (item is ElementNode { IsResource: true } resource && resource.Child("id")?.Value is string id)
            {
                (keys ??= []).Add(id);
            }
        }
        return keys ?? (IReadOnlyList<object>)[];
    }

    private static IReadOnlyList<object> ReferenceKey(IReadOnlyList<object> input, string? type)
    {
        List<object>? keys = null;
        foreach (var item in input)
        {
            if (item is not ElementNode node || node.Child("reference")?.Value is not string reference)
            {
                continue;
            }
            var declared = node.Child("type")?.Value as string;
            if (TryParse(reference, out var target, out var id)
                && (type is null || (target ?? declared) is not { } known || known == type))
            {
                (keys ??= []).Add(id);
            }
        }
        return keys ?? (IReadOnlyList<object>)[];
    }

    /// <summary>Reads <c>[base/]Type/id[/_history/v]</c> or <c>urn:uuid:id</c> / <c>urn:oid:id</c>; contained (<c>#x</c>) and conditional references have no key.</summary>
    internal static bool TryParse(string reference, out string? type, out string id)
    {
        type = null;
        id = "";
        if (reference.StartsWith("urn:uuid:", StringComparison.Ordinal) || reference.StartsWith("urn:oid:", StringComparison.Ordinal))
        {
            id = reference[(reference.IndexOf(':', 4) + 1)..];
            return id.Length > 0;
        }
        if (reference.Length == 0 || reference[0] == '#' || reference.Contains('?'))
        {
            return false;
        }
        var path = reference.AsSpan();
        var history = path.IndexOf("/_history/");
        if (history >= 0)
        {
            path = path[..history];
        }
        var slash = path.LastIndexOf('/');
        if (slash <= 0 || slash == path.Length - 1)
        {
            return false;
        }
        var typeStart = path[..slash].LastIndexOf('/') + 1;
        type = path[typeStart..slash].ToString();
        id = path[(slash + 1)..].ToString();
        return true;
    }
}

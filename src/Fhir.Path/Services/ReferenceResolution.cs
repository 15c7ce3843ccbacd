using Fhir.Core.Model;
using Fhir.Path.Evaluation;

namespace Fhir.Path.Services;

/// <summary>
/// How <c>resolve()</c> finds a referenced resource: a contained resource (<c>#id</c>), an entry of the enclosing
/// Bundle (by fullUrl, or by type and id), and otherwise the context's <see cref="IReferenceResolver"/>.
/// </summary>
internal static class ReferenceResolution
{
    public static ElementNode? Resolve(string reference, ElementNode? source, Frame frame)
    {
        if (reference.StartsWith('#'))
        {
            return Contained(reference[1..], source ?? frame.Resource);
        }
        if (reference.Contains('?', StringComparison.Ordinal))
        {
            // A conditional reference (Patient?identifier=...) is a search, resolved by the server when it processes the Bundle.
            return frame.Context.Resolver?.Resolve(reference, source);
        }
        var bundle = EnclosingBundle(source) ?? (frame.RootResource?.Type.Name == "Bundle" ? frame.RootResource : null);
        if (bundle is not null && InBundle(bundle, reference, source, frame) is { } entry)
        {
            return entry;
        }
        return frame.Context.Resolver?.Resolve(reference, source);
    }

    private static ElementNode? Contained(string id, ElementNode? from)
    {
        var resource = from;
        while (resource is not null && !resource.IsResource)
        {
            resource = resource.Parent;
        }
        if (resource is null)
        {
            return null;
        }
        // A contained resource refers to its siblings through the container.
        var container = resource.Name == "contained" && resource.Parent is { IsResource: true } parent ? parent : resource;
        if (id.Length == 0)
        {
            return container;
        }
        foreach (var child in container.Children)
        {
            if (child.Name == "contained" && child.Child("id")?.Value is string cid && cid == id)
            {
                return child;
            }
        }
        return null;
    }

    private static ElementNode? EnclosingBundle(ElementNode? node)
    {
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n.IsResource && n.Type.Name == "Bundle")
            {
                return n;
            }
        }
        return null;
    }

    private static ElementNode? InBundle(ElementNode bundle, string reference, ElementNode? source, Frame frame)
    {
        var withoutHistory = StripHistory(reference);
        var index = frame.BundleIndex(bundle, BuildIndex);
        if (index is null)
        {
            // The first resolution in this Bundle: scan, without building the index.
            return Scan(bundle, reference, withoutHistory, source);
        }
        if (index.TryGetValue(reference, out var exact) || index.TryGetValue(withoutHistory, out exact))
        {
            return exact;
        }
        var isAbsolute = reference.Contains("://", StringComparison.Ordinal) || reference.StartsWith("urn:", StringComparison.Ordinal);
        if (isAbsolute)
        {
            return null;
        }
        // A relative reference is relative to the base of the referring entry's fullUrl, else matched by type and id.
        if (BaseOf(EntryOf(source)?.Child("fullUrl")?.Value as string) is { } baseUrl && index.TryGetValue(baseUrl + withoutHistory, out var based))
        {
            return based;
        }
        var (type, id) = TypeAndId(withoutHistory);
        return type is not null && index.TryGetValue(TypeIdKey + type + "/" + id, out var byTypeAndId) ? byTypeAndId : null;
    }

    // Keys of resources by type and id are prefixed so that they cannot collide with a fullUrl.
    private const string TypeIdKey = "\0";

    private static ElementNode? Scan(ElementNode bundle, string reference, string withoutHistory, ElementNode? source)
    {
        var isAbsolute = reference.Contains("://", StringComparison.Ordinal) || reference.StartsWith("urn:", StringComparison.Ordinal);
        var based = isAbsolute ? null : BaseOf(EntryOf(source)?.Child("fullUrl")?.Value as string) is { } baseUrl ? baseUrl + withoutHistory : null;
        var (type, id) = isAbsolute ? (null, null) : TypeAndId(withoutHistory);
        ElementNode? byTypeAndId = null;
        foreach (var entry in bundle.Children)
        {
            if (entry.Name != "entry" || entry.Child("resource") is not { } resource)
            {
                continue;
            }
            if (entry.Child("fullUrl")?.Value is string fullUrl && (fullUrl == reference || fullUrl == withoutHistory || fullUrl == based))
            {
                return resource;
            }
            if (type is not null && byTypeAndId is null && resource.Type.Name == type && resource.Child("id")?.Value as string == id)
            {
                byTypeAndId = resource;
            }
        }
        return byTypeAndId;
    }

    private static Dictionary<string, ElementNode> BuildIndex(ElementNode bundle)
    {
        var index = new Dictionary<string, ElementNode>(StringComparer.Ordinal);
        foreach (var entry in bundle.Children)
        {
            if (entry.Name != "entry" || entry.Child("resource") is not { } resource)
            {
                continue;
            }
            if (entry.Child("fullUrl")?.Value is string fullUrl)
            {
                index.TryAdd(fullUrl, resource);
            }
            if (resource.Child("id")?.Value is string id)
            {
                index.TryAdd(TypeIdKey + resource.Type.Name + "/" + id, resource);
            }
        }
        return index;
    }

    private static ElementNode? EntryOf(ElementNode? node)
    {
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n.Name == "entry" && n.Parent?.Type.Name == "Bundle")
            {
                return n;
            }
        }
        return null;
    }

    /// <summary>The base of an absolute RESTful URL (<c>http://s/fhir/</c> of <c>http://s/fhir/Patient/1</c>).</summary>
    private static string? BaseOf(string? fullUrl)
    {
        if (fullUrl is null || !fullUrl.Contains("://", StringComparison.Ordinal))
        {
            return null;
        }
        var idSlash = fullUrl.LastIndexOf('/');
        var typeSlash = idSlash > 0 ? fullUrl.LastIndexOf('/', idSlash - 1) : -1;
        return typeSlash < 0 ? null : fullUrl[..(typeSlash + 1)];
    }

    private static string StripHistory(string reference)
    {
        var at = reference.IndexOf("/_history/", StringComparison.Ordinal);
        return at < 0 ? reference : reference[..at];
    }

    private static (string? Type, string? Id) TypeAndId(string reference)
    {
        var parts = reference.Split('/');
        return parts.Length >= 2 ? (parts[^2], parts[^1]) : (null, null);
    }
}

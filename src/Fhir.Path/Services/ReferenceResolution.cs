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
        var bundle = EnclosingBundle(source) ?? (frame.RootResource?.Type.Name == "Bundle" ? frame.RootResource : null);
        if (bundle is not null && InBundle(bundle, reference, source) is { } entry)
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

    private static ElementNode? InBundle(ElementNode bundle, string reference, ElementNode? source)
    {
        var withoutHistory = StripHistory(reference);
        var isAbsolute = reference.Contains("://", StringComparison.Ordinal) || reference.StartsWith("urn:", StringComparison.Ordinal);
        var (type, id) = TypeAndId(withoutHistory);
        var baseUrl = BaseOf(EntryOf(source)?.Child("fullUrl")?.Value as string);
        ElementNode? byTypeAndId = null;
        foreach (var entry in bundle.Children)
        {
            if (entry.Name != "entry" || entry.Child("resource") is not { } resource)
            {
                continue;
            }
            var fullUrl = entry.Child("fullUrl")?.Value as string;
            if (fullUrl is not null)
            {
                if (fullUrl == reference || fullUrl == withoutHistory)
                {
                    return resource;
                }
                if (!isAbsolute && baseUrl is not null && fullUrl == baseUrl + withoutHistory)
                {
                    return resource;
                }
            }
            if (!isAbsolute && type is not null && byTypeAndId is null && resource.Type.Name == type && resource.Child("id")?.Value as string == id)
            {
                byTypeAndId = resource;
            }
        }
        return byTypeAndId;
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

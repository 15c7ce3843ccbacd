using Fhir.Core.Model;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    private Dictionary<ElementNode, Dictionary<string, ElementNode>>? _bundleIndexes;

    /// <summary>
    /// Bundle-level checks beyond the invariants: each entry's fullUrl agrees with its resource's type and id, and no
    /// fullUrl (same version) or resource identity appears twice. The entries' resources are validated by the walk.
    /// </summary>
    private void Bundle(ElementNode bundle)
    {
        var type = bundle.GetString("type");
        var isHistory = type == "history";
        var fullUrls = new Dictionary<string, string?>(StringComparer.Ordinal);
        var identities = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in bundle.ChildrenNamed("entry"))
        {
            var resource = entry.Child("resource");
            var fullUrl = entry.GetString("fullUrl");
            var id = resource?.GetString("id");
            var version = resource?.Child("meta")?.GetString("versionId");
            var duplicate = false;
            if (fullUrl is not null)
            {
                if (!IsAbsoluteUrl(fullUrl))
                {
                    Add(IssueSeverity.Error, IssueType.Invalid, $"The fullUrl must be an absolute URL or a URN, not '{fullUrl}'.", entry.Child("fullUrl")!);
                }
                if (fullUrls.TryGetValue(fullUrl, out var otherVersion) && (otherVersion == version || !isHistory))
                {
                    duplicate = true;
                    Add(IssueSeverity.Error, IssueType.Duplicate, $"The fullUrl '{fullUrl}' appears in more than one entry.", entry.Child("fullUrl")!);
                }
                else
                {
                    fullUrls[fullUrl] = version;
                }
                if (resource is not null && !fullUrl.StartsWith("urn:", StringComparison.Ordinal) && TypeOf(fullUrl) is { } urlType)
                {
                    var path = fullUrl;
                    var history = path.IndexOf("/_history/", StringComparison.Ordinal);
                    if (history >= 0)
                    {
                        path = path[..history];
                    }
                    var urlId = path[(path.LastIndexOf('/') + 1)..];
                    if (urlType != resource.Type.Name || (id is not null && id != urlId))
                    {
                        Add(IssueSeverity.Error, IssueType.Invalid,
                            $"The fullUrl '{fullUrl}' does not match the entry's resource ({resource.Type.Name}/{id ?? "(no id)"}).", entry.Child("fullUrl")!);
                    }
                }
            }
            if (resource is not null && id is not null && !isHistory && type != "searchset"
                && !identities.Add(resource.Type.Name + "/" + id) && !duplicate)
            {
                Add(IssueSeverity.Error, IssueType.Duplicate,
                    $"The resource {resource.Type.Name}/{id} appears in more than one entry.", resource.Child("id")!);
            }
        }
    }

    private static bool IsAbsoluteUrl(string url)
    {
        var colon = url.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(url[0]))
        {
            return false;
        }
        for (var i = 1; i < colon; i++)
        {
            if (!char.IsAsciiLetterOrDigit(url[i]) && url[i] is not ('+' or '.' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The entry of the Bundle enclosing the scope's resource that a reference names, or null.</summary>
    private ElementNode? InBundle(ResourceScope scope, string reference)
    {
        ElementNode? bundle = null;
        for (var n = scope.Container.Parent; n is not null; n = n.Parent)
        {
            if (n.IsResource && n.Type.Name == "Bundle")
            {
                bundle = n;
                break;
            }
        }
        if (bundle is null)
        {
            return null;
        }
        _bundleIndexes ??= new(ReferenceEqualityComparer.Instance);
        if (!_bundleIndexes.TryGetValue(bundle, out var index))
        {
            index = new Dictionary<string, ElementNode>(StringComparer.Ordinal);
            foreach (var entry in bundle.ChildrenNamed("entry"))
            {
                if (entry.Child("resource") is not { } resource)
                {
                    continue;
                }
                if (entry.GetString("fullUrl") is { } fullUrl)
                {
                    index.TryAdd(fullUrl, resource);
                }
                if (resource.GetString("id") is { } id)
                {
                    index.TryAdd(resource.Type.Name + "/" + id, resource);
                }
            }
            _bundleIndexes[bundle] = index;
        }
        if (index.TryGetValue(reference, out var found))
        {
            return found;
        }
        var history = reference.IndexOf("/_history/", StringComparison.Ordinal);
        return history > 0 && index.TryGetValue(reference[..history], out found) ? found : null;
    }
}

using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Http;

namespace Fhir.Server.Bundles;

/// <summary>Reads one <c>Bundle.entry</c> of a batch or transaction into a <see cref="FhirRequest"/>.</summary>
internal static class EntryRequest
{
    /// <summary>The entry as a request, or the issue that makes it unusable.</summary>
    public static (FhirRequest? Request, Issue? Error) Read(ElementNode entry, int index, FhirRequest bundleRequest, ServerContext context)
    {
        var where = $"Bundle.entry[{index}]";
        var request = entry.Child("request");
        var method = request?.GetString("method");
        var url = request?.GetString("url");
        if (request is null || method is null || url is null)
        {
            return (null, Issue.Error(IssueType.Required, "Each entry needs request.method and request.url.", $"{where}.request"));
        }
        if (url.StartsWith(bundleRequest.BaseUrl + "/", StringComparison.Ordinal))
        {
            url = url[(bundleRequest.BaseUrl.Length + 1)..];
        }
        var q = url.IndexOf('?');
        var path = (q < 0 ? url : url[..q]).Trim('/');
        var query = q < 0 ? [] : QueryParameters.Parse(url[(q + 1)..]);
        var segments = path.Length == 0 ? [] : path.Split('/');

        string? type = null, id = null, vid = null;
        var shapeOk = segments.Length switch
        {
            0 => true,
            1 => true,
            2 => true,
            3 => segments[2] == "_history",
            4 => segments[2] == "_history",
            _ => false,
        };
        if (segments.Length >= 1 && segments[0] != "_history")
        {
            type = segments[0];
            if (!context.Definitions.IsResourceType(type))
            {
                return (null, Issue.Error(IssueType.NotSupported, $"'{type}' is not a resource type of FHIR R4.", $"{where}.request.url"));
            }
        }
        if (segments.Length >= 2 && segments[1] is not ("_history" or "_search"))
        {
            id = segments[1];
            if (!FhirHttp.IsValidId(id))
            {
                return (null, Issue.Error(IssueType.Invalid, $"'{id}' is not a valid resource id.", $"{where}.request.url"));
            }
        }
        if (segments.Length == 4)
        {
            vid = segments[3];
        }
        if (!shapeOk)
        {
            return (null, Issue.Error(IssueType.Invalid, $"'{url}' is not a URL this server can process in a Bundle.", $"{where}.request.url"));
        }

        var resource = entry.Child("resource");
        if (resource is not null)
        {
            resource.Parent!.Remove(resource); // detach: the resource is written on its own, not as part of the Bundle
            resource = Reroot(resource);
        }
        return (new FhirRequest
        {
            Method = method,
            ResourceType = type,
            Id = id,
            VersionId = vid,
            Query = query,
            Resource = resource,
            BaseUrl = bundleRequest.BaseUrl,
            MaxResponseBytes = bundleRequest.MaxResponseBytes,
            RelativeUrl = url,
            Access = bundleRequest.Access,
            Gate = bundleRequest.Gate,
            Audit = bundleRequest.Audit,
            Conditions = new RequestConditions
            {
                IfMatch = FhirHttp.ETagVersion(request.GetString("ifMatch")),
                IfNoneMatch = FhirHttp.ETagVersion(request.GetString("ifNoneMatch")),
                IfNoneExist = request.GetString("ifNoneExist"),
                IfModifiedSince = request.GetString("ifModifiedSince") is { } since && DateTimeOffset.TryParse(since, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var s) ? s : null,
                Return = bundleRequest.Conditions.Return,
                Handling = bundleRequest.Conditions.Handling,
            },
        }, null);
    }

    /// <summary>A Bundle entry's resource as a root resource node (its name becomes the resource type).</summary>
    internal static ElementNode Reroot(ElementNode resource)
    {
        var root = new ElementNode(resource.Type.Name, resource.Type);
        foreach (var child in resource.Children.ToList())
        {
            resource.Remove(child);
            root.Add(child);
        }
        return root;
    }
}

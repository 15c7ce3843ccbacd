using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;

namespace Fhir.Server.Views;

/// <summary>
/// The parameters of <c>ViewDefinition/$run</c> as sent: from the query string of a GET, or from a Parameters body of a
/// POST, read as plain JSON (a ViewDefinition is not an R4 resource, so the strict FHIR reader would refuse the
/// <c>viewResource</c> it carries). Resources in <c>viewResource</c> and <c>resource</c> are kept as their JSON bytes.
/// </summary>
internal sealed class ViewRunParameters
{
    private readonly List<KeyValuePair<string, string>> values = [];

    /// <summary>Primitive and reference parameters (a reference as its <c>reference</c> string), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Values => values;

    /// <summary>The <c>viewResource</c> given in the body, if any.</summary>
    public byte[]? ViewResource { get; private set; }

    /// <summary>Resources given in the body (<c>resource</c>) to run the view over instead of the server's.</summary>
    public List<byte[]> Resources { get; } = [];

    /// <summary>Every value of <paramref name="name"/>.</summary>
    public IEnumerable<string> All(string name) => values.Where(v => v.Key == name).Select(v => v.Value);

    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    public string? First(string name) => All(name).FirstOrDefault();

    public static (ViewRunParameters? Parameters, FhirResponse? Error) Read(FhirRequest request)
    {
        var parameters = new ViewRunParameters();
        parameters.values.AddRange(request.Query);
        if (request.Method != "POST" || request.Body.IsEmpty)
        {
            return (parameters, null);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            return (null, FhirResponse.Error(400, IssueType.Structure, $"The body is not well-formed JSON: {e.Message}"));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var type) || type.GetString() != "Parameters")
            {
                return (null, FhirResponse.Error(400, IssueType.Invalid, "ViewDefinition/$run takes a Parameters resource in the body."));
            }
            if (!root.TryGetProperty("parameter", out var list))
            {
                return (parameters, null);
            }
            if (list.ValueKind != JsonValueKind.Array)
            {
                return (null, FhirResponse.Error(400, IssueType.Structure, "Parameters.parameter must be an array.", "Parameters.parameter"));
            }
            var index = 0;
            foreach (var parameter in list.EnumerateArray())
            {
                var at = $"Parameters.parameter[{index++}]";
                if (parameter.ValueKind != JsonValueKind.Object || !parameter.TryGetProperty("name", out var nameElement) || nameElement.GetString() is not { Length: > 0 } name)
                {
                    return (null, FhirResponse.Error(400, IssueType.Required, "Each parameter needs a name.", at));
                }
                // R4 carries a resource in parameter.resource; some clients write valueResource.
                if (parameter.TryGetProperty("resource", out var resource) || parameter.TryGetProperty("valueResource", out resource))
                {
                    if (resource.ValueKind != JsonValueKind.Object)
                    {
                        return (null, FhirResponse.Error(400, IssueType.Invalid, $"'{name}' needs a resource.", at));
                    }
                    var bytes = System.Text.Encoding.UTF8.GetBytes(resource.GetRawText());
                    switch (name)
                    {
                        case "viewResource" when parameters.ViewResource is null:
                            parameters.ViewResource = bytes;
                            break;
                        case "viewResource":
                            return (null, FhirResponse.Error(400, IssueType.NotSupported, "This server runs one view per request: give one viewResource.", at));
                        case "resource":
                            parameters.Resources.Add(bytes);
                            break;
                        default:
                            return (null, FhirResponse.Error(400, IssueType.Invalid, $"'{name}' does not take a resource.", at));
                    }
                    continue;
                }
                var value = parameter.EnumerateObject().FirstOrDefault(p => p.Name.StartsWith("value", StringComparison.Ordinal));
                if (value.Name is null)
                {
                    return (null, FhirResponse.Error(400, IssueType.Required, $"'{name}' has no value.", at));
                }
                if (value.Name == "valueReference")
                {
                    if (!value.Value.TryGetProperty("reference", out var reference) || reference.GetString() is not { Length: > 0 } text)
                    {
                        return (null, FhirResponse.Error(400, IssueType.Invalid, $"'{name}' needs a valueReference with a reference.", at));
                    }
                    parameters.values.Add(new(name, text));
                    continue;
                }
                parameters.values.Add(new(name, value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString()! : value.Value.GetRawText()));
            }
        }
        return (parameters, null);
    }
}

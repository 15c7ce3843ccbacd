using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;

namespace Fhir.Server.Bulk;

/// <summary>
/// The parameters of a Bulk Data kick-off as sent: from the query string of a GET, or from the Parameters resource of a
/// POST (the only way to send <c>patient</c>). Values of the parameters that take comma-separated lists may repeat; they
/// are joined as if they had been one list, as the specification asks.
/// </summary>
internal sealed class ExportParameters
{
    /// <summary>The NDJSON media type of Bulk Data files.</summary>
    public const string Ndjson = "application/fhir+ndjson";

    private ExportParameters(List<KeyValuePair<string, string>> values, List<string> patients, bool posted)
    {
        Values = values;
        Patients = patients;
        Posted = posted;
    }

    /// <summary>Every parameter but <c>patient</c>, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Values { get; }

    /// <summary>The <c>patient</c> references (<c>Patient/123</c>), POST only.</summary>
    public IReadOnlyList<string> Patients { get; }

    /// <summary>True when the parameters came in a POST body.</summary>
    public bool Posted { get; }

    /// <summary>The values of <paramref name="name"/>, each split at commas, in order.</summary>
    public IReadOnlyList<string> List(string name) =>
        [.. Values.Where(v => v.Key == name).SelectMany(v => v.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>The single value of <paramref name="name"/>, or null; an error when it is given twice.</summary>
    public string? Single(string name, List<Issue> issues)
    {
        var values = Values.Where(v => v.Key == name).ToList();
        if (values.Count > 1)
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"'{name}' may be given once.", name));
        }
        return values.Count == 0 ? null : values[0].Value;
    }

    /// <summary>The parameters of <paramref name="request"/>, or the 400 that a malformed Parameters body deserves.</summary>
    public static (ExportParameters? Parameters, FhirResponse? Error) Read(FhirRequest request)
    {
        var values = new List<KeyValuePair<string, string>>();
        var patients = new List<string>();
        foreach (var (name, value) in request.Query)
        {
            if (name == "patient")
            {
                return (null, FhirResponse.Error(400, IssueType.NotSupported,
                    "'patient' is taken in the Parameters body of a POST kick-off only (valueReference), not in the URL.", "patient"));
            }
            values.Add(new(name, value));
        }
        if (request.Method != "POST")
        {
            return (new ExportParameters(values, patients, posted: false), null);
        }
        if (request.Body.IsEmpty)
        {
            return (new ExportParameters(values, patients, posted: true), null);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Body, new JsonDocumentOptions { MaxDepth = 32 });
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
                return (null, FhirResponse.Error(400, IssueType.Invalid, "A POST kick-off takes a Parameters resource."));
            }
            if (!root.TryGetProperty("parameter", out var parameters))
            {
                return (new ExportParameters(values, patients, posted: true), null);
            }
            if (parameters.ValueKind != JsonValueKind.Array)
            {
                return (null, FhirResponse.Error(400, IssueType.Structure, "Parameters.parameter must be an array.", "Parameters.parameter"));
            }
            var index = 0;
            foreach (var parameter in parameters.EnumerateArray())
            {
                var at = $"Parameters.parameter[{index++}]";
                if (parameter.ValueKind != JsonValueKind.Object || !parameter.TryGetProperty("name", out var nameElement) || nameElement.GetString() is not { Length: > 0 } name)
                {
                    return (null, FhirResponse.Error(400, IssueType.Required, "Each parameter needs a name.", at));
                }
                var value = parameter.EnumerateObject().FirstOrDefault(p => p.Name.StartsWith("value", StringComparison.Ordinal));
                if (name == "patient")
                {
                    if (value.Name != "valueReference" || !value.Value.TryGetProperty("reference", out var reference) || reference.GetString() is not { Length: > 0 } text)
                    {
                        return (null, FhirResponse.Error(400, IssueType.Invalid, "'patient' takes a valueReference with a reference (Patient/[id]).", at));
                    }
                    patients.Add(text);
                    continue;
                }
                if (value.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    return (null, FhirResponse.Error(400, IssueType.Invalid, $"'{name}' needs a primitive value (valueString, valueInstant, valueCode...).", at));
                }
                values.Add(new(name, value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString()! : value.Value.GetRawText()));
            }
        }
        return (new ExportParameters(values, patients, posted: true), null);
    }
}

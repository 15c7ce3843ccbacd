using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Server.Http;

namespace Fhir.Server.Interactions;

/// <summary>
/// capabilities: <c>GET [base]/metadata</c> — a CapabilityStatement that lists only what this
/// server really does (FHIR R4 RESTful API §3.1.0.12). Built once per registry of search parameters.
/// </summary>
internal sealed class Capabilities(ServerContext context)
{
    private static readonly string[] TypeInteractions = ["read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type"];
    private byte[]? _cached;
    private Dictionary<string, string>? _documentation;
    private Dictionary<string, List<string>>? _revIncludes;

    public FhirResponse Handle(FhirRequest request) => new(200) { Body = _cached ??= Build(request.BaseUrl) };

    private byte[] Build(string baseUrl)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resourceType", "CapabilityStatement");
            json.WriteString("status", "active");
            json.WriteString("date", "2026-11-21");
            json.WriteString("publisher", "Oncology trials FHIR server");
            json.WriteString("kind", "instance");
            WriteStrings(json, "instantiates", ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"]);
            json.WriteStartObject("software");
            json.WriteString("name", "Fhir.Server");
            json.WriteString("version", typeof(Capabilities).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.1");
            json.WriteEndObject();
            json.WriteStartObject("implementation");
            json.WriteString("description", "FHIR R4 server for oncology clinical trials");
            json.WriteString("url", baseUrl);
            json.WriteEndObject();
            json.WriteString("fhirVersion", FhirDefinitions.FhirVersion);
            WriteStrings(json, "format", ["application/fhir+json", "json", "application/fhir+xml", "xml"]);
            WriteStrings(json, "patchFormat", ["application/json-patch+json", "application/fhir+json", "application/fhir+xml"]);
            json.WriteStartArray("rest");
            json.WriteStartObject();
            json.WriteString("mode", "server");
            json.WriteStartArray("resource");
            foreach (var type in context.Definitions.ResourceTypeNames)
            {
                WriteResource(json, type);
            }
            json.WriteEndArray();
            json.WriteStartArray("interaction");
            foreach (var code in new[] { "transaction", "batch", "search-system", "history-system" })
            {
                json.WriteStartObject();
                json.WriteString("code", code);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            // What a system-level search takes without _type: the parameters every resource has.
            json.WriteStartArray("searchParam");
            WriteSearchParam(json, "_id", "http://hl7.org/fhir/SearchParameter/Resource-id", "token", Documentation("http://hl7.org/fhir/SearchParameter/Resource-id"));
            WriteSearchParam(json, "_lastUpdated", "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated", "date", Documentation("http://hl7.org/fhir/SearchParameter/Resource-lastUpdated"));
            foreach (var parameter in context.SearchParameters.ForType("Resource"))
            {
                if (parameter.IsSupported && parameter.Code is not ("_id" or "_lastUpdated"))
                {
                    WriteSearchParam(json, parameter.Code, parameter.Url, parameter.Type.ToString().ToLowerInvariant(), Documentation(parameter.Url));
                }
            }
            json.WriteEndArray();
            json.WriteStartArray("operation");
            WriteOperation(json, "export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
                "Bulk Data Access 2.0.0 system-level export (Prefer: respond-async): _outputFormat, _since, _type, _typeFilter, _elements, includeAssociatedData=RelevantProvenanceResources.");
            WriteOperation(json, "import", null,
                "Bulk ingest after the draft Bulk Data Import: POST [base]/$import (Prefer: respond-async) with the draft's JSON manifest or an NDJSON body; every resource validated and indexed as any write.");
            WriteOperation(json, "run", "http://sql-on-fhir.org/OperationDefinition/$run",
                "SQL on FHIR v2: ViewDefinition/$run and ViewDefinition/[id]/$run (viewResource, viewReference, patient, group, study, _since, _limit; csv, ndjson, json, parquet).");
            json.WriteEndArray();
            // Compartment searches ([Compartment]/[id]/[type]) follow these definitions.
            WriteStrings(json, "compartment", context.Compartments.CompartmentTypes.Order(StringComparer.Ordinal)
                .Select(c => "http://hl7.org/fhir/CompartmentDefinition/" + char.ToLowerInvariant(c[0]) + c[1..]));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteResource(Utf8JsonWriter json, string type)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString("profile", "http://hl7.org/fhir/StructureDefinition/" + type);
        json.WriteStartArray("interaction");
        foreach (var code in TypeInteractions)
        {
            json.WriteStartObject();
            json.WriteString("code", code);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("versioning", "versioned-update");
        json.WriteBoolean("readHistory", true);
        json.WriteBoolean("updateCreate", true);
        json.WriteBoolean("conditionalCreate", true);
        json.WriteString("conditionalRead", "not-supported");
        json.WriteBoolean("conditionalUpdate", true);
        json.WriteString("conditionalDelete", "single");
        json.WriteStartArray("searchParam");
        WriteSearchParam(json, "_id", "http://hl7.org/fhir/SearchParameter/Resource-id", "token", Documentation("http://hl7.org/fhir/SearchParameter/Resource-id"));
        WriteSearchParam(json, "_lastUpdated", "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated", "date", Documentation("http://hl7.org/fhir/SearchParameter/Resource-lastUpdated"));
        foreach (var parameter in context.SearchParameters.ForType(type))
        {
            if (parameter.IsSupported && parameter.Code is not ("_id" or "_lastUpdated"))
            {
                WriteSearchParam(json, parameter.Code, parameter.Url, parameter.Type.ToString().ToLowerInvariant(), Documentation(parameter.Url));
            }
        }
        json.WriteEndArray();
        WriteStrings(json, "searchInclude", SearchIncludes(type));
        WriteStrings(json, "searchRevInclude", RevIncludes().GetValueOrDefault(type) ?? []);
        var operations = Operations(type).ToList();
        if (operations.Count > 0)
        {
            json.WriteStartArray("operation");
            foreach (var (name, definition, documentation) in operations)
            {
                WriteOperation(json, name, definition, documentation);
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    // The operations of a type, beside the interactions every type has.
    private static IEnumerable<(string Name, string? Definition, string? Documentation)> Operations(string type)
    {
        if (type is "Patient" or "Encounter")
        {
            yield return ("everything", $"http://hl7.org/fhir/OperationDefinition/{type}-everything", null);
        }
        switch (type)
        {
            case "Patient":
                yield return ("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export", "Bulk Data export of every patient's compartment; POST takes 'patient'.");
                break;
            case "Group":
                yield return ("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export", "Bulk Data export of the compartments of the Group's active Patient members.");
                break;
            case "ResearchStudy":
                yield return ("export", "http://trials.example.org/fhir/OperationDefinition/study-export", "Bulk Data export of a study's cohort: its participants' compartments (ResearchSubject.individual) and the study with what it refers to.");
                break;
        }
    }

    private static void WriteOperation(Utf8JsonWriter json, string name, string? definition, string? documentation)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        // R4 requires a definition; the server's own operations point at a URL under its own namespace.
        json.WriteString("definition", definition ?? $"http://trials.example.org/fhir/OperationDefinition/{name}");
        if (documentation is not null)
        {
            json.WriteString("documentation", documentation);
        }
        json.WriteEndObject();
    }

    private static void WriteSearchParam(Utf8JsonWriter json, string name, string definition, string type, string? documentation)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("definition", definition);
        json.WriteString("type", type);
        if (documentation is not null)
        {
            json.WriteString("documentation", documentation);
        }
        json.WriteEndObject();
    }

    // _include values a search on the type accepts: every reference parameter of the type, and *.
    private IEnumerable<string> SearchIncludes(string type) =>
        context.SearchParameters.ForType(type)
            .Where(p => p.Type == Fhir.Search.Queries.SearchParamType.Reference && p.IsSupported)
            .Select(p => $"{type}:{p.Code}")
            .Prepend("*");

    // _revinclude values per target type: Source:param for every reference parameter that may point at it.
    private Dictionary<string, List<string>> RevIncludes()
    {
        if (_revIncludes is not null)
        {
            return _revIncludes;
        }
        var byTarget = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var source in context.Definitions.ResourceTypeNames)
        {
            foreach (var parameter in context.SearchParameters.ForType(source))
            {
                if (parameter.Type != Fhir.Search.Queries.SearchParamType.Reference || !parameter.IsSupported)
                {
                    continue;
                }
                var targets = parameter.Targets.Contains("Resource") || parameter.Targets.Count == 0 ? context.Definitions.ResourceTypeNames : parameter.Targets;
                foreach (var target in targets)
                {
                    if (!byTarget.TryGetValue(target, out var list))
                    {
                        byTarget[target] = list = [];
                    }
                    list.Add($"{source}:{parameter.Code}");
                }
            }
        }
        return _revIncludes = byTarget;
    }

    // The description of each search parameter of the definitions, by canonical URL.
    private string? Documentation(string url)
    {
        if (_documentation is null)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in context.Definitions.Entries)
            {
                if (entry.ResourceType != "SearchParameter" || entry.Url is null)
                {
                    continue;
                }
                using var doc = JsonDocument.Parse(context.Definitions.ReadJson(entry));
                // Trimmed: FHIR XML should not carry leading or trailing whitespace in values, and strict XML clients refuse it.
                if (doc.RootElement.TryGetProperty("description", out var description) && description.GetString()?.Trim() is { Length: > 0 } text)
                {
                    map.TryAdd(entry.Url, text);
                }
            }
            _documentation = map;
        }
        return _documentation.GetValueOrDefault(url);
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }
}

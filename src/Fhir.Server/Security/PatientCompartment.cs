using System.Collections.Frozen;
using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Core.Model;
using Fhir.Search.Indexing;

namespace Fhir.Server.Security;

/// <summary>
/// Membership of resources in one patient's compartment, from the R4 Patient CompartmentDefinition:
/// a resource belongs when one of its type's compartment parameters references the patient. This is
/// what confines <c>patient/</c> scopes.
/// </summary>
internal sealed class PatientCompartment
{
    private readonly FrozenDictionary<string, string[]> _parametersByType;
    private readonly ResourceIndexer _indexer;

    public PatientCompartment(FhirDefinitions definitions, ResourceIndexer indexer)
    {
        _indexer = indexer;
        var entry = definitions.FindByUrl("http://hl7.org/fhir/CompartmentDefinition/patient")
            ?? throw new InvalidOperationException("The R4 Patient CompartmentDefinition is missing from the definitions.");
        using var json = JsonDocument.Parse(definitions.ReadJson(entry));
        var map = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var resource in json.RootElement.GetProperty("resource").EnumerateArray())
        {
            if (resource.TryGetProperty("param", out var parameters))
            {
                map[resource.GetProperty("code").GetString()!] = parameters.EnumerateArray().Select(p => p.GetString()!).ToArray();
            }
        }
        _parametersByType = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The compartment's search parameters for <paramref name="resourceType"/> (empty when the type is never in it).</summary>
    public IReadOnlyList<string> ParametersOf(string resourceType) =>
        _parametersByType.TryGetValue(resourceType, out var parameters) ? parameters : [];

    /// <summary>True when <paramref name="resource"/> is in the compartment of Patient <paramref name="patientId"/>.</summary>
    public bool Contains(ElementNode resource, string patientId)
    {
        var type = resource.Type.Name;
        if (type == "Patient" && resource.GetString("id") == patientId)
        {
            return true;
        }
        var parameters = ParametersOf(type);
        if (parameters.Count == 0)
        {
            return false;
        }
        foreach (var value in _indexer.Extract(resource))
        {
            if (value is ReferenceIndexValue { TargetType: "Patient" } reference && reference.TargetId == patientId && Contains(parameters, value.Code))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Contains(IReadOnlyList<string> parameters, string code)
    {
        foreach (var parameter in parameters)
        {
            if (parameter == code)
            {
                return true;
            }
        }
        return false;
    }
}

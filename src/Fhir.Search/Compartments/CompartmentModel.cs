using System.Collections.Frozen;
using System.Text.Json;
using Fhir.Core.Definitions;

namespace Fhir.Search.Compartments;

/// <summary>
/// The compartments of FHIR R4 (Patient, Encounter, RelatedPerson, Practitioner, Device), read from
/// the CompartmentDefinition resources of the definitions: for each compartment, which resource
/// types are in it and through which search parameters.
/// </summary>
public sealed class CompartmentModel
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, IReadOnlyList<string>>> _byCompartment;

    private CompartmentModel(Dictionary<string, FrozenDictionary<string, IReadOnlyList<string>>> byCompartment) =>
        _byCompartment = byCompartment.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The compartments of the definitions' CompartmentDefinition resources.</summary>
    public static CompartmentModel FromDefinitions(FhirDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var byCompartment = new Dictionary<string, FrozenDictionary<string, IReadOnlyList<string>>>(StringComparer.Ordinal);
        foreach (var entry in definitions.Entries)
        {
            // The specification ships an example CompartmentDefinition that redefines Device: not a real one.
            if (entry.ResourceType != "CompartmentDefinition" || entry.Id == "example")
            {
                continue;
            }
            using var doc = JsonDocument.Parse(definitions.ReadJson(entry));
            var root = doc.RootElement;
            var types = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var resource in root.GetProperty("resource").EnumerateArray())
            {
                if (!resource.TryGetProperty("param", out var parameters))
                {
                    continue; // listed, but never in the compartment
                }
                // {def} names the focal resource itself, which every compartment search includes anyway.
                var codes = parameters.EnumerateArray().Select(p => p.GetString()!).Where(p => p != "{def}").ToList();
                types[resource.GetProperty("code").GetString()!] = codes;
            }
            byCompartment[root.GetProperty("code").GetString()!] = types.ToFrozenDictionary(StringComparer.Ordinal);
        }
        return new CompartmentModel(byCompartment);
    }

    /// <summary>The compartment types (<c>Patient</c>, <c>Encounter</c>...).</summary>
    public IEnumerable<string> CompartmentTypes => _byCompartment.Keys;

    /// <summary>True when <paramref name="type"/> has a compartment.</summary>
    public bool IsCompartment(string type) => _byCompartment.ContainsKey(type);

    /// <summary>The resource types that can be in the compartment, sorted.</summary>
    public IReadOnlyList<string> ResourceTypes(string compartment) =>
        _byCompartment.TryGetValue(compartment, out var types) ? [.. types.Keys.Order(StringComparer.Ordinal)] : [];

    /// <summary>
    /// The parameters that put a <paramref name="resourceType"/> in the compartment, or null when that
    /// type is never in it. Empty for a type in it only as the focal resource (an Encounter in its own compartment).
    /// </summary>
    public IReadOnlyList<string>? Parameters(string compartment, string resourceType) =>
        _byCompartment.TryGetValue(compartment, out var types) && types.TryGetValue(resourceType, out var codes) ? codes : null;

    /// <summary>
    /// The ids of the <paramref name="compartment"/> resources whose compartment a resource is in, from its index values:
    /// those a compartment parameter of its type refers to, and the resource itself when it is of the compartment's type.
    /// </summary>
    /// <param name="compartment">The compartment type (<c>Patient</c>).</param>
    /// <param name="resourceType">The resource's type.</param>
    /// <param name="resourceId">The resource's id.</param>
    /// <param name="index">The resource's index values (ResourceIndexer.Extract).</param>
    public IReadOnlyList<string> Members(string compartment, string resourceType, string resourceId, IReadOnlyList<Indexing.IndexValue> index)
    {
        ArgumentNullException.ThrowIfNull(index);
        List<string>? members = resourceType == compartment ? [resourceId] : null;
        if (Parameters(compartment, resourceType) is { Count: > 0 } codes)
        {
            foreach (var value in index)
            {
                if (value is Indexing.ReferenceIndexValue { TargetId: { } id } reference && reference.TargetType == compartment
                    && codes.Contains(value.Code) && members?.Contains(id) != true)
                {
                    (members ??= []).Add(id);
                }
            }
        }
        return members ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The filter of <paramref name="compartment"/>/<paramref name="id"/> for a search on <paramref name="resourceType"/>, or null when that type is never in it.</summary>
    public CompartmentFilter? Filter(string compartment, string id, string resourceType) =>
        Parameters(compartment, resourceType) is { } codes ? new CompartmentFilter(compartment, id, codes) : null;
}

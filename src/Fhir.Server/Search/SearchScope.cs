using Fhir.Search.Compartments;

namespace Fhir.Server.Search;

/// <summary>Where a type search looks: one compartment, with the URL its Bundle links use.</summary>
/// <param name="Url">The search URL without parameters (<c>[base]/Patient/123/Observation</c>).</param>
/// <param name="Compartment">The compartment's filter for the searched type.</param>
internal sealed record SearchScope(string Url, CompartmentFilter Compartment);

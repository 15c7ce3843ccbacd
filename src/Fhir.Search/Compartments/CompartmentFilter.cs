namespace Fhir.Search.Compartments;

/// <summary>
/// Restricts a search to one compartment (<c>Patient/123/Observation</c>): resources that refer to
/// the compartment's focal resource through one of <paramref name="Codes"/> (ORed), and the focal
/// resource itself when the search is on its type.
/// </summary>
/// <param name="Type">The compartment type, which is the focal resource's type (<c>Patient</c>).</param>
/// <param name="Id">The focal resource's id.</param>
/// <param name="Codes">The reference search parameters that put a resource of the searched type in the compartment.</param>
public sealed record CompartmentFilter(string Type, string Id, IReadOnlyList<string> Codes);

using Fhir.Core.Model;

namespace Fhir.Validation.Conformance;

/// <summary>
/// Where validation finds the conformance resources it checks against (StructureDefinitions, ValueSets,
/// CodeSystems), by canonical URL: the R4 core, loaded packages, the trial's <c>profiles/</c>, and
/// resources POSTed to the server.
/// </summary>
public interface IConformanceSource
{
    /// <summary>
    /// The resource with canonical <paramref name="canonical"/> (<c>url</c> or <c>url|version</c>), or null.
    /// A StructureDefinition always comes with its snapshot.
    /// </summary>
    ElementNode? Find(string canonical);
}

namespace Fhir.Validation.Packages;

/// <summary>One resource file of a FHIR package, indexed by the fields needed to find it without parsing it.</summary>
/// <param name="FileName">The file inside the package, e.g. <c>package/StructureDefinition-variant.json</c>.</param>
/// <param name="ResourceType">The resource's type.</param>
/// <param name="Id">The resource's id, or null.</param>
/// <param name="Url">The canonical URL of a conformance resource, or null.</param>
/// <param name="Version">The business version of a conformance resource, or null.</param>
/// <param name="Json">The resource as UTF-8 JSON.</param>
public sealed record PackageResource(string FileName, string ResourceType, string? Id, string? Url, string? Version, byte[] Json);

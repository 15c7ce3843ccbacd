namespace Fhir.Core.Definitions;

/// <summary>One allowed type of an element (<c>ElementDefinition.type</c>).</summary>
/// <param name="Code">The type name: a FHIR type (<c>Quantity</c>, <c>string</c>) or a system type (<c>System.String</c>).</param>
/// <param name="Profiles">Profiles the value must conform to.</param>
/// <param name="TargetProfiles">For Reference and canonical: the profiles of the resources it may point to.</param>
public sealed record ElementTypeRef(string Code, IReadOnlyList<string> Profiles, IReadOnlyList<string> TargetProfiles)
{
    /// <summary>The suffix this type gives a choice element in JSON: <c>Quantity</c>, <c>String</c>.</summary>
    public string ChoiceSuffix { get; } = Code.Length == 0 ? Code : char.ToUpperInvariant(Code[0]) + Code[1..];
}

namespace Fhir.Storage;

/// <summary>Which way an include follows references.</summary>
public enum IncludeDirection
{
    /// <summary><c>_include</c>: the resources the given ones reference.</summary>
    Include,
    /// <summary><c>_revinclude</c>: the resources that reference the given ones.</summary>
    RevInclude,
}

/// <summary>A resource by type and logical id.</summary>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The logical id.</param>
public readonly record struct ResourceRef(string Type, string Id);

/// <summary>One step of <c>_include</c> or <c>_revinclude</c> for the store.</summary>
/// <param name="Direction">Follow references out of <see cref="Resources"/> or into them.</param>
/// <param name="Resources">
/// For <see cref="IncludeDirection.Include"/>, the referencing resources (only those of <see cref="SourceType"/>
/// are used); for <see cref="IncludeDirection.RevInclude"/>, the referenced ones.
/// </param>
/// <param name="SourceType">The type of the resources that hold the references; null for any (revinclude only).</param>
/// <param name="Codes">The reference search parameters followed; null for all of them.</param>
/// <param name="TargetType">Only references to this type (<c>_include=Observation:subject:Patient</c>); null for any.</param>
/// <param name="Limit">The most resources returned.</param>
public sealed record IncludeRequest(
    IncludeDirection Direction,
    IReadOnlyList<ResourceRef> Resources,
    string? SourceType,
    IReadOnlyList<string>? Codes,
    string? TargetType,
    int Limit)
{
    /// <summary>The most bytes of resource JSON returned: the store stops reading once it has that much (at least one resource); null for no limit.</summary>
    public long? MaxBytes { get; init; }
}

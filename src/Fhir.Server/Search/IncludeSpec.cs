using Fhir.Storage;

namespace Fhir.Server.Search;

/// <summary>
/// One <c>_include</c> or <c>_revinclude</c> value: <c>Source:param[:Target]</c>, <c>Source:*</c> or <c>*</c>.
/// </summary>
/// <param name="Direction">Include (follow references out) or revinclude (references in).</param>
/// <param name="SourceType">The type holding the references; null for <c>*</c> (any type).</param>
/// <param name="Codes">The reference parameters followed; null for all of them.</param>
/// <param name="TargetType">Only references to this type; null for any.</param>
/// <param name="Iterate">With <c>:iterate</c>, the step applies to included resources too, repeatedly.</param>
internal sealed record IncludeSpec(IncludeDirection Direction, string? SourceType, IReadOnlyList<string>? Codes, string? TargetType, bool Iterate);

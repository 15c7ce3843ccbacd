using Fhir.Search.Queries;

namespace Fhir.Search.Parameters;

/// <summary>A search parameter as it applies to one resource type.</summary>
/// <param name="Url">The SearchParameter's canonical URL.</param>
/// <param name="Code">The name used in queries.</param>
/// <param name="ResourceType">The type it applies to (<c>Resource</c> for the common ones such as <c>_id</c>).</param>
/// <param name="Type">The parameter type.</param>
/// <param name="Expression">The FHIRPath expression that extracts its values, narrowed to <paramref name="ResourceType"/>; null when it has none (<c>_text</c>, <c>_content</c>).</param>
/// <param name="Targets">For reference parameters: the resource types it may point to.</param>
/// <param name="Components">For composite parameters: the parts.</param>
public sealed record SearchParameterInfo(
    string Url,
    string Code,
    string ResourceType,
    SearchParamType Type,
    string? Expression,
    IReadOnlyList<string> Targets,
    IReadOnlyList<CompositeComponent> Components)
{
    /// <summary>True when the server indexes and searches this parameter (all but <c>_text</c>, <c>_content</c> and other specials without an expression).</summary>
    public bool IsSupported => Expression is not null && Type is not SearchParamType.Special;
}

/// <summary>One part of a composite search parameter: the parameter it reuses and the expression relative to the composite's value.</summary>
public sealed record CompositeComponent(string Definition, string Expression);
